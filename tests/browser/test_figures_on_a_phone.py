"""On a phone: the summary's tables have headers and signed changes, the stipend page refuses a month
before the county's first officer and says why approval is disabled, amounts carry separators."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from reports.models import StipendSetting
from tests.factories import PASSWORD, AdminFactory, OfficerFactory, ReportFactory, TownshipFactory
from tests.overview.test_summaries import OCT, october  # noqa: F401  (the summary's fixed October)
from unionportal.overview import summaries

pytestmark = pytest.mark.django_db(transaction=True)
MID_OCTOBER = datetime(2026, 10, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def log_in(page, live_server, phone):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def test_the_summary_tables_have_headers_and_signed_changes(phone_page, live_server, county, october):  # noqa: F811
    summary = summaries.summary_build(county=county, month=OCT)
    AdminFactory(county=county, username="13900000001")
    page = phone_page
    log_in(page, live_server, "13900000001")
    page.goto(live_server.url + reverse("overview:summary", args=[summary.pk]))
    assert page.get_by_test_id("summary-change").inner_text() == "+2"
    urgency = page.get_by_test_id("table-by_urgency")
    urgency.scroll_into_view_if_needed()
    assert urgency.locator("caption").inner_text() == "按紧急程度"
    assert urgency.locator("thead th").all_inner_texts() == ["紧急程度", "本月", "上月", "增减"]
    assert urgency.locator("tbody tr").nth(1).locator("th, td").all_inner_texts() == ["突发", "2", "0", "+2"]
    category = page.get_by_test_id("table-by_category")
    assert category.locator("thead th").all_inner_texts() == ["信息类别", "本月", "上月", "增减"]
    safety = category.locator("tbody tr", has_text="安全生产")
    assert safety.locator("td").all_inner_texts() == ["0", "1", "-1"]
    # The headers are seen, not only present: above the first row, inside the phone's width.
    head, first = category.locator("thead").bounding_box(), category.locator("tbody tr").first.bounding_box()
    assert head["height"] > 10 and head["y"] < first["y"] and head["x"] + head["width"] <= 375 + 1
    disputes = page.get_by_test_id("table-disputes")
    assert disputes.locator("tbody tr", has_text="清理欠薪").locator("td").inner_text() == "1,260,000.00"
    assert page.external_requests == []


def test_the_stipend_page_refuses_a_month_before_the_first_officer(phone_page, live_server, county):
    town = TownshipFactory(county=county, name="东坎街道")
    StipendSetting.objects.create(
        county=county,
        effective_from=date(2024, 1, 1),
        quota=1,
        amount_qualified=1200,
        amount_good=2400,
        amount_excellent=12000,
    )
    paid = OfficerFactory(county=county, township=town, name="王建国", password=None, appointed_on=date(2024, 3, 1))
    OfficerFactory(county=county, township=town, name="李秀英", password=None, appointed_on=date(2024, 3, 1))
    ReportFactory(
        officer=paid,
        grade="above_adopted",
        status="reviewed",
        adopted_by="盐城市总工会",
        submitted_at=MID_OCTOBER,
        occurred_at=MID_OCTOBER,
    )
    ReportFactory(officer=paid, grade="pending", status="submitted", submitted_at=MID_OCTOBER, occurred_at=MID_OCTOBER)
    AdminFactory(county=county, username="13900000001")
    page = phone_page
    log_in(page, live_server, "13900000001")

    page.goto(f"{live_server.url}/reports/stipends/?month=2019-01")
    assert page.get_by_test_id("month-problem").inner_text() == (
        "滨海县的信息员从2024年3月起聘任，2019年1月没有补助表。请选择其他月份。"
    )
    assert page.get_by_role("button", name="审批并锁定").count() == 0
    assert page.get_by_test_id("sheet-table").count() == 0

    page.get_by_label("月份").fill("2026-10")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url("**month=2026-10**")
    assert page.get_by_test_id("sheet-total").inner_text() == "12,000 元"
    approve = page.get_by_role("button", name="审批并锁定")
    assert approve.is_disabled() and approve.get_attribute("title") == "还有 1 条待审核"
    assert page.get_by_test_id("approve-block").inner_text() == "还有 1 条待审核"
    assert page.get_by_test_id("approve-block").is_visible()
    rows = page.get_by_test_id("sheet-table").locator("tbody tr")
    assert rows.count() == 2

    page.get_by_label("只看有补助").check()
    page.get_by_role("button", name="查看").click()
    page.wait_for_url("**paid=1**")
    rows = page.get_by_test_id("sheet-table").locator("tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td").nth(1).inner_text() == "王建国"
    assert rows.first.locator("td").nth(7).inner_text() == "12,000"
    assert Decimal(page.get_by_test_id("sheet-total").inner_text().replace(",", "").rstrip(" 元")) == 12000
    assert page.external_requests == []
