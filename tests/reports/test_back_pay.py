"""The period lock and 补发 (contract section 3): an approved month's grades are read-only, except that
an adoption above the county recorded afterwards raises a report; the difference is paid once, on the
first sheet of the county approved after it, and moves with a reopening."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reports import selectors, services
from reports.models import Adoption, BackPay, Grade, Report, StipendSheet, StipendSheetRow, Tier
from reports.selectors.back_pay import Owed
from reports.selectors.sheet_line import SheetLine
from reports.sheet_export import csv_stream
from tests.factories import AdminFactory, OfficerFactory, ReportFactory

BJ = ZoneInfo("Asia/Shanghai")
SEP, OCT = date(2026, 9, 1), date(2026, 10, 1)
pytestmark = pytest.mark.django_db

LOCKED = (
    "该信息报送月份（2026年9月）的补助表已审批锁定，审核结果不能再修改。"
    "县级以上部门采用的，请在“登记采用回执”中登记，差额将在下一张审批的补助表中补发。"
)


def at(*args):
    return datetime(*args, tzinfo=BJ)


@pytest.fixture
def admin(county):
    return AdminFactory(county=county, username="13900000001", full_name="周管理")


@pytest.fixture
def people(county):
    """王建国: September 合格 (100), October 合格; 李秀英: September 良好 (200), October nothing."""
    wang = OfficerFactory(county=county, name="王建国", phone="13815110001", appointed_on=date(2024, 3, 1))
    li = OfficerFactory(county=county, name="李秀英", phone="13815110002", appointed_on=date(2024, 3, 1))
    graded = {"status": "reviewed"}
    sep = ReportFactory(
        officer=wang,
        title="九月加班费",
        grade="qualified",
        submitted_at=at(2026, 9, 10, 9),
        occurred_at=at(2026, 9, 10, 8),
        **graded,
    )
    ReportFactory(
        officer=wang,
        title="十月情况",
        grade="qualified",
        submitted_at=at(2026, 10, 9, 9),
        occurred_at=at(2026, 10, 9, 8),
        **graded,
    )
    li_sep = ReportFactory(
        officer=li,
        title="九月派件费",
        grade="county_adopted",
        adopted_by="滨海县总工会",
        submitted_at=at(2026, 9, 20, 9),
        occurred_at=at(2026, 9, 20, 8),
        **graded,
    )
    return {"wang": wang, "li": li, "sep": sep, "li_sep": li_sep}


def adopt_above(report, actor, issue="2026年第41期"):
    return services.report_adopt(
        report=report,
        actor=actor,
        body="盐城市委办公室",
        publication="盐城信息",
        issue=issue,
        adopted_on=timezone.localdate(),
        source=Adoption.Source.RECEIPT,
    )


def approve(county, month, admin):
    return services.sheet_approve(county=county, month=month, actor=admin)


def row(county, month, officer):
    return StipendSheetRow.objects.get(sheet__county=county, sheet__month=month, officer=officer)


def test_an_approved_months_grades_are_read_only(county, people, admin):
    approve(county, SEP, admin)
    sep = Report.objects.get(pk=people["sep"].pk)
    with pytest.raises(ValidationError) as exc:
        services.report_grade(report=sep, reviewer=admin, grade="rejected", version=sep.version)
    assert exc.value.messages == [LOCKED]
    with pytest.raises(ValidationError) as exc:
        services.report_return(report=sep, reviewer=admin, reason="补充", version=sep.version)
    assert exc.value.messages == [LOCKED]
    assert Report.objects.get(pk=sep.pk).grade == Grade.QUALIFIED


def test_the_lock_says_so_on_the_page_and_refuses_a_grade_through_http(client, county, people, admin):
    approve(county, SEP, admin)
    sep = people["sep"]
    client.force_login(admin)
    page = client.get(reverse("reports:detail", args=[sep.pk])).content.decode()
    assert "该信息报送月份（2026年9月）的补助表已审批锁定" in page
    response = client.post(reverse("reports:grade", args=[sep.pk]), {"grade": "rejected", "version": sep.version})
    assert response.status_code == 400 and LOCKED in response.content.decode()
    assert Report.objects.get(pk=sep.pk).grade == Grade.QUALIFIED


def test_a_county_adoption_of_a_locked_month_is_kept_but_raises_nothing(county, people, admin):
    approve(county, SEP, admin)
    adoption, created = services.report_adopt(
        report=people["sep"],
        actor=admin,
        body="滨海县总工会",
        publication="工作信息",
        issue="2026年第9期",
        adopted_on=timezone.localdate(),
        source=Adoption.Source.BULLETIN,
        grade=Grade.COUNTY_ADOPTED,
    )
    assert created and not adoption.raised_grade
    assert Report.objects.get(pk=people["sep"].pk).grade == Grade.QUALIFIED
    assert selectors.back_pay_owed(county_id=county.pk) == []


def test_a_receipt_after_approval_is_paid_as_back_pay_on_the_next_sheet_exactly_once(county, people, admin):
    sep_sheet = approve(county, SEP, admin)
    assert row(county, SEP, people["wang"]).amount == 100
    adoption, _ = adopt_above(people["sep"], admin)
    assert adoption.raised_grade and adoption.recorded_at > sep_sheet.approved_at
    assert Report.objects.get(pk=people["sep"].pk).grade == Grade.ABOVE_ADOPTED  # still raised
    # The September sheet stays as approved.
    assert row(county, SEP, people["wang"]).amount == 100

    # The open October sheet shows what its approval will carry.
    summary = selectors.sheet_summary(county=county, month=OCT)
    wang = next(line for line in summary.lines if line.officer_id == people["wang"].pk)
    assert (wang.amount, wang.back_pay, wang.note) == (300, 200, "补发2026年9月200元")
    assert (summary.back_pay_officers, summary.back_pay_total) == (1, 200)

    oct_sheet = approve(county, OCT, admin)
    oct_row = row(county, OCT, people["wang"])
    assert (oct_row.tier, oct_row.amount, oct_row.note) == ("qualified", 300, "补发2026年9月200元")
    assert oct_sheet.total == 300  # 100 for October, 200 back pay; 李秀英 has no October report: 0
    paid = BackPay.objects.get()
    assert (paid.officer_id, paid.month, paid.source_sheet, paid.paid_on, paid.amount) == (
        people["wang"].pk,
        SEP,
        sep_sheet,
        oct_sheet,
        200,
    )
    assert (paid.from_tier, paid.to_tier) == (Tier.QUALIFIED, Tier.EXCELLENT)
    assert selectors.back_pay_owed(county_id=county.pk) == []  # paid once: nothing owed any more
    # The same receipt again changes nothing, so nothing is owed again.
    assert adopt_above(people["sep"], admin)[1] is False
    assert selectors.back_pay_owed(county_id=county.pk) == []


def test_a_second_raise_in_the_same_month_pays_only_what_was_not_paid(county, people, admin):
    """李秀英's September was 良好 (200); an adoption above makes it 优秀: 100 more, once."""
    approve(county, SEP, admin)
    adopt_above(people["li_sep"], admin)
    approve(county, OCT, admin)
    li_row = row(county, OCT, people["li"])
    assert (li_row.tier, li_row.amount, li_row.note) == ("unqualified", 100, "未完成本月报送任务；补发2026年9月100元")


def test_reopening_the_carrying_sheet_moves_the_back_pay(county, people, admin):
    approve(county, SEP, admin)
    adopt_above(people["sep"], admin)
    approve(county, OCT, admin)
    services.sheet_reopen(county=county, month=OCT, actor=admin, reason="补录一条信息")
    assert not BackPay.objects.exists()  # owed again
    owed = selectors.back_pay_owed(county_id=county.pk)
    assert [(o.officer_id, o.month, o.amount) for o in owed] == [(people["wang"].pk, SEP, 200)]
    oct_sheet = approve(county, OCT, admin)
    assert BackPay.objects.get().paid_on == oct_sheet and row(county, OCT, people["wang"]).amount == 300


def test_the_source_sheet_is_not_reopened_while_a_later_sheet_carries_its_difference(county, people, admin):
    approve(county, SEP, admin)
    adopt_above(people["sep"], admin)
    approve(county, OCT, admin)
    with pytest.raises(ValidationError) as exc:
        services.sheet_reopen(county=county, month=SEP, actor=admin, reason="更正")
    assert exc.value.messages == [
        "滨海县2026年9月的差额已在2026年10月补助表中补发，请先撤销2026年10月补助表的审批，再撤销本月审批。"
    ]
    assert StipendSheet.objects.get(county=county, month=SEP).state == "approved"
    # Reopen October first, then September: September then pays the raised tier itself, nothing twice.
    services.sheet_reopen(county=county, month=OCT, actor=admin, reason="更正")
    services.sheet_reopen(county=county, month=SEP, actor=admin, reason="更正")
    approve(county, SEP, admin)
    assert row(county, SEP, people["wang"]).amount == 300
    approve(county, OCT, admin)
    assert row(county, OCT, people["wang"]).amount == 100 and not BackPay.objects.exists()


def test_an_adoption_recorded_before_approval_is_no_back_pay(county, people, admin):
    adopt_above(people["sep"], admin)
    approve(county, SEP, admin)
    assert row(county, SEP, people["wang"]).amount == 300
    assert selectors.back_pay_owed(county_id=county.pk) == []


def test_the_sheet_export_and_the_command_show_the_back_pay(county, people, admin):
    approve(county, SEP, admin)
    adopt_above(people["sep"], admin)
    out = io.StringIO()
    call_command("stipend_sheet", "--county", "320922", "--month", "2026-10", "--approve", stdout=out)
    text = out.getvalue()
    assert "补发 1 人，共 200 元（已含在合计中）：王建国 补发2026年9月200元" in text
    assert "合计 300 元" in text
    sheet = StipendSheet.objects.get(county=county, month=OCT)
    rows = list(
        csv.reader(io.StringIO(b"".join(csv_stream(selectors.snapshot_lines(sheet=sheet))).decode("utf-8-sig")))
    )
    wang = next(r for r in rows if r[1] == "王建国")
    assert wang[6:] == ["合格", "300", "补发2026年9月200元"]
    assert rows[-1][0] == "合计" and rows[-1][7] == "300"


def test_the_sheet_page_tells_the_admin(client, county, people, admin):
    approve(county, SEP, admin)
    adopt_above(people["sep"], admin)
    client.force_login(admin)
    page = client.get(reverse("reports:stipends") + "?month=2026-10").content.decode()
    assert "审批时本表将补发 1 人共 200 元" in page and "补发2026年9月200元" in page


def test_an_officer_without_a_line_gets_one_at_the_end(county, people):
    line = SheetLine(1, people["li"].pk, "李秀英", "13815110002", "", "", 1, 1, Tier.QUALIFIED, 100, "")
    owed = [
        Owed(people["wang"].pk, SEP, 0, Tier.QUALIFIED, Tier.EXCELLENT, 200),
        Owed(people["wang"].pk, date(2026, 8, 1), 0, Tier.QUALIFIED, Tier.GOOD, 100),
    ]
    lines = list(selectors.lines_with_back_pay([line], owed))
    assert lines[0] == line
    added = lines[1]
    assert (added.position, added.name, added.submitted, added.amount, added.back_pay, added.note) == (
        2,
        "王建国",
        0,
        300,
        300,
        "本月不在岗；补发2026年8月100元；补发2026年9月200元",
    )


def test_back_pay_is_computed_in_a_fixed_number_of_queries(county, people, admin, django_assert_max_num_queries):
    approve(county, SEP, admin)
    adopt_above(people["sep"], admin)
    with django_assert_max_num_queries(5):
        assert len(selectors.back_pay_owed(county_id=county.pk)) == 1
    for n in range(5):
        officer = OfficerFactory(county=county, appointed_on=date(2024, 3, 1), password=None)
        report = ReportFactory(
            officer=officer,
            grade="qualified",
            status="reviewed",
            submitted_at=at(2026, 9, 5, 9) + timedelta(hours=n),
            occurred_at=at(2026, 9, 5, 8),
        )
        StipendSheetRow.objects.create(
            sheet=StipendSheet.objects.get(month=SEP),
            officer=officer,
            position=100 + n,
            name=officer.name,
            phone=officer.phone,
            submitted_count=1,
            valid_count=1,
            tier="qualified",
            amount=100,
        )
        adopt_above(report, admin)
    with django_assert_max_num_queries(5):
        assert len(selectors.back_pay_owed(county_id=county.pk)) == 6
