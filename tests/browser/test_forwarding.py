"""A journey up the unit tree in a real browser: the county's reviewer forwards (上报) an item to
盐城市, the city's reviewer adopts it, and the officer sees 县级以上部门采用 and the 300 yuan it earns."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports.models import Adoption, ForwardedItem
from tests.factories import PASSWORD, OfficerFactory, RegionalReviewerFactory, ReportFactory, ReviewerFactory, unit_tree

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(browser, live_server, phone):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def test_county_forwards_city_adopts_officer_earns_300(browser, live_server, county, other_county):
    units = unit_tree(county, other_county)
    officer = OfficerFactory(county=county, name="刘洋", phone="13815110004")
    # Two hours ago, but in this (Beijing) month: the officer's home shows this month's 300 yuan, and
    # this journey runs on the real clock (a run just after midnight on the 1st put it in last month).
    month_start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    when = max(timezone.now() - timedelta(hours=2), month_start)
    report = ReportFactory(
        officer=officer,
        title="某电子厂拖欠3个月工资",
        content="刘洋反映：某电子厂拖欠120名职工3个月工资。",
        submitted_at=when,
        occurred_at=when,
        status="reviewed",
        grade="qualified",
    )
    ReviewerFactory(county=county, username="13900000002", full_name="陈审核")
    RegionalReviewerFactory(region=units["city"], username="13900000011", full_name="孙市审")

    # 1. The county's reviewer forwards an edited copy from the report's page.
    context, page = signed_in(browser, live_server, "13900000002")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.get_by_text("上报至盐城市（编辑后上报，原信息不变）").click()
    page.get_by_label("上报标题").fill("滨海县某电子厂拖欠职工工资")
    # the officer's name left in the text: refused, and the page says why
    page.get_by_role("button", name="上报", exact=True).click()
    assert page.get_by_test_id("forward-errors").inner_text() == (
        "上报内容不能含有信息员的姓名（上级单位只看到来源县区和信息员代码），请删去后再上报"
    )
    page.get_by_label("上报内容").fill("滨海县某电子厂拖欠120名职工3个月工资，县总工会已介入。")
    page.get_by_label("报送说明").fill("请市总工会关注")
    page.get_by_role("button", name="上报", exact=True).click()
    page.get_by_text("已上报至盐城市").wait_for()
    assert "待处理" in page.get_by_test_id("forwards").inner_text()
    context.close()

    # 2. The city's reviewer finds it on the home page, sees the county and the code, adopts it.
    context, page = signed_in(browser, live_server, "13900000011")
    assert page.get_by_test_id("pending-forwarded").inner_text().endswith("1")
    page.get_by_test_id("latest-forwarded").get_by_text("滨海县某电子厂拖欠职工工资").click()
    assert page.get_by_test_id("source-county").inner_text() == "滨海县"
    assert page.get_by_test_id("officer-code").inner_text().startswith(officer.code)
    assert "刘洋" not in page.content() and "13815110004" not in page.content()
    page.get_by_label("刊物").fill("盐城工运信息")
    page.get_by_label("期号").fill("2026年第7期")
    page.get_by_role("button", name="采用", exact=True).click()
    page.get_by_text("已采用：原信息评定为县级以上部门采用，已通知信息员和来源县区").wait_for()
    assert "已采用" in page.get_by_test_id("decision").inner_text()
    context.close()
    item = ForwardedItem.objects.get()
    assert item.status == "adopted" and Adoption.objects.get().body == "盐城市总工会"

    # 3. The officer: 县级以上部门采用 on the report, 优秀 and 300 yuan for the month.
    officer_context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, locale="zh-CN")
    page = officer_context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号").fill("13815110004")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    progress = page.get_by_test_id("month-progress").inner_text()
    assert "预计考核等级：优秀，补助 300 元" in progress
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    assert "县级以上部门采用" in page.get_by_test_id("grade-result").inner_text()
    officer_context.close()
