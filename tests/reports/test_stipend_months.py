"""Which months have a stipend sheet and who is on it (contract section 3, amended): the appointment
date and the status history decide the rows; months before the county's first officer or not yet
come are refused by the page, the export, approval and the command alike; the approve button says
why it is disabled; the page's 有补助 filter."""

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from officers.models import Officer, OfficerStatusChange
from officers.services import county_upsert
from reports import selectors, services
from reports.models import Report, StipendSheet
from tests.factories import AdminFactory, OfficerFactory, ReportFactory, TownshipFactory

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "samples"
BJ = ZoneInfo("Asia/Shanghai")
OCT = date(2026, 10, 1)
pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=BJ)


def graded(officer, grade, when=None):
    when = when or at(2026, 10, 15, 10, 0)
    return ReportFactory(
        officer=officer,
        grade=grade,
        status="submitted" if grade == "pending" else "reviewed",
        submitted_at=when,
        occurred_at=when,
        adopted_by="盐城市总工会" if grade == "above_adopted" else "",
    )


def move(officer, to_status, when):
    OfficerStatusChange.objects.create(
        officer=officer, from_status=officer.status, to_status=to_status, changed_at=when
    )
    Officer.objects.filter(pk=officer.pk).update(status=to_status)


@pytest.fixture
def edges(county):
    """Officers at the rule's edges for October 2026, each registered as 在岗 in January 2025."""
    town = TownshipFactory(county=county, name="东坎街道")

    def person(name, **kwargs):
        officer = OfficerFactory(county=county, township=town, name=name, password=None, **kwargs)
        OfficerStatusChange.objects.filter(officer=officer).update(changed_at=at(2025, 1, 1, 9, 0))
        return officer

    people = {
        "月末聘任": person("月末聘任", appointed_on=date(2026, 10, 31)),
        "次月聘任": person("次月聘任", appointed_on=date(2026, 11, 1)),
        "首日停用": person("首日停用", appointed_on=date(2024, 3, 1)),
        "上月停用": person("上月停用", appointed_on=date(2024, 3, 1)),
        "月内恢复": person("月内恢复", appointed_on=date(2024, 3, 1)),
        "候选": person("候选", status="candidate"),
    }
    move(people["首日停用"], "suspended", at(2026, 10, 1, 8, 0))
    move(people["上月停用"], "suspended", at(2026, 9, 30, 18, 0))
    move(people["月内恢复"], "suspended", at(2026, 9, 2, 9, 0))
    move(people["月内恢复"], "active", at(2026, 10, 20, 9, 0))
    graded(people["首日停用"], "qualified")
    graded(people["上月停用"], "above_adopted")  # reported while suspended: no row, no money
    graded(people["月内恢复"], "above_adopted")
    graded(people["候选"], "qualified")
    return people


class TestRows:
    def test_the_sheet_follows_appointment_and_status_history(self, county, edges):
        lines = [
            (line.position, line.name, line.tier.label, line.amount)
            for line in selectors.sheet_summary(county=county, month=OCT).lines
        ]
        assert lines == [
            (1, "首日停用", "合格", 100),
            (2, "月末聘任", "不合格", 0),
            (3, "月内恢复", "优秀", 300),
        ]

    def test_the_command_and_the_page_agree(self, client, county, edges, tmp_path):
        out = io.StringIO()
        call_command(
            "stipend_sheet", "--county", "320922", "--month", "2026-10", "--output", str(tmp_path / "s.csv"), stdout=out
        )
        assert "在岗信息员 3 人：优秀 1 人，良好 0 人，合格 1 人，不合格 1 人" in out.getvalue()
        assert "合计 400 元" in out.getvalue()
        rows = list(csv.reader(io.StringIO((tmp_path / "s.csv").read_text(encoding="utf-8-sig"))))
        client.force_login(AdminFactory(county=county))
        page = client.get("/reports/stipends/", {"month": "2026-10"})
        on_page = [[str(line.position), line.name, str(line.amount)] for line in page.context["page_obj"]]
        assert [[r[0], r[1], r[7]] for r in rows[1:-1]] == on_page
        assert rows[-1][7] == "400" and page.context["summary"].total == 400

    def test_approval_snapshots_the_same_rows(self, county, edges):
        sheet = services.sheet_approve(county=county, month=OCT, actor=None)
        assert list(sheet.rows.order_by("position").values_list("name", "amount")) == [
            ("首日停用", 100),
            ("月末聘任", 0),
            ("月内恢复", 300),
        ]


@pytest.fixture
def samples(db):
    county_upsert(code="320922", name="滨海县", townships=["东坎街道", "坎北街道", "五汛镇", "八巨镇"])
    call_command("import_officers", str(SAMPLES / "officers.csv"), stdout=io.StringIO())
    call_command("import_reports", str(SAMPLES / "reports.csv"), stdout=io.StringIO())


def test_the_sample_files_give_the_expected_sheet(samples, tmp_path):
    out = io.StringIO()
    call_command(
        "stipend_sheet", "--county", "320922", "--month", "2026-10", "--output", str(tmp_path / "s.csv"), stdout=out
    )
    rows = list(csv.reader(io.StringIO((tmp_path / "s.csv").read_text(encoding="utf-8-sig"))))
    assert rows == [
        ["序号", "姓名", "手机号", "工作单位", "报送条数", "有效条数", "考核等级", "补助金额", "备注"],
        ["1", "李秀英", "13815110002", "滨海华强纺织有限公司", "1", "1", "优秀", "300", ""],
        ["2", "王建国", "13815110001", "滨海华强纺织有限公司", "1", "1", "合格", "100", ""],
        ["3", "赵敏", "13815110005", "", "1", "0", "不合格", "0", "1 条待审核"],
        ["4", "刘洋", "13815110004", "", "1", "1", "良好", "200", ""],
        ["5", "陈志强", "13815110003", "江苏海德精密机械有限公司", "0", "0", "不合格", "0", "未完成本月报送任务"],
        ["合计", "", "", "", "", "", "", "600", ""],
    ]  # 孙伟 is 候选: no row
    assert "待审核 1 条（审批前须全部审核）" in out.getvalue()
    with pytest.raises(CommandError) as exc:  # the samples' first officers were appointed in March 2024
        call_command("stipend_sheet", "--county", "320922", "--month", "2024-02", stdout=io.StringIO())
    assert str(exc.value) == "滨海县的信息员从2024年3月起聘任，2024年2月没有补助表"
    call_command("stipend_sheet", "--county", "320922", "--month", "2024-03", stdout=io.StringIO())


def next_month():
    return (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)


class TestRefusedMonths:
    def test_the_page_lists_nobody_for_a_month_before_the_first_officer(self, client, county, edges):
        client.force_login(AdminFactory(county=county))
        response = client.get("/reports/stipends/", {"month": "2019-01"})
        assert response.status_code == 200
        body = response.content.decode()
        assert "滨海县的信息员从2024年3月起聘任，2019年1月没有补助表。请选择其他月份。" in body
        assert "审批并锁定" not in body and 'data-testid="sheet-table"' not in body
        assert "summary" not in response.context

    def test_the_page_refuses_a_month_not_yet_come(self, client, county, edges):
        client.force_login(AdminFactory(county=county))
        month = next_month()
        body = client.get("/reports/stipends/", {"month": f"{month:%Y-%m}"}).content.decode()
        assert f"{month.year}年{month.month}月尚未到来，只能查看本月及以前的补助表" in body
        assert "审批并锁定" not in body

    def test_approval_and_export_of_such_a_month_are_refused(self, client, county, edges):
        client.force_login(AdminFactory(county=county))
        response = client.post("/reports/stipends/approve/", {"county": "320922", "month": "2019-01"}, follow=True)
        assert "滨海县的信息员从2024年3月起聘任，2019年1月没有补助表，不能审批。" in response.content.decode()
        response = client.get("/reports/stipends/export/", {"month": "2019-01", "format": "xlsx"})
        assert response.status_code == 302 and response["Location"].endswith("?county=320922&month=2019-01")
        assert StipendSheet.objects.count() == 0

    def test_the_service_refuses_too(self, county, edges):
        with pytest.raises(ValidationError) as exc:
            services.sheet_approve(county=county, month=date(2019, 1, 1), actor=None)
        assert exc.value.messages == ["滨海县的信息员从2024年3月起聘任，2019年1月没有补助表，不能审批。"]

    @pytest.mark.parametrize("month", ["2019-01", "future"])
    def test_the_command_refuses(self, county, edges, month, tmp_path):
        if month == "future":
            upcoming = next_month()
            month, message = (
                f"{upcoming:%Y-%m}",
                f"{upcoming.year}年{upcoming.month}月尚未到来，只能查看本月及以前的补助表",
            )
        else:
            message = "滨海县的信息员从2024年3月起聘任，2019年1月没有补助表"
        for extra in ([], ["--approve"], ["--output", str(tmp_path / "x.csv")]):
            with pytest.raises(CommandError) as exc:
                call_command("stipend_sheet", "--county", "320922", "--month", month, *extra, stdout=io.StringIO())
            assert str(exc.value) == message
        assert not (tmp_path / "x.csv").exists() and StipendSheet.objects.count() == 0

    def test_a_new_countys_page_opens_on_the_current_month(self, client, county):
        OfficerFactory(county=county, name="新人", password=None)  # registered today, no 聘任日期
        client.force_login(AdminFactory(county=county))
        response = client.get("/reports/stipends/")
        assert response.context["month"] == timezone.localdate().replace(day=1)
        assert [line.name for line in response.context["summary"].lines] == ["新人"]


class TestApproveButton:
    def page(self, client, county, month="2026-10"):
        client.force_login(AdminFactory(county=county))
        return client.get("/reports/stipends/", {"month": month}).content.decode()

    def test_pending_reports(self, client, county, edges):
        graded(edges["月末聘任"], "pending")
        body = self.page(client, county)
        assert 'title="还有 1 条待审核" aria-describedby="approve-block" type="submit" disabled>审批并锁定' in body
        assert (
            '<span class="small text-muted align-self-center" id="approve-block" data-testid="approve-block">'
            "还有 1 条待审核</span>" in body
        )

    def test_month_not_over(self, client, county, edges):
        body = self.page(client, county, timezone.localdate().strftime("%Y-%m"))
        assert 'title="本月尚未结束，不能审批（月份结束后才能审批）"' in body
        assert 'data-testid="approve-block">本月尚未结束，不能审批（月份结束后才能审批）</span>' in body

    def test_approved(self, client, county, edges):
        services.sheet_approve(county=county, month=OCT, actor=None)
        body = self.page(client, county)
        assert 'title="已审批" aria-describedby="approve-block" type="submit" disabled>审批并锁定' in body
        assert 'data-testid="approve-block">已审批</span>' in body

    def test_nothing_in_the_way(self, client, county, edges):
        body = self.page(client, county)
        assert '<button class="btn btn-danger" type="submit" >审批并锁定</button>' in body
        assert "approve-block" not in body


class TestPaidFilter:
    def test_only_lines_with_money_keep_their_numbers_totals_unchanged(self, client, county, edges):
        client.force_login(AdminFactory(county=county))
        response = client.get("/reports/stipends/", {"month": "2026-10", "paid": "1"})
        assert [(line.position, line.name) for line in response.context["page_obj"]] == [
            (1, "首日停用"),
            (3, "月内恢复"),
        ]
        assert response.context["summary"].total == 400
        body = response.content.decode()
        assert 'name="paid" value="1" id="paid-only" checked' in body
        assert 'data-testid="sheet-total">400 元' in body

    def test_the_export_keeps_every_row_in_the_contracts_order(self, client, county, edges):
        client.force_login(AdminFactory(county=county))
        response = client.get("/reports/stipends/export/", {"month": "2026-10", "format": "csv", "paid": "1"})
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        assert [r[1] for r in rows[1:-1]] == ["首日停用", "月末聘任", "月内恢复"]

    def test_nobody_paid(self, client, county, edges):
        Report.objects.all().delete()
        client.force_login(AdminFactory(county=county))
        body = client.get("/reports/stipends/", {"month": "2026-10", "paid": "1"}).content.decode()
        assert "本月没有领取补助的信息员" in body


def test_amounts_show_thousands_separators(client, county):
    from reports.models import StipendSetting

    StipendSetting.objects.create(
        county=county, effective_from=date(2026, 1, 1), quota=1, amount_qualified=1200, amount_good=2400,
        amount_excellent=12000,
    )  # fmt: skip
    town = TownshipFactory(county=county, name="东坎街道")
    officer = OfficerFactory(county=county, township=town, name="王建国", password=None, appointed_on=date(2024, 3, 1))
    graded(officer, "above_adopted")
    client.force_login(AdminFactory(county=county))
    body = client.get("/reports/stipends/", {"month": "2026-10"}).content.decode()
    assert 'data-testid="sheet-total">12,000 元' in body
    assert "合格 1,200 元，良好 2,400 元，优秀 12,000 元" in body
    assert '<td class="text-end">12,000</td>' in body
