"""The monthly ranking notice's figures (通报, contract section 9): one selector behind the notice,
the dashboard and ``reporting_notice``, so the three always agree.

Expected reporters are ``officers.selectors.officers_active_in_month`` (the stipend sheet's rows,
contract section 3); an officer reported when they have at least one report submitted in the month
(Beijing time, by 报送时间; drafts and withdrawn reports are not reports). A fixed number of queries.
"""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from officers.rules import pinyin_key
from officers.selectors import officers_active_in_month
from unionportal.core.figures import rate

from .. import rules
from ..models import COUNTED_STATUSES, CommissionRecipient, Grade, Report, Urgency
from .points import county_points
from .stipends import reports_in_month

TOP_OFFICERS = 10
# The keys ``reporting_notice`` prints, in the contract's words (section 9).
CONTRACT_KEYS = ("expected", "reported", "reporting_rate", "zero_filers", "townships")


def _grouped(rows, *, key: str, sort: str, label: str) -> list[dict]:
    groups: dict = {}
    for row in rows:
        name = row[key]
        group = groups.setdefault(name, {label: name, "sort": row[sort] or name or "", "expected": 0, "reported": 0})
        group["expected"] += 1
        group["reported"] += row["n"] > 0
    for group in groups.values():
        group["reporting_rate"] = rate(group["reported"], group["expected"])
    ranked = rules.ranking_order(list(groups.values()), name_key=label, sort_key="sort")
    return [
        {label: g[label], "expected": g["expected"], "reported": g["reported"], "reporting_rate": g["reporting_rate"]}
        for g in ranked
    ]


def reporting_figures(*, county_id, month: date) -> dict:
    """Expected reporters, those who reported, the rate, the zero filers and the townships and units
    ranked: ONE query (the expected officers with their count of the month's reports)."""
    rows = list(
        officers_active_in_month(county_id=county_id, month=month)
        .annotate(month_reports=reports_in_month(month))
        .annotate(n=Count("month_reports"))
        .order_by("township__sort_key", "sort_key", "pk")
        .values("pk", "name", "phone", "n", "township__name", "township__sort_key", "employer__name")
    )
    expected = len(rows)
    reported = sum(1 for r in rows if r["n"] > 0)
    zero = [r for r in rows if r["n"] == 0]
    return {
        "expected": expected,
        "reported": reported,
        "reporting_rate": rate(reported, expected),
        "zero_filers": sorted(r["phone"] for r in zero),
        "townships": _grouped(rows, key="township__name", sort="township__sort_key", label="township"),
        "units": _grouped(rows, key="employer__name", sort="employer__name", label="unit"),
        # Named, for the notice (never the JSON's phones on a page): township then pinyin order.
        "zero_filer_names": [[r["name"], r["township__name"] or ""] for r in zero],
    }


def ranking_figures(*, county_id, month: date, today: date | None = None) -> dict:
    """Every figure of the month's notice, JSON-ready: the reporting figures above, the on-time rate,
    items by grade, overdue commissions, late emergencies, the top officers by points. Ten queries
    whatever the county's size."""
    today = today or timezone.localdate()
    start, end = rules.month_bounds(month.year, month.month)
    figures = reporting_figures(county_id=county_id, month=month)
    reports = Report.objects.filter(county_id=county_id, status__in=COUNTED_STATUSES).submitted_between(start, end)
    totals = reports.aggregate(
        total=Count("pk"),
        on_time=Count("pk", filter=Q(on_time=True)),
        qualified=Count("pk", filter=Q(grade=Grade.QUALIFIED)),
        county_adopted=Count("pk", filter=Q(grade=Grade.COUNTY_ADOPTED)),
        above_adopted=Count("pk", filter=Q(grade=Grade.ABOVE_ADOPTED)),
        emergencies=Count("pk", filter=Q(urgency=Urgency.EMERGENCY)),
    )
    late = [
        [
            timezone.localtime(r.submitted_at).strftime("%m-%d %H:%M"),
            r.title,
            r.officer.name,
            r.township.name if r.township_id else "",
        ]
        for r in reports.filter(urgency=Urgency.EMERGENCY, on_time=False)
        .select_related("officer", "township")
        .order_by("submitted_at", "pk")
    ]
    # Commissions due in the month, with the recipients who had not answered when the due day ended.
    answered = Report.objects.filter(
        commission_id=OuterRef("commission_id"), officer_id=OuterRef("officer_id"), status__in=COUNTED_STATUSES
    )
    recipients = (
        CommissionRecipient.objects.filter(
            commission__county_id=county_id, commission__due_on__gte=month, commission__due_on__lt=end.date()
        )
        .annotate(answered=Exists(answered))
        .order_by("commission__due_on", "commission_id")
        .values_list("commission_id", "commission__topic", "commission__due_on", "answered", "nothing_at")
    )
    commissions: dict = {}
    for pk, topic, due_on, by_report, nothing_at in recipients:
        row = commissions.setdefault(
            pk, {"topic": topic, "due_on": due_on.isoformat(), "recipients": 0, "unanswered": 0}
        )
        row["recipients"] += 1
        state = rules.recipient_state(
            answered_by_report=by_report, nothing=nothing_at is not None, due_on=due_on, today=today
        )
        row["unanswered"] += state == rules.OVERDUE
    points = county_points(county_id=county_id, start=month, end=month, today=today)
    return {
        **figures,
        "month": month.strftime("%Y-%m"),
        "reports": totals["total"],
        "on_time": totals["on_time"],
        "on_time_rate": rate(totals["on_time"], totals["total"]),
        "qualified": totals["qualified"],
        "county_adopted": totals["county_adopted"],
        "above_adopted": totals["above_adopted"],
        "emergencies": totals["emergencies"],
        "late_emergencies": late,
        "overdue_commissions": [c for c in commissions.values() if c["unanswered"]],
        "top_officers": [
            [row.rank, row.name, row.township or "", row.points] for row in points[:TOP_OFFICERS] if row.points > 0
        ],
    }


def contract_figures(figures: dict) -> dict:
    """What ``reporting_notice`` prints (contract section 9), from the same figures."""
    return {key: figures[key] for key in CONTRACT_KEYS}


def counties_ranked(*, counties, month: date) -> list[dict]:
    """A city's counties ranked the same way (reporting rate, then pinyin order): ONE query for all."""
    rows = list(
        officers_active_in_month(county_ids=[c.pk for c in counties], month=month)
        .annotate(month_reports=reports_in_month(month))
        .annotate(n=Count("month_reports"))
        .order_by()
        .values("county_id", "n")
    )
    by_county = {
        c.pk: {"county": c.name, "code": c.code, "sort": pinyin_key(c.name), "expected": 0, "reported": 0}
        for c in counties
    }
    for row in rows:
        by_county[row["county_id"]]["expected"] += 1
        by_county[row["county_id"]]["reported"] += row["n"] > 0
    for row in by_county.values():
        row["reporting_rate"] = rate(row["reported"], row["expected"])
    return rules.ranking_order(list(by_county.values()), name_key="county", sort_key="sort")
