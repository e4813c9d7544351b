"""The monthly stipend sheet (contract section 3): rule, approval, snapshot, export, budget."""

import csv
import functools
import io
import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from officers.models import Officer
from reports import selectors, services
from reports.models import BudgetLine, Report, SheetEvent, StipendSetting, StipendSheet, StipendSheetRow
from tests.factories import AdminFactory, EnterpriseFactory, OfficerFactory, ReportFactory, TownshipFactory
from unionportal.core.models import AuditEntry

BJ = ZoneInfo("Asia/Shanghai")
OCT = date(2026, 10, 1)
NOV = date(2026, 11, 1)
pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=BJ)


MID_OCTOBER = at(2026, 10, 15, 10, 0)
APPOINTED = date(2024, 3, 1)


def report(officer, grade, when=MID_OCTOBER, **kw):
    status = kw.pop("status", "submitted" if grade == "pending" else "reviewed")
    adopted = {"county_adopted": "滨海县总工会", "above_adopted": "盐城市总工会"}.get(grade, "")
    return ReportFactory(
        officer=officer, grade=grade, status=status, submitted_at=when, occurred_at=when, adopted_by=adopted, **kw
    )


@pytest.fixture
def month_data(county):
    """Six officers of 滨海县 and their October, each number below checked by hand. They were appointed
    in March 2024 (contract section 3: a month before the county's first officer has no sheet)."""
    dongkan = TownshipFactory(county=county, name="东坎街道")
    wuxun = TownshipFactory(county=county, name="五汛镇")
    huaqiang = EnterpriseFactory(county=county, name="滨海华强纺织有限公司")
    appointed = functools.partial(OfficerFactory, county=county, appointed_on=APPOINTED, password=None)
    people = {
        "王建国": appointed(name="王建国", township=dongkan, employer=huaqiang),
        "李秀英": appointed(name="李秀英", township=dongkan, employer=huaqiang),
        "陈志强": appointed(name="陈志强", township=wuxun),
        "刘洋": appointed(name="刘洋", township=None),
        "安然": appointed(name="安然", township=dongkan),
        "停用者": appointed(name="停用者", township=dongkan, status="suspended"),
    }
    report(people["王建国"], "qualified")  # 合格
    report(people["李秀英"], "county_adopted")
    report(people["李秀英"], "rejected")  # 良好: one tier, not a sum
    report(people["陈志强"], "above_adopted")
    report(people["陈志强"], "county_adopted")
    report(people["陈志强"], "qualified")  # 优秀
    report(people["刘洋"], "rejected")  # 不合格
    report(people["刘洋"], "qualified", when=at(2026, 11, 1, 0, 10))  # November in Beijing
    report(people["刘洋"], "qualified", status="withdrawn")  # withdrawn: not counted
    report(people["安然"], "qualified", when=at(2026, 10, 31, 23, 50))  # still October in Beijing
    report(people["安然"], "above_adopted", when=at(2026, 9, 30, 23, 59))  # September
    report(people["停用者"], "above_adopted")  # not 在岗: no row
    return people


def lines(county, month):
    return [
        (line.position, line.name, line.submitted, line.valid, line.tier.label, line.amount, line.note)
        for line in selectors.sheet_summary(county=county, month=month).lines
    ]


EXPECTED_OCTOBER = [
    # 东坎街道 (dong), by pinyin: 安然, 李秀英, 王建国; then 五汛镇 (wu); then no township
    (1, "安然", 1, 1, "合格", 100, ""),
    (2, "李秀英", 2, 1, "良好", 200, ""),
    (3, "王建国", 1, 1, "合格", 100, ""),
    (4, "陈志强", 3, 3, "优秀", 300, ""),
    (5, "刘洋", 1, 0, "不合格", 0, "未完成本月报送任务"),
]


class TestRule:
    def test_october(self, county, month_data):
        assert lines(county, OCT) == EXPECTED_OCTOBER
        summary = selectors.sheet_summary(county=county, month=OCT)
        assert summary.total == 700
        assert summary.tier_counts == {"qualified": 2, "good": 1, "excellent": 1, "unqualified": 1}
        assert summary.pending == 0

    def test_pending_counts_in_submitted_not_valid(self, county, month_data):
        report(month_data["刘洋"], "pending")
        row = [l for l in lines(county, OCT) if l[1] == "刘洋"][0]  # noqa: E741
        assert row == (5, "刘洋", 2, 0, "不合格", 0, "1 条待审核")
        assert selectors.sheet_summary(county=county, month=OCT).pending == 1

    def test_the_pages_pending_count_is_the_approvals(self, county, month_data):
        # The page and the approval count the same waiting reports: every report of the county's
        # officers sent in the month (contract §3), a suspended officer's included.
        report(month_data["刘洋"], "pending")
        report(month_data["王建国"], "pending", status="returned")
        report(month_data["停用者"], "pending")  # not 在岗: on no line, but still to be graded first
        report(month_data["王建国"], "pending", when=at(2026, 11, 2, 9, 0))  # another month
        report(month_data["王建国"], "pending", status="withdrawn")  # withdrawn: nothing to grade
        summary = selectors.sheet_summary(county=county, month=OCT)
        with pytest.raises(ValidationError) as refused:
            services.sheet_approve(county=county, month=OCT, actor=AdminFactory(county=county))
        assert summary.pending == 3
        assert refused.value.messages == ["滨海县2026年10月还有 3 条报送信息待审核，请全部审核后再审批补助表。"]
        assert not StipendSheet.objects.filter(state="approved").exists()

    def test_a_report_returned_while_the_lines_are_read_still_holds_the_sheet(self, county, month_data, monkeypatch):
        report(month_data["刘洋"], "pending", status="returned")
        # The count taken beside the snapshot missed it (returned in between): the lines' own count holds.
        monkeypatch.setattr(selectors, "pending_in_month", lambda **kwargs: 0)
        with pytest.raises(ValidationError) as refused:
            services.sheet_approve(county=county, month=OCT, actor=AdminFactory(county=county))
        assert refused.value.messages == ["滨海县2026年10月还有 1 条报送信息待审核，请全部审核后再审批补助表。"]
        assert not StipendSheet.objects.filter(state="approved").exists()

    def test_returned_report_is_pending(self, county, month_data):
        report(month_data["刘洋"], "pending", status="returned")
        assert selectors.sheet_summary(county=county, month=OCT).pending == 1

    def test_settings_from_a_month_on_leave_the_past_alone(self, county, month_data):
        StipendSetting.objects.create(
            county=county, effective_from=NOV, quota=2, amount_qualified=150, amount_good=250, amount_excellent=350
        )
        assert lines(county, OCT) == EXPECTED_OCTOBER
        report(month_data["陈志强"], "county_adopted", when=at(2026, 11, 5, 9, 0))
        report(month_data["陈志强"], "qualified", when=at(2026, 11, 6, 9, 0))
        november = {l[1]: l for l in lines(county, NOV)}  # noqa: E741
        assert november["陈志强"][4:6] == ("良好", 250)
        assert november["刘洋"][4:6] == ("不合格", 0)  # one valid report, quota 2

    def test_other_county_is_not_counted(self, county, other_county, month_data):
        OfficerFactory(county=other_county, name="外县", password=None)
        assert [l[1] for l in lines(county, OCT)] == ["安然", "李秀英", "王建国", "陈志强", "刘洋"]  # noqa: E741


class TestApproval:
    def test_refused_while_reports_are_pending(self, county, month_data):
        report(month_data["刘洋"], "pending")
        admin = AdminFactory(county=county)
        with pytest.raises(ValidationError) as exc:
            services.sheet_approve(county=county, month=OCT, actor=admin)
        assert exc.value.messages == ["滨海县2026年10月还有 1 条报送信息待审核，请全部审核后再审批补助表。"]
        assert StipendSheetRow.objects.count() == 0 and BudgetLine.objects.count() == 0

    def test_the_sheet_reads_its_approvers_name_not_the_account(self, county, month_data):
        services.sheet_approve(county=county, month=OCT, actor=AdminFactory(county=county, full_name="周管理"))
        with CaptureQueriesContext(connection) as read:
            summary = selectors.sheet_summary(county=county, month=OCT)
        with CaptureQueriesContext(connection) as after:
            assert summary.sheet.approved_by.get_full_name() == "周管理"
        assert len(after) == 0
        sql = "\n".join(q["sql"] for q in read.captured_queries)
        assert '"officers_user"."password"' not in sql and '"officers_user"."full_name"' in sql

    def test_approved_snapshot_survives_regrading_and_new_settings(self, county, month_data, reviewer):
        admin = AdminFactory(county=county, full_name="周管理")
        sheet = services.sheet_approve(county=county, month=OCT, actor=admin)
        assert (sheet.state, sheet.total, sheet.approved_by, sheet.quota) == ("approved", Decimal("700"), admin, 1)
        line = BudgetLine.objects.get()
        assert (line.kind, line.amount, line.spent_on, line.stipend_sheet) == ("stipend", Decimal("700"), OCT, sheet)
        assert AuditEntry.objects.filter(action="approve_sheet", actor=admin).count() == 1
        # Later changes move nothing on an approved sheet.
        wang = Report.objects.get(officer=month_data["王建国"])
        Report.objects.filter(pk=wang.pk).update(grade="above_adopted", adopted_by="省总工会")
        StipendSetting.objects.create(county=county, effective_from=OCT, quota=3)
        OfficerFactory(county=county, name="新人", password=None)
        assert lines(county, OCT) == EXPECTED_OCTOBER
        assert selectors.sheet_summary(county=county, month=OCT).total == 700

    def test_approving_twice_is_refused(self, county, month_data):
        admin = AdminFactory(county=county, full_name="周管理")
        services.sheet_approve(county=county, month=OCT, actor=admin)
        with pytest.raises(ValidationError) as exc:
            services.sheet_approve(county=county, month=OCT, actor=admin)
        assert exc.value.messages[0].startswith("滨海县2026年10月的补助表已由周管理于")
        assert exc.value.messages[0].endswith("审批，不能重复审批。")
        assert (StipendSheet.objects.count(), BudgetLine.objects.count(), SheetEvent.objects.count()) == (1, 1, 1)

    def test_reopen_needs_a_reason_then_takes_the_budget_line_back(self, county, month_data):
        admin = AdminFactory(county=county)
        services.sheet_approve(county=county, month=OCT, actor=admin)
        with pytest.raises(ValidationError) as exc:
            services.sheet_reopen(county=county, month=OCT, actor=admin, reason=" ")
        assert exc.value.message_dict == {"reason": ["请填写撤销审批的原因"]}
        services.sheet_reopen(county=county, month=OCT, actor=admin, reason="王建国的信息被省总工会采用，需重新核定")
        sheet = StipendSheet.objects.get()
        assert (sheet.state, sheet.total, StipendSheetRow.objects.count(), BudgetLine.objects.count()) == (
            "open",
            None,
            0,
            0,
        )
        assert list(SheetEvent.objects.values_list("action", "reason")) == [
            ("approve", ""),
            ("reopen", "王建国的信息被省总工会采用，需重新核定"),
        ]
        assert AuditEntry.objects.filter(action="reopen_sheet").count() == 1
        # Re-approval takes the data as it now is.
        Report.objects.filter(officer=month_data["王建国"]).update(grade="above_adopted", adopted_by="省总工会")
        assert services.sheet_approve(county=county, month=OCT, actor=admin).total == Decimal("900")
        assert BudgetLine.objects.get().amount == Decimal("900")

    def test_reopen_of_an_open_sheet_is_refused(self, county, month_data):
        with pytest.raises(ValidationError) as exc:
            services.sheet_reopen(county=county, month=OCT, actor=AdminFactory(county=county), reason="x")
        assert exc.value.messages == ["滨海县2026年10月的补助表尚未审批，无需撤销。"]


@pytest.mark.django_db(transaction=True)
def test_two_admins_approving_at_once_make_one_approval(county, month_data):
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL 的行锁 (SELECT ... FOR UPDATE); set DATABASE_URL")
    admins = [AdminFactory(county=county), AdminFactory(county=county)]
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(admin):
        try:
            barrier.wait()
            services.sheet_approve(county=county, month=OCT, actor=admin)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(a,)) for a in admins]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["approved", "ok"]
    assert (StipendSheet.objects.count(), BudgetLine.objects.count(), StipendSheetRow.objects.count()) == (1, 1, 5)


PAYLOADS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\t=tab", "\r=cr", '=HYPERLINK("http://x","y")']


class TestExport:
    def setup_payloads(self, county):
        township = TownshipFactory(county=county, name="东坎街道")
        for i, payload in enumerate(PAYLOADS):
            employer = EnterpriseFactory(county=county, name=f"{payload}公司{i}")
            officer = OfficerFactory(
                county=county, name=f"载荷{i}", township=township, employer=employer, password=None
            )
            # Tabs and CRs in a name are refused on input now: such names can only be rows stored
            # before, which the export must still escape.
            Officer.objects.filter(pk=officer.pk).update(name=f"{payload}"[:50])
            report(officer, "qualified")

    def test_xlsx_columns_title_total_and_no_formula(self, county, month_data, client, tmp_path):
        self.setup_payloads(county)
        client.force_login(AdminFactory(county=county))
        response = client.get("/reports/stipends/export/", {"month": "2026-10", "format": "xlsx"})
        assert response["Content-Disposition"].startswith("attachment;")
        path = tmp_path / "sheet.xlsx"
        path.write_bytes(b"".join(response.streaming_content))
        book = openpyxl.load_workbook(path)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        assert rows[0][0] == "滨海县2026年10月信息员补助发放表"
        assert rows[1] == (
            "序号",
            "姓名",
            "手机号",
            "工作单位",
            "报送条数",
            "有效条数",
            "考核等级",
            "补助金额",
            "备注",
            "签字",
        )
        body = rows[2:-1]
        assert [r[0] for r in body] == list(range(1, 13))
        assert rows[-1][0] == "合计" and rows[-1][7] == 700 + 100 * len(PAYLOADS)
        assert all(isinstance(r[7], int) for r in body)
        for row in book.worksheets[0].iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
        texts = {r[1] for r in body} | {r[3] for r in body}
        for payload in PAYLOADS:
            # (without lxml, XML reads a stored CR back as LF; the leading apostrophe is what matters)
            assert {"'" + payload, "'" + payload.replace("\r", "\n")} & texts, payload

    def test_csv_is_the_contract_and_escaped(self, county, month_data, client):
        self.setup_payloads(county)
        client.force_login(AdminFactory(county=county))
        response = client.get("/reports/stipends/export/", {"month": "2026-10", "format": "csv"})
        text = b"".join(response.streaming_content).decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert rows[0] == ["序号", "姓名", "手机号", "工作单位", "报送条数", "有效条数", "考核等级", "补助金额", "备注"]
        assert rows[-1] == ["合计", "", "", "", "", "", "", str(700 + 100 * len(PAYLOADS)), ""]
        for row in rows[1:-1]:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
        assert AuditEntry.objects.filter(action="export").count() == 1


class TestCommand:
    def run(self, *args):
        out = io.StringIO()
        call_command("stipend_sheet", "--county", "320922", *args, stdout=out)
        return out.getvalue().strip().splitlines()

    def test_summary(self, county, month_data):
        assert self.run("--month", "2026-10") == [
            "滨海县2026年10月信息员补助表（未审批）",
            "标准：每月任务 1 条；合格 100 元，良好 200 元，优秀 300 元",
            "在岗信息员 5 人：优秀 1 人，良好 1 人，合格 2 人，不合格 1 人",
            "合计 700 元",
        ]

    def test_output_and_approve(self, county, month_data, tmp_path):
        out = self.run("--month", "2026-10", "--approve", "--output", str(tmp_path / "oct.csv"))
        assert out[0] == "已审批，补助表已锁定。"
        assert out[1] == "滨海县2026年10月信息员补助表（已审批）"
        assert out[-1] == f"已写入 {tmp_path / 'oct.csv'}"
        rows = list(csv.reader(io.StringIO((tmp_path / "oct.csv").read_text(encoding="utf-8-sig"))))
        assert [r[1] for r in rows[1:-1]] == ["安然", "李秀英", "王建国", "陈志强", "刘洋"]
        with pytest.raises(CommandError) as exc:
            self.run("--month", "2026-10", "--approve")
        assert "不能重复审批" in str(exc.value)
        self.run("--month", "2026-10", "--output", str(tmp_path / "oct.xlsx"))
        book = openpyxl.load_workbook(tmp_path / "oct.xlsx")
        assert list(book.worksheets[0].iter_rows(values_only=True))[-1][7] == 700

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--month", "2026-13"], "“2026-13”不是有效月份，格式应为 YYYY-MM，如 2026-10"),
            (["--month", "2026-10", "--output", "x.pdf"], "--output 只支持 .xlsx 或 .csv 文件"),
        ],
    )
    def test_bad_arguments(self, county, args, message):
        with pytest.raises(CommandError) as exc:
            self.run(*args)
        assert str(exc.value) == message

    def test_unknown_county(self, db):
        with pytest.raises(CommandError) as exc:
            call_command("stipend_sheet", "--county", "999999", "--month", "2026-10")
        assert str(exc.value) == "县区代码 999999 不存在"


class TestPages:
    def test_only_admins(self, client, county, reviewer, officer):
        for user in (reviewer, officer.user):
            client.force_login(user)
            for url in ("/reports/stipends/", "/reports/budget/", "/reports/stipends/export/?month=2026-10"):
                assert client.get(url).status_code == 403
            assert client.post("/reports/stipends/approve/", {"month": "2026-10"}).status_code == 403
        assert StipendSheet.objects.count() == 0

    def test_admin_of_another_county_cannot_name_this_one(self, client, county, other_county, month_data):
        client.force_login(AdminFactory(county=other_county))
        assert client.get("/reports/stipends/", {"county": "320922", "month": "2026-10"}).status_code == 404
        response = client.post("/reports/stipends/approve/", {"county": "320922", "month": "2026-10"})
        assert response.status_code == 404
        assert StipendSheet.objects.count() == 0

    def test_approve_and_reopen_through_the_page(self, client, county, month_data):
        client.force_login(AdminFactory(county=county))
        page = client.get("/reports/stipends/", {"month": "2026-10"})
        assert page.context["summary"].total == 700
        response = client.post("/reports/stipends/approve/", {"county": "320922", "month": "2026-10"}, follow=True)
        assert "滨海县2026年10月补助表已审批并锁定，已计入经费支出" in response.content.decode()
        assert response.context["summary"].approved
        response = client.post("/reports/stipends/reopen/", {"county": "320922", "month": "2026-10", "reason": ""})
        assert response.status_code == 400
        assert response.context["reopen_form"].errors["reason"] == ["这个字段是必填项。"]
        client.post("/reports/stipends/reopen/", {"county": "320922", "month": "2026-10", "reason": "重新核定"})
        assert StipendSheet.objects.get().state == "open"

    def test_pending_blocks_with_a_link(self, client, county, month_data):
        report(month_data["刘洋"], "pending")
        client.force_login(AdminFactory(county=county))
        page = client.get("/reports/stipends/", {"month": "2026-10"})
        body = page.content.decode()
        assert "本月还有 <b>1</b> 条报送信息待审核" in body
        assert "/reports/review/?status=submitted&amp;date_from=2026-10-01&amp;date_to=2026-10-31" in body
        response = client.post("/reports/stipends/approve/", {"county": "320922", "month": "2026-10"}, follow=True)
        assert "还有 1 条报送信息待审核" in response.content.decode()

    def test_bad_month_is_explained(self, client, county):
        client.force_login(AdminFactory(county=county))
        response = client.get("/reports/stipends/", {"month": "2026-99"})
        assert response.status_code == 200
        assert "“2026-99”不是有效月份，格式应为 YYYY-MM，如 2026-10" in response.content.decode()

    def test_sheet_page_query_count_is_fixed(self, client, county, month_data):
        client.force_login(AdminFactory(county=county))

        def count():
            client.get("/reports/stipends/", {"month": "2026-10"})  # the steady state: the bell's count kept
            with CaptureQueriesContext(connection) as ctx:
                assert client.get("/reports/stipends/", {"month": "2026-10"}).status_code == 200
            return len(ctx)

        small = count()
        for _ in range(20):
            report(OfficerFactory(county=county, password=None), "qualified")
        assert count() == small

    def test_lines_are_paged_but_totals_cover_every_officer(self, client, county, month_data, monkeypatch):
        from reports.views import StipendSheetView

        monkeypatch.setattr(StipendSheetView, "lines_per_page", 2)
        client.force_login(AdminFactory(county=county))
        first = client.get("/reports/stipends/", {"month": "2026-10"})
        officers = len(first.context["summary"].lines)
        assert officers > 2 and len(first.context["page_obj"].object_list) == 2
        assert first.context["summary"].total == 700
        body = first.content.decode()
        assert f"第 1 / {(officers + 1) // 2} 页" in body and "?month=2026-10&page=2" in body
        last = client.get("/reports/stipends/", {"month": "2026-10", "page": "999"})
        assert [line.position for line in last.context["page_obj"].object_list][-1] == officers
        assert last.context["summary"].total == 700


class TestBudget:
    def test_overview_by_kind_month_and_projection(self, county, month_data):
        from reports.models import Budget

        Budget.objects.create(county=county, year=2026, amount=Decimal("2000"))
        admin = AdminFactory(county=county)
        services.sheet_approve(county=county, month=OCT, actor=admin)  # 700 in October
        BudgetLine.objects.create(
            county=county,
            kind="equipment",
            spent_on=date(2026, 3, 2),
            amount=Decimal("899.50"),
            description="执法记录仪",
            officer=month_data["刘洋"],
        )
        BudgetLine.objects.create(
            county=county, kind="training", spent_on=date(2026, 6, 10), amount=Decimal("300"), description="集中培训"
        )
        overview = selectors.budget_overview(county=county, year=2026, today=date(2026, 11, 23))
        assert overview["spent"] == Decimal("1899.50")
        assert overview["remaining"] == Decimal("100.50")
        assert {k: v for k, _, v in overview["by_kind"]} == {
            "stipend": Decimal("700"),
            "equipment": Decimal("899.50"),
            "training": Decimal("300"),
            "other": Decimal("0"),
        }
        assert dict(overview["by_month"])[10] == Decimal("700")
        assert dict(overview["by_month"])[3] == Decimal("899.50")
        assert overview["projected"] == Decimal("2072.18")  # 1899.50 / 11 × 12
        assert overview["over_budget"] is True

    def test_budget_page(self, client, county, month_data):
        from reports.models import Budget

        Budget.objects.create(county=county, year=2026, amount=Decimal("285000"))
        client.force_login(AdminFactory(county=county))
        response = client.get("/reports/budget/", {"year": "2026"})
        body = response.content.decode()
        assert "285,000.00 元" in body
        assert "over-budget" not in body


def test_expected_tier_uses_the_settings_of_the_month(county, month_data):
    StipendSetting.objects.create(
        county=county, effective_from=OCT, quota=1, amount_qualified=120, amount_good=220, amount_excellent=320
    )
    progress = selectors.month_progress(officer=month_data["李秀英"], now=at(2026, 10, 20, 12, 0))
    assert (progress["tier"].label, progress["amount"], progress["submitted"], progress["valid"]) == ("良好", 220, 2, 1)
    late = selectors.month_progress(officer=month_data["李秀英"], now=at(2026, 10, 20, 12, 0) + timedelta(days=30))
    assert (late["submitted"], late["amount"]) == (0, 0)


@pytest.mark.parametrize("params", [{"year": "0"}, {"year": "99999"}, {"year": "abc"}])
def test_budget_year_out_of_range_is_explained(client, county, params):
    client.force_login(AdminFactory(county=county))
    response = client.get("/reports/budget/", params)
    assert response.status_code == 200
    assert "年度应为2000–2100之间的四位数字，已显示今年" in response.content.decode()


def test_stipend_month_out_of_range_is_explained(client, county):
    client.force_login(AdminFactory(county=county))
    response = client.get("/reports/stipends/", {"month": "9999-12"})
    assert response.status_code == 200
    assert "“9999-12”超出可查询的年份范围（2000–2100）" in response.content.decode()


def test_bad_month_never_approves_another(client, county):
    client.force_login(AdminFactory(county=county))
    assert client.post(reverse("reports:stipends_approve"), {"month": "2026-13"}).status_code == 404
    assert StipendSheet.objects.count() == 0


def test_a_month_not_yet_over_cannot_be_approved(county):
    this_month = timezone.localdate().replace(day=1)
    with pytest.raises(ValidationError) as exc:
        services.sheet_approve(county=county, month=this_month, actor=None)
    assert exc.value.messages == [f"滨海县{this_month.year}年{this_month.month}月尚未结束，月末之后才能审批补助表。"]


def test_settings_cannot_reach_back(county):
    past = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    with pytest.raises(ValidationError) as exc:
        StipendSetting(county=county, effective_from=past, quota=5).full_clean()
    assert exc.value.message_dict["effective_from"] == ["只能设置本月及以后执行的标准，过去的月份保持当时的标准"]
    StipendSetting(county=county, effective_from=timezone.localdate().replace(day=1), quota=2).full_clean()


def test_the_current_month_cannot_be_approved_from_its_page(client, county):
    client.force_login(AdminFactory(county=county))
    this_month = timezone.localdate().strftime("%Y-%m")
    body = client.get("/reports/stipends/", {"month": this_month}).content.decode()
    assert 'type="submit" disabled>审批并锁定</button>' in body and "月份结束后才能审批" in body
    body = client.get("/reports/stipends/", {"month": "2026-10"}).content.decode()
    assert 'type="submit" >审批并锁定</button>' in body and "月份结束后才能审批" not in body
