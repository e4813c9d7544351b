"""Issue 15 in the browser: the county grades an item and forwards it, the city puts it into its
bulletin and signs it, and the officer sees 县级以上部门采用 and the 300 yuan it brings."""

import pytest
from django.utils import timezone

from officers.models import Region
from reports import services
from reports.models import Report
from tests.factories import PASSWORD, AdminFactory, OfficerFactory, RegionFactory, ReportFactory, ReviewerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, live_server, phone):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def test_a_city_reviewer_publishes_an_item_and_the_officer_sees_300_yuan(browser, live_server, county):
    province = RegionFactory(code="320000", name="江苏省", level=Region.Level.PROVINCE)
    city = RegionFactory(code="320900", name="盐城市", parent=province)
    county.region = city
    county.save()
    officer = OfficerFactory(county=county, name="刘洋", phone="13815110004")
    county_reviewer = ReviewerFactory(county=county, username="13900000002", full_name="陈审核")
    ReviewerFactory(county=None, region=city, username="13900000011", full_name="市审核")
    services.publication_create(actor=AdminFactory(county=None, region=city), name="盐城工会信息")
    now = timezone.now()
    report = ReportFactory(
        officer=officer,
        title="外卖骑手反映站点罚款过重",
        submitted_at=now,
        occurred_at=now - timezone.timedelta(hours=1),
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()

    # The county reviewer grades it 合格: 100 yuan so far.
    login(page, live_server, "13900000002")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.get_by_role("radio", name="合格").check()
    page.get_by_role("button", name="保存审核结果").click()
    page.get_by_text("审核结果已保存").wait_for()
    context.clear_cookies()
    # ...and forwards it (上报) to the city, which finds it among the items it may publish.
    services.item_forward(
        report=Report.objects.get(pk=report.pk),
        actor=county_reviewer,
        title="外卖骑手反映站点罚款过重",
        content="某站点罚款过重",
    )

    # The city reviewer opens a new issue, puts the item in, names the signer and signs.
    login(page, live_server, "13900000011")
    page.get_by_role("link", name="信息专报").click()
    page.get_by_role("link", name="《盐城工会信息》").click()
    page.get_by_test_id("new-issue").click()
    page.get_by_text("已新建一期草稿").wait_for()
    assert "刘洋" not in page.content()
    page.get_by_role("button", name="编入本期").click()
    page.get_by_text("已编入本期").wait_for()
    page.get_by_label("签发人").fill("吴主席")
    page.get_by_label("编辑", exact=True).fill("市总工会办公室")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已保存").wait_for()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_test_id("sign").click()
    page.get_by_text("已签发：《盐城工会信息》").wait_for()
    assert asked == ["签发后期号即编定，本期不能再修改，编入的信息记为盐城市总工会采用。确定签发吗？"]
    year = timezone.localdate().year
    assert page.get_by_test_id("issue-number").inner_text() == f"{year}年第1期"
    assert page.get_by_test_id("issue-state").inner_text() == "已签发"
    context.clear_cookies()

    # The officer sees the grade and the tier it brings.
    login(page, live_server, "13815110004")
    progress = page.get_by_test_id("month-progress").inner_text()
    assert "预计考核等级：优秀，补助 300 元" in progress
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    result = page.get_by_test_id("grade-result").inner_text()
    assert "审核结果：县级以上部门采用" in result and "采用单位：盐城市总工会" in result
    context.close()
