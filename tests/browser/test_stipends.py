from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from reports.models import BudgetLine, StipendSheet
from tests.factories import PASSWORD, AdminFactory, OfficerFactory, ReportFactory

pytestmark = pytest.mark.django_db(transaction=True)
OCTOBER = datetime(2026, 10, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
APPOINTED = date(2024, 3, 1)  # a month before the county's first officer has no sheet


def test_admin_approves_a_month_and_downloads_the_sheet(browser, live_server, county, tmp_path):
    for name, grade in (("王建国", "qualified"), ("李秀英", "county_adopted"), ("陈志强", "above_adopted")):
        officer = OfficerFactory(county=county, name=name, password=None, appointed_on=APPOINTED)
        ReportFactory(
            officer=officer,
            grade=grade,
            status="reviewed",
            submitted_at=OCTOBER,
            occurred_at=OCTOBER,
            adopted_by="" if grade == "qualified" else "滨海县总工会",
        )
    OfficerFactory(county=county, name="刘洋", password=None, appointed_on=APPOINTED)
    AdminFactory(county=county, username="13900000001", full_name="周管理")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号").fill("13900000001")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="补助与经费").click()
    page.get_by_label("月份").fill("2026-10")
    page.get_by_role("button", name="查看").click()
    assert page.get_by_test_id("sheet-total").inner_text() == "600 元"
    assert page.get_by_test_id("sheet-state").inner_text() == "未审批"
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="审批并锁定").click()
    page.get_by_text("滨海县2026年10月补助表已审批并锁定，已计入经费支出").wait_for()
    assert asked == ["审批后2026年10月补助表锁定，合计 600 元计入经费支出。确定审批吗？"]
    assert page.get_by_test_id("sheet-state").inner_text() == "已审批"

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename == "滨海县2026年10月信息员补助表.xlsx"
    path = tmp_path / "sheet.xlsx"
    download.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "滨海县2026年10月信息员补助发放表"
    assert [(r[1], r[6], r[7]) for r in rows[2:-1]] == [
        ("陈志强", "优秀", 300),
        ("李秀英", "良好", 200),
        ("刘洋", "不合格", 0),
        ("王建国", "合格", 100),
    ]
    assert rows[-1][0] == "合计" and rows[-1][7] == 600
    assert StipendSheet.objects.get().state == "approved"
    assert BudgetLine.objects.get().amount == 600
    context.close()
