"""Points (积分), computed from the records: never typed, never stored.

An officer's points for a month are ``rules.points_of(facts, table)`` with the facts of that month and
the county's points table in force then; a year's are the sum of its months. Facts, each counted in the
month it belongs to (Beijing time):
- a report's grade (合格, 县总工会采用, 县级以上部门采用), in the month of its 报送时间;
- a leader's instruction (批示) by rank, in the month of the instruction (``instruction_counts``);
- a commission answered with a report, or left unanswered past its due date, in the month of its due
  date (无相关情况 is an answer that neither earns nor loses points);
- a late 突发 report (on_time False), in the month of its 报送时间;
- a missed 续报, in the month it was due (``missed_followup_counts``).
A fixed number of queries whatever the number of officers, reports or months.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from officers.models import Officer
from officers.selectors import officers_active_in_month

from .. import rules
from ..models import COUNTED_STATUSES, CommissionRecipient, Grade, MissedFollowup, PointsTable, Report, Urgency

FACTS = tuple(rules.DEFAULT_POINTS)
INSTRUCTION_FACT = {"county": "instruction_county", "city": "instruction_city", "province": "instruction_province"}


# ---- the hooks other teams' records plug into ----------------------------------------------------


def instruction_counts(*, county_id, start: date, end: date) -> list[tuple[int, date, str, int]]:
    """Leaders' instructions (领导批示) on the county's officers' reports, months ``start`` to ``end``
    (first days, both included): rows ``(officer_id, month, rank, n)`` with rank ``county`` (县级),
    ``city`` (市级) or ``province`` (省级及以上). The instructions themselves are issue 15's (a model of
    the reports floor being built beside this one); until they are wired in here this returns no row."""
    return []


def missed_followup_counts(*, county_id, start: date, end: date) -> list[tuple[int, date, int]]:
    """Missed 续报 (漏报) of the county's officers, months ``start`` to ``end`` (first days, both
    included): rows ``(officer_id, month, n)``, each in the month it was due (Beijing time). The same
    records as ``events.events_missed_followups`` (a 续报 filed late answers its due time and is not a
    miss), grouped by month in one query."""
    first, last = _bounds(start, end)
    rows = (
        MissedFollowup.objects.filter(county_id=county_id, due_at__gte=first, due_at__lt=last, answered_by__isnull=True)
        .annotate(m=TruncMonth("due_at", tzinfo=rules.BEIJING))
        .order_by()
        .values_list("officer_id", "m")
        .annotate(n=Count("pk"))
    )
    return [(officer_id, _as_month(month), n) for officer_id, month, n in rows]


# ---- the tables in force --------------------------------------------------------------------------


def months_between(start: date, end: date) -> list[date]:
    months, month = [], start
    while month <= end:
        months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months


def points_tables(*, county_id, months: list[date]) -> dict[date, dict[str, int]]:
    """The points in force in each month (the latest table effective by then; the defaults before the
    county's first table). One query."""
    tables = list(
        PointsTable.objects.filter(county_id=county_id, effective_from__lte=max(months)).order_by("effective_from")
    )
    result = {}
    for month in months:
        current = dict(rules.DEFAULT_POINTS)
        for table in tables:
            if table.effective_from <= month:
                current = table.as_rule()
        result[month] = current
    return result


def points_table_in_force(*, county_id, month: date) -> dict[str, int]:
    return points_tables(county_id=county_id, months=[month])[month]


# ---- the facts ------------------------------------------------------------------------------------


def _bounds(start: date, end: date):
    first = rules.month_bounds(start.year, start.month)[0]
    last = rules.month_bounds(end.year, end.month)[1]
    return first, last


def points_facts(*, county_id, start: date, end: date, today: date | None = None) -> dict[tuple[int, date], dict]:
    """{(officer_id, month): {fact: n}} for the county's officers, months ``start`` to ``end``. Three
    queries (reports, commissions, missed 续报) plus the instructions'."""
    today = today or timezone.localdate()
    first, last = _bounds(start, end)
    facts: dict[tuple[int, date], dict] = defaultdict(lambda: dict.fromkeys(FACTS, 0))
    by_report = (
        Report.objects.filter(
            county_id=county_id, status__in=COUNTED_STATUSES, submitted_at__gte=first, submitted_at__lt=last
        )
        .annotate(m=TruncMonth("submitted_at", tzinfo=rules.BEIJING))
        .order_by()
        .values("officer_id", "m")
        .annotate(
            qualified=Count("pk", filter=Q(grade=Grade.QUALIFIED)),
            county_adopted=Count("pk", filter=Q(grade=Grade.COUNTY_ADOPTED)),
            above_adopted=Count("pk", filter=Q(grade=Grade.ABOVE_ADOPTED)),
            late_emergency=Count("pk", filter=Q(urgency=Urgency.EMERGENCY, on_time=False)),
        )
    )
    for row in by_report:
        month = _as_month(row["m"])
        for name in ("qualified", "county_adopted", "above_adopted", "late_emergency"):
            facts[(row["officer_id"], month)][name] += row[name]
    answered = Report.objects.filter(
        commission_id=OuterRef("commission_id"), officer_id=OuterRef("officer_id"), status__in=COUNTED_STATUSES
    )
    recipients = (
        CommissionRecipient.objects.filter(
            commission__county_id=county_id,
            commission__due_on__gte=start,
            commission__due_on__lt=_bounds(end, end)[1].date(),
        )
        .annotate(answered=Exists(answered), due_on=F("commission__due_on"))
        .values_list("officer_id", "due_on", "answered", "nothing_at")
    )
    for officer_id, due_on, by_report_, nothing_at in recipients:
        state = rules.recipient_state(
            answered_by_report=by_report_, nothing=nothing_at is not None, due_on=due_on, today=today
        )
        key = (officer_id, due_on.replace(day=1))
        if state == rules.ANSWERED:
            facts[key]["commission_answered"] += 1
        elif state == rules.OVERDUE:
            facts[key]["commission_unanswered"] += 1
    for officer_id, month, rank, n in instruction_counts(county_id=county_id, start=start, end=end):
        facts[(officer_id, month)][INSTRUCTION_FACT[rank]] += n
    for officer_id, month, n in missed_followup_counts(county_id=county_id, start=start, end=end):
        facts[(officer_id, month)]["missed_followup"] += n
    return dict(facts)


def _as_month(value) -> date:
    if hasattr(value, "astimezone"):
        value = timezone.localtime(value, rules.BEIJING).date()
    return value.replace(day=1)


# ---- the table of points --------------------------------------------------------------------------


@dataclass
class PointsRow:
    officer_id: int
    name: str
    phone: str
    township: str | None
    township_key: str
    employer: str | None
    points: int = 0
    facts: dict = field(default_factory=lambda: dict.fromkeys(FACTS, 0))
    rank: int = 0


@dataclass
class GroupRow:
    name: str | None
    officers: int
    points: int
    rank: int = 0

    @property
    def average(self):
        return round(self.points / self.officers, 1) if self.officers else 0


def period_months(*, year: int, month: int | None) -> tuple[date, date]:
    if month:
        first = date(year, month, 1)
        return first, first
    return date(year, 1, 1), date(year, 12, 1)


def county_points(*, county_id, start: date, end: date, today: date | None = None) -> list[PointsRow]:
    """Every officer of the county with their points for months ``start`` to ``end``, ranked (ties
    share a rank, then pinyin order). The rows: the officers 在岗 in the (last) month of the period,
    and anyone with a fact in it. Seven queries whatever the size."""
    months = months_between(start, end)
    tables = points_tables(county_id=county_id, months=months)
    facts = points_facts(county_id=county_id, start=start, end=end, today=today)
    listed = officers_active_in_month(county_id=county_id, month=end).values("pk")
    with_facts = {officer_id for officer_id, _ in facts}
    officers = (
        Officer.objects.filter(Q(pk__in=listed) | Q(pk__in=with_facts), county_id=county_id)
        .order_by("sort_key", "pk")
        .values_list("pk", "name", "phone", "township__name", "township__sort_key", "employer__name")
    )
    rows = {
        pk: PointsRow(
            officer_id=pk, name=name, phone=phone, township=township, township_key=key or "", employer=employer
        )
        for pk, name, phone, township, key, employer in officers
    }
    for (officer_id, month), counts in facts.items():
        row = rows.get(officer_id)
        if row is None:
            continue
        row.points += rules.points_of(counts, tables[month])
        for name, n in counts.items():
            row.facts[name] += n
    ranked = sorted(rows.values(), key=lambda r: -r.points)  # stable: pinyin order within a score
    for row, rank in zip(ranked, rules.competition_ranks([r.points for r in ranked]), strict=True):
        row.rank = rank
    return ranked


def grouped_points(rows: list[PointsRow], *, by: str) -> list[GroupRow]:
    """The officers' points summed by township (``by="township"``) or unit (``"unit"``: the
    enterprise union, the officer's employer), ranked by total; officers without one last."""
    groups: dict = {}
    keys = {}
    for row in rows:
        name = row.township if by == "township" else row.employer
        group = groups.setdefault(name, GroupRow(name=name, officers=0, points=0))
        group.officers += 1
        group.points += row.points
        keys[name] = row.township_key if by == "township" else (name or "")
    ranked = sorted(groups.values(), key=lambda g: (g.name is None, -g.points, keys[g.name], g.name or ""))
    named = [g for g in ranked if g.name is not None]
    for group, rank in zip(named, rules.competition_ranks([g.points for g in named]), strict=True):
        group.rank = rank
    return ranked


def officer_points(*, officer, year: int, month: int, today: date | None = None) -> dict:
    """An officer's own points and rank in the county, for the month and the year so far."""
    month_rows = county_points(
        county_id=officer.county_id, start=date(year, month, 1), end=date(year, month, 1), today=today
    )
    year_rows = county_points(
        county_id=officer.county_id, start=date(year, 1, 1), end=date(year, month, 1), today=today
    )

    def mine(rows):
        row = next((r for r in rows if r.officer_id == officer.pk), None)
        return {"row": row, "of": len(rows)}

    return {
        "month": mine(month_rows),
        "year": mine(year_rows),
        "table": points_table_in_force(county_id=officer.county_id, month=date(year, month, 1)),
    }
