"""Issue 14 journeys on a phone: Back then 报送 again, an emergency's place, the counter, deleting a
draft, a withdrawn report in 我的报送, the emergency banner for staff."""

import pytest

from reports.models import Report
from tests.browser.test_reports import log_in
from tests.factories import OfficerFactory, ReportFactory, ReviewerFactory, TownshipFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def officer(county):
    home = TownshipFactory(county=county, name="陈涛镇")
    TownshipFactory(county=county, name="八巨镇")
    return OfficerFactory(county=county, township=home, name="刘洋", phone="13815110004")


def fill_general(page, title):
    page.get_by_label("标题").fill(title)
    page.get_by_label("信息类别").select_option(label="欠薪讨薪")
    page.get_by_label("内容").fill("某企业三十余名职工反映拖欠两个月工资。")


def test_back_then_report_again_makes_one_report(phone_page, live_server, officer):
    page, base = phone_page, live_server.url
    log_in(page, base, "13815110004")
    page.goto(f"{base}/reports/new/")
    fill_general(page, "某企业拖欠工资")
    page.get_by_role("button", name="报送", exact=True).click()
    page.get_by_text("信息已报送").wait_for()
    page.go_back()
    page.wait_for_url(f"{base}/reports/new/")
    # The form comes back as it was sent (or is filled in again, as an officer would).
    if not page.get_by_label("标题").input_value():
        fill_general(page, "某企业拖欠工资")
    page.get_by_role("button", name="报送", exact=True).click()
    page.get_by_text("该表单已提交过，以下是第一次提交的结果").wait_for()
    assert Report.objects.count() == 1
    assert page.url == f"{base}/reports/{Report.objects.get().pk}/"


def test_an_emergency_names_its_place_on_the_first_screen(phone_page, live_server, officer):
    page, base = phone_page, live_server.url
    log_in(page, base, "13815110004")
    page.goto(f"{base}/reports/new/")
    place = page.get_by_label("事发地（镇区街道）")
    # On the first screen, outside the collapsed 补充 section; a general report offers the officer's own.
    assert place.is_visible() and place.evaluate("el => el.closest('details') === null")
    assert place.evaluate("el => el.options[el.selectedIndex].text") == "陈涛镇"
    fill_general(page, "八巨镇某厂职工聚集")
    page.get_by_label("突发").check()
    # 突发: not pre-filled, and required.
    assert place.input_value() == "" and place.evaluate("el => el.required")
    page.get_by_role("button", name="报送", exact=True).click()
    page.get_by_text("突发信息请选择事发地所在的镇区街道").first.wait_for()
    assert Report.objects.count() == 0
    page.get_by_label("事发地（镇区街道）").select_option(label="八巨镇")
    # the 初报's essentials (issue 16): the section holding them is open for an emergency
    page.get_by_label("涉及企业或场所（未登记时填写名称）").fill("某厂")
    page.get_by_label("涉及人数").fill("30")
    page.get_by_label("职工诉求").fill("要求补发工资")
    page.get_by_role("button", name="报送", exact=True).click()
    page.get_by_text("信息已报送，正在提醒县总工会工作人员尽快处置").wait_for()
    assert Report.objects.get().township.name == "八巨镇"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_content_counter(phone_page, live_server, officer):
    page, base = phone_page, live_server.url
    log_in(page, base, "13815110004")
    page.goto(f"{base}/reports/new/")
    counter = page.get_by_test_id("char-counter")
    assert counter.inner_text() == "已输入 0 / 5000 字"
    page.get_by_label("内容").fill("职工反映欠薪")
    assert counter.inner_text() == "已输入 6 / 5000 字"
    page.get_by_label("内容").fill("字" * 5003)
    assert counter.inner_text() == "已输入 5003 / 5000 字，超出 3 字"
    assert "text-danger" in counter.get_attribute("class")
    assert page.external_requests == []


def test_a_draft_is_deleted_after_asking(phone_page, live_server, officer):
    page, base = phone_page, live_server.url
    log_in(page, base, "13815110004")
    page.goto(f"{base}/reports/new/")
    page.get_by_label("标题").fill("还没写完的草稿")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("草稿已保存").wait_for()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="删除草稿").click()
    page.get_by_text("草稿“还没写完的草稿”已删除").wait_for()
    assert asked == ["删除后这份草稿不能恢复。确定删除吗？"]
    assert Report.objects.count() == 0


def test_a_withdrawn_report_stays_in_my_reports(phone_page, live_server, officer):
    report = ReportFactory(officer=officer, title="工地欠薪苗头")
    page, base = phone_page, live_server.url
    log_in(page, base, "13815110004")
    page.goto(f"{base}/reports/{report.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="撤回").click()
    page.get_by_text("信息已撤回").wait_for()
    item = page.get_by_role("link", name="工地欠薪苗头")
    assert item.is_visible() and "已撤回" in item.inner_text()


def test_the_emergency_banner_until_staff_open_it(browser, phone_page, live_server, officer, county):
    ReviewerFactory(county=county, username="13900000002", full_name="陈审核")
    ReviewerFactory(county=county, username="13900000003", full_name="王审核")
    emergency = ReportFactory(officer=officer, urgency="emergency", title="某厂职工聚集", township=officer.township)
    base = live_server.url
    desk = phone_page
    log_in(desk, base, "13900000002")
    banner = desk.get_by_test_id("emergency-banner")
    assert banner.is_visible() and "【陈涛镇】某厂职工聚集" in banner.inner_text()
    desk.goto(f"{base}/reports/review/")
    assert desk.get_by_test_id("emergency-banner").is_visible()
    # Another reviewer opens it from the banner, and sees the reporter's phone to call back.
    other = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, locale="zh-CN")
    second = other.new_page()
    log_in(second, base, "13900000003")
    second.get_by_test_id("emergency-banner").get_by_role("link", name="某厂职工聚集").click()
    second.wait_for_url(f"{base}/reports/{emergency.pk}/")
    assert second.get_by_test_id("reporter-phone").get_by_role("link", name="13815110004").is_visible()
    assert second.get_by_test_id("emergency-banner").count() == 0
    other.close()
    desk.reload()
    assert desk.get_by_test_id("emergency-banner").count() == 0
