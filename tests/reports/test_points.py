"""Points (积分): computed from the records with the table in force each month; reproducible after
grades change; officers see their own points and rank, staff the table by officer, township, unit."""

from datetime import date, datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import rules, selectors, services
from reports.models import COUNTED_STATUSES, CommissionRecipient, PointsTable, Report
from tests.factories import (
    AdminFactory,
    EnterpriseFactory,
    OfficerFactory,
    ReportFactory,
    ReviewerFactory,
    TownshipFactory,
)
from unionportal.core.clock import BEIJING

pytestmark = pytest.mark.django_db
SEP, OCT = date(2026, 9, 1), date(2026, 10, 1)


def at(month: date, day=15, hour=10):
    return datetime(month.year, month.month, day, hour, tzinfo=BEIJING)


def filed(officer, grade, month=OCT, **kwargs):
    return ReportFactory(
        officer=officer,
        grade=grade,
        status="submitted" if grade == "pending" else "reviewed",
        submitted_at=at(month),
        occurred_at=at(month),
        adopted_by="县总工会" if grade in ("county_adopted", "above_adopted") else "",
        **kwargs,
    )


def frozen(day):
    return mock.patch(
        "django.utils.timezone.now", return_value=datetime(day.year, day.month, day.day, 9, tzinfo=BEIJING)
    )


def points_by_name(county, start, end, today=date(2026, 11, 30)):
    return {r.name: r.points for r in selectors.county_points(county_id=county.pk, start=start, end=end, today=today)}


def oracle(county, months, today=date(2026, 11, 30)) -> dict:
    """The points worked out again straight from the rows, without the selector's grouped queries."""
    totals = {}
    for month in months:
        table = selectors.points.points_table_in_force(county_id=county.pk, month=month)
        start, end = rules.month_bounds(month.year, month.month)
        facts = {}
        for r in Report.objects.filter(
            county=county, status__in=COUNTED_STATUSES, submitted_at__gte=start, submitted_at__lt=end
        ):
            f = facts.setdefault(r.officer.name, dict.fromkeys(rules.DEFAULT_POINTS, 0))
            if r.grade in ("qualified", "county_adopted", "above_adopted"):
                f[r.grade] += 1
            if r.urgency == "emergency" and r.on_time is False:
                f["late_emergency"] += 1
        for rec in CommissionRecipient.objects.filter(commission__county=county).select_related(
            "commission", "officer"
        ):
            if rec.commission.due_on.replace(day=1) != month:
                continue
            f = facts.setdefault(rec.officer.name, dict.fromkeys(rules.DEFAULT_POINTS, 0))
            answered = Report.objects.filter(
                commission=rec.commission, officer=rec.officer, status__in=COUNTED_STATUSES
            ).exists()
            if answered:
                f["commission_answered"] += 1
            elif rec.nothing_at is None and today > rec.commission.due_on:
                f["commission_unanswered"] += 1
        for name, f in facts.items():
            totals[name] = totals.get(name, 0) + rules.points_of(f, table)
    return totals


@pytest.fixture
def team(county):
    town = TownshipFactory(county=county, name="东坎街道")
    firm = EnterpriseFactory(county=county, name="滨海港务公司")
    return {
        "甲": OfficerFactory(county=county, name="甲", township=town, employer=firm),
        "乙": OfficerFactory(county=county, name="乙", township=town),
        "丙": OfficerFactory(county=county, name="丙"),
    }


def test_points_from_grades_late_emergencies_and_commissions(county, team):
    filed(team["甲"], "qualified")
    filed(team["甲"], "above_adopted")
    filed(team["乙"], "county_adopted")
    filed(team["乙"], "rejected")
    filed(team["乙"], "pending")
    filed(team["丙"], "qualified", urgency="emergency", on_time=False)
    with mock.patch("unionportal.core.outbox.enqueue"):
        commission = services.commission_create(
            county=county, actor=None, topic="欠薪", due_on=date(2026, 10, 20), today=date(2026, 10, 1)
        )
    filed(team["甲"], "pending", commission=commission)
    services.commission_answer_nothing(commission=commission, officer=team["乙"], note="无")
    # 甲 1+5 + answered 2 = 8; 乙 3 (无相关情况: no points, no penalty); 丙 1 − 2 late − 2 unanswered = −3
    assert points_by_name(county, OCT, OCT) == {"甲": 8, "乙": 3, "丙": -3}
    assert points_by_name(county, OCT, OCT, today=date(2026, 10, 20)) == {"甲": 8, "乙": 3, "丙": -1}  # not yet overdue
    assert points_by_name(county, OCT, OCT) == oracle(county, [OCT])
    rows = selectors.county_points(county_id=county.pk, start=OCT, end=OCT, today=date(2026, 11, 30))
    assert [(r.rank, r.name) for r in rows] == [(1, "甲"), (2, "乙"), (3, "丙")]
    assert rows[0].facts["above_adopted"] == 1 and rows[2].facts["commission_unanswered"] == 1


def test_points_recomputed_after_grades_change_equal_a_fresh_count(county, team):
    report = filed(team["乙"], "pending")
    filed(team["甲"], "qualified")
    reviewer = ReviewerFactory(county=county)
    before = points_by_name(county, OCT, OCT)
    assert before == {"甲": 1, "乙": 0, "丙": 0} == {**dict.fromkeys(["丙", "乙"], 0), **oracle(county, [OCT])}
    services.report_grade(report=report, reviewer=reviewer, grade="qualified", version=report.version)
    assert points_by_name(county, OCT, OCT)["乙"] == 1
    report.refresh_from_db()
    # an adoption receipt from above raises the grade: the points follow
    services.report_grade(
        report=report, reviewer=reviewer, grade="above_adopted", version=report.version, adopted_by="盐城市委办公室"
    )
    after = points_by_name(county, OCT, OCT)
    assert after["乙"] == 5
    assert {k: v for k, v in after.items() if v} == oracle(county, [OCT])


def test_a_changed_table_applies_only_from_its_month(county, team):
    PointsTable.objects.create(county=county, effective_from=SEP, qualified=2)
    PointsTable.objects.create(county=county, effective_from=OCT, qualified=4)
    filed(team["甲"], "qualified", month=date(2026, 8, 1))  # before any table: the defaults (1)
    filed(team["甲"], "qualified", month=SEP)
    filed(team["甲"], "qualified", month=OCT)
    assert points_by_name(county, SEP, SEP)["甲"] == 2
    assert points_by_name(county, OCT, OCT)["甲"] == 4
    assert points_by_name(county, date(2026, 1, 1), date(2026, 12, 1))["甲"] == 1 + 2 + 4
    assert points_by_name(county, date(2026, 1, 1), date(2026, 12, 1)) == {"甲": 7, "乙": 0, "丙": 0}
    with frozen(date(2026, 11, 5)):
        past = PointsTable(county=county, effective_from=OCT.replace(day=1), qualified=9)
        with pytest.raises(ValidationError) as exc:
            past.full_clean()
        assert exc.value.message_dict["effective_from"] == [
            "只能设置本月及以后执行的积分标准，过去的月份保持当时的标准"
        ]
        started = PointsTable.objects.get(effective_from=OCT)
        started.qualified, started.effective_from = 9, date(2026, 12, 1)  # moved forward to be edited
        with pytest.raises(ValidationError) as exc:
            started.full_clean(validate_unique=False, validate_constraints=False)
        assert exc.value.messages == ["已开始执行的积分标准不能修改，请新增一条从本月或以后起执行的标准"]


def test_grouped_by_township_and_unit(county, team):
    filed(team["甲"], "county_adopted")
    filed(team["乙"], "qualified")
    filed(team["丙"], "above_adopted")
    rows = selectors.county_points(county_id=county.pk, start=OCT, end=OCT, today=date(2026, 11, 30))
    towns = selectors.grouped_points(rows, by="township")
    assert [(g.rank, g.name, g.officers, g.points) for g in towns] == [(1, "东坎街道", 2, 4), (0, None, 1, 5)]
    units = selectors.grouped_points(rows, by="unit")
    assert [(g.name, g.points) for g in units] == [("滨海港务公司", 3), (None, 6)]


@pytest.mark.parametrize("size", [2, 12])
def test_the_points_table_costs_a_fixed_number_of_queries(county, django_assert_num_queries, size):
    for n in range(size):
        officer = OfficerFactory(
            county=county, township=TownshipFactory(county=county, name=f"镇{n % 3}"), password=None
        )
        filed(officer, "qualified")
        filed(officer, "county_adopted", urgency="emergency", on_time=False)
    # the tables, the reports, the commissions, the missed 续报, the officers
    with django_assert_num_queries(5):
        rows = selectors.county_points(county_id=county.pk, start=date(2026, 1, 1), end=OCT, today=date(2026, 11, 30))
    assert len(rows) == size and all(r.points == 1 + 3 - 2 for r in rows)


def test_the_pages(client, county, team):
    filed(team["甲"], "qualified")
    filed(team["乙"], "above_adopted")
    with frozen(date(2026, 10, 25)):
        client.force_login(team["甲"].user)
        page = client.get(reverse("reports:my_points")).content.decode()
        assert "1 分" in page and "全县第 <b>2</b> 名（共 3 人）" in page
        assert "乙" not in page  # only their own
        client.force_login(AdminFactory(county=county))
        page = client.get(reverse("reports:points") + "?period=2026-10&by=officer").content.decode()
        assert "甲" in page and "乙" in page and "2026年10月" in page
        page = client.get(reverse("reports:points") + "?period=2026&by=township").content.decode()
        assert "东坎街道" in page and "2026年" in page
        response = client.get(reverse("reports:points") + "?period=20xx")
        assert "年度应为2000–2100之间的四位数字" in response.content.decode()


def test_an_adoption_receipt_raises_the_points_with_the_grade(county, team):
    report = filed(team["丙"], "qualified")
    assert points_by_name(county, OCT, OCT)["丙"] == 1
    services.report_adopt(
        report=report, actor=None, body="盐城市委办公室", adopted_on=date(2026, 10, 20), source="receipt"
    )
    report.refresh_from_db()
    assert report.grade == "above_adopted"
    after = points_by_name(county, OCT, OCT)
    assert after["丙"] == 5 and {k: v for k, v in after.items() if v} == oracle(county, [OCT])


def test_the_points_page_costs_the_same_queries_at_two_sizes(client, county, team):
    client.force_login(AdminFactory(county=county))

    def count(by):
        with frozen(date(2026, 10, 25)), CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reports:points"), {"period": "2026", "by": by}).status_code == 200
        return len(ctx)

    count("officer")  # the steady state: the first page of a session fills the session's caches
    small = {by: count(by) for by in ("officer", "township", "unit")}
    for n in range(25):
        officer = OfficerFactory(
            county=county, township=TownshipFactory(county=county, name=f"新镇{n % 4}"), password=None
        )
        filed(officer, "qualified")
    assert {by: count(by) for by in ("officer", "township", "unit")} == small


def test_a_missed_followup_costs_points_in_the_month_it_was_due(county):
    from reports.models import Event, MissedFollowup

    officer = OfficerFactory(county=county)
    event = Event.objects.create(
        county=county,
        officer=officer,
        title="某厂职工聚集",
        occurred_at=at(OCT, 30),
        opened_at=at(OCT, 30),
        next_due_at=at(OCT, 31, 17),
    )
    # Due at 17:00 on 31 October Beijing time: 09:00 UTC, still October however the clock is read.
    MissedFollowup.objects.create(event=event, county=county, officer=officer, due_at=at(OCT, 31, 17))
    MissedFollowup.objects.create(event=event, county=county, officer=officer, due_at=at(date(2026, 11, 1), 1, 17))
    facts = selectors.points.points_facts(county_id=county.pk, start=SEP, end=OCT, today=date(2026, 11, 30))
    assert facts[(officer.pk, OCT)]["missed_followup"] == 1
    assert sorted(selectors.missed_followup_counts(county_id=county.pk, start=OCT, end=date(2026, 11, 1))) == [
        (officer.pk, OCT, 1),
        (officer.pk, date(2026, 11, 1), 1),
    ]
    table = selectors.points.points_table_in_force(county_id=county.pk, month=OCT)
    assert rules.points_of(facts[(officer.pk, OCT)], table) == -table["missed_followup"]
