"""The county dashboard (工作台): the year's figures the county reports upward.

A fixed number of aggregate queries whatever the data size: no loop over officers, months or
counties touches the database. The page reads them through a short-lived cache (``dashboard_cached``):
the year's figures are the same for every member of staff of the same counties, and recomputing them
on every request is what made the page the slowest of the portal under load.
"""

import hashlib
import logging
from datetime import date, datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth

from disputes.models import DisputeCase, MediationResult
from disputes.selectors import dispute_figures
from officers.models import Activity, Attendance, County, Officer, Suggestion
from reports import rules, selectors
from reports.models import Budget, BudgetLine, Category, Grade, Report, StipendSetting
from unionportal.core.figure_cache import shared_figures
from unionportal.core.figures import rate

logger = logging.getLogger(__name__)
MONTHS = list(range(1, 13))


def _year_bounds(year: int):
    return datetime(year, 1, 1, tzinfo=rules.BEIJING), datetime(year + 1, 1, 1, tzinfo=rules.BEIJING)


def _quota_case(county_ids, year):
    """The monthly quota of each (county, month) as an SQL expression, from the settings in force."""
    default = selectors.Terms.default().quota
    settings_ = list(
        StipendSetting.objects.filter(county_id__in=county_ids, effective_from__lt=date(year + 1, 1, 1))
        .order_by("county_id", "effective_from")
        .values_list("county_id", "effective_from", "quota")
    )
    whens = []
    for month in MONTHS:
        first = date(year, month, 1)
        latest = {}
        for county_id, start, quota in settings_:
            if start <= first:
                latest[county_id] = quota
        for county_id, quota in latest.items():
            if quota != default:
                whens.append(When(county_id=county_id, m=month, then=Value(quota)))
    return Case(*whens, default=Value(default), output_field=IntegerField()) if whens else Value(default)


def _officers_meeting_quota(reports, county_ids, year) -> dict[int, int]:
    """Per month: officers whose reports that month reached the quota. One grouped query."""
    inner = (
        reports.filter(grade__in=rules.VALID_GRADES)
        .annotate(m=ExtractMonth("submitted_at"))
        .order_by()
        .values("officer_id", "county_id", "m")
        .annotate(n=Count("pk"), q=_quota_case(county_ids, year))
    )
    sql, params = inner.query.sql_with_params()
    with connection.cursor() as cursor:
        # {sql} is the SQL Django generated for the query above; values travel as params.
        cursor.execute(f"SELECT m, COUNT(*) FROM ({sql}) per_officer WHERE n >= q GROUP BY m", params)  # noqa: S608  # nosec B608
        return {int(m): n for m, n in cursor.fetchall()}


def dashboard(*, user, year: int) -> dict:
    counties = County.objects.visible_to(user)
    county_ids = list(counties.values_list("pk", flat=True))
    start, end = _year_bounds(year)
    officers = Officer.objects.filter(county_id__in=county_ids)
    by_status = dict(officers.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    active = officers.filter(status=Officer.Status.ACTIVE)
    by_category = dict(active.order_by().values_list("category").annotate(n=Count("pk")).values_list("category", "n"))
    by_group = dict(
        active.exclude(key_group="")
        .order_by()
        .values_list("key_group")
        .annotate(n=Count("pk"))
        .values_list("key_group", "n")
    )
    reports = Report.objects.filter(
        county_id__in=county_ids, status__in=selectors.COUNTED_STATUSES, submitted_at__gte=start, submitted_at__lt=end
    )
    totals = selectors.report_totals(reports)
    del totals["pending"]  # the year's card shows no queue
    per_month = dict(
        reports.annotate(m=ExtractMonth("submitted_at"))
        .order_by()
        .values_list("m")
        .annotate(n=Count("pk"))
        .values_list("m", "n")
    )
    report_categories = dict(
        reports.order_by().values_list("category").annotate(n=Count("pk")).values_list("category", "n")
    )
    meeting = _officers_meeting_quota(reports, county_ids, year)

    disputes = dispute_figures(
        cases=DisputeCase.objects.filter(county_id__in=county_ids), start=date(year, 1, 1), end=date(year, 12, 31)
    )
    lines = BudgetLine.objects.filter(county_id__in=county_ids, spent_on__year=year)
    stipend_months = dict(
        lines.filter(kind=BudgetLine.Kind.STIPEND)
        .annotate(m=ExtractMonth("spent_on"))
        .order_by()
        .values_list("m")
        .annotate(t=Sum("amount"))
        .values_list("m", "t")
    )
    spent = lines.aggregate(t=Coalesce(Sum("amount"), Value(Decimal("0"))))["t"]
    budget = Budget.objects.filter(county_id__in=county_ids, year=year).aggregate(t=Sum("amount"))["t"]
    activities = Activity.objects.filter(county_id__in=county_ids, held_on__year=year)
    by_kind = dict(activities.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    person_times = Attendance.objects.filter(activity__in=activities).count()
    suggestions = Suggestion.objects.filter(
        guidance__officer__county_id__in=county_ids, guidance__given_on__year=year
    ).count()
    total = totals["total"]
    forwards = selectors.forward_figures(user=user, county_ids=county_ids, start=start, end=end).values()
    instructions = selectors.instructions_received(user=user, county_ids=county_ids, start=start.date(), end=end.date())
    events = selectors.event_figures(county_ids=county_ids, start=start, end=end)
    return {
        "year": year,
        # 上报: the county's items forwarded upward this year, those adopted above, instructions received.
        "forwarding": {
            "forwarded": sum(row["forwarded"] for row in forwards),
            "adopted": sum(row["adopted"] for row in forwards),
            "pending": sum(row["pending"] for row in forwards),
            "instructions": sum(instructions.values()),
        },
        "events": events,
        "counties": counties,
        "officers": {
            "active": by_status.get(Officer.Status.ACTIVE, 0),
            "candidates": by_status.get(Officer.Status.CANDIDATE, 0),
            "by_category": [(v, label, by_category.get(v, 0)) for v, label in Officer.Category.choices],
            "by_key_group": [(v, label, by_group.get(v, 0)) for v, label in Officer.KeyGroup.choices],
        },
        "reports": {
            **totals,
            "on_time_rate": rate(totals["on_time"], total),
            "per_month": [per_month.get(m, 0) for m in MONTHS],
            "by_category": [(v, label, report_categories.get(v, 0)) for v, label in Category.choices],
        },
        "meeting_quota": [meeting.get(m, 0) for m in MONTHS],
        "disputes": disputes,
        "budget": {
            "amount": budget,
            "spent": spent,
            "stipends_per_month": [stipend_months.get(m, Decimal("0")) for m in MONTHS],
        },
        "training": {
            "by_kind": [(v, label, by_kind.get(v, 0)) for v, label in Activity.Kind.choices],
            "activities": sum(by_kind.values()),
            "person_times": person_times,
            "suggestions": suggestions,
        },
    }


def dashboard_cached(*, user, year: int, refresh: bool = False) -> tuple[dict, list[dict], object]:
    """(figures, per-county rows, when they were computed) as ``user`` may see them: shared through the
    cache by everyone who sees the same counties, for ``DASHBOARD_CACHE_SECONDS``; money only for admins.
    ``refresh`` recomputes them at once. A cache that cannot be reached only costs the recomputation."""
    counties = list(County.objects.visible_to(user).order_by("code"))
    ids = ",".join(str(c.pk) for c in counties)
    key = f"dashboard:v1:{year}:{hashlib.sha256(ids.encode()).hexdigest()[:32]}"

    def compute():
        figures = dashboard(user=user, year=year)
        figures.pop("counties")
        rows = []
        if len(counties) > 1:
            rows = [{**row, "county": row["county"].pk} for row in per_county(user=user, year=year)]
        return figures, rows

    (figures, rows), computed_at = shared_figures(key, compute, refresh=refresh)
    figures = {**figures, "counties": counties}
    if not user.is_portal_admin:
        # Money is the admins' (as on the stipend and budget pages), whoever filled the cache.
        figures["budget"] = {"amount": None, "spent": None, "stipends_per_month": [Decimal("0")] * 12}
    by_pk = {c.pk: c for c in counties}
    return figures, [{**row, "county": by_pk[row["county"]]} for row in rows], computed_at


def per_county(*, user, year: int) -> list[dict]:
    """One row per county for a multi-county admin: four grouped queries for all counties."""
    counties = list(County.objects.visible_to(user).order_by("code"))
    ids = [c.pk for c in counties]
    start, end = _year_bounds(year)
    officers = dict(
        Officer.objects.filter(county_id__in=ids, status=Officer.Status.ACTIVE)
        .order_by()
        .values_list("county_id")
        .annotate(n=Count("pk"))
        .values_list("county_id", "n")
    )
    reports = {
        row["county_id"]: row
        for row in Report.objects.filter(
            county_id__in=ids, status__in=selectors.COUNTED_STATUSES, submitted_at__gte=start, submitted_at__lt=end
        )
        .order_by()
        .values("county_id")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(on_time=True)),
            adopted=Count("pk", filter=Q(grade__in=[Grade.COUNTY_ADOPTED, Grade.ABOVE_ADOPTED])),
        )
    }
    resolved = dict(
        DisputeCase.objects.filter(county_id__in=ids, mediation_result=MediationResult.SUCCESS, result_on__year=year)
        .order_by()
        .values_list("county_id")
        .annotate(n=Count("pk"))
        .values_list("county_id", "n")
    )
    return [
        {
            "county": c,
            "officers": officers.get(c.pk, 0),
            "reports": reports.get(c.pk, {}).get("n", 0),
            "on_time": reports.get(c.pk, {}).get("on_time", 0),
            "adopted": reports.get(c.pk, {}).get("adopted", 0),
            "resolved": resolved.get(c.pk, 0),
        }
        for c in counties
    ]


def month_reporting(*, user, month: date) -> dict | None:
    """The dashboard's card of a month's reporting: the very figures of that month's ranking notice
    and of ``reporting_notice`` (one selector, ``reports.selectors.ranking_figures``) for a member of
    staff of one county; for several counties, or the staff of a city or province (who see no
    officer), those counties ranked the same way."""
    counties = list(County.objects.visible_to(user).order_by("code"))
    if not counties:
        return None
    if len(counties) == 1 and not user.is_regional_staff:
        return {"month": month, "figures": selectors.ranking_figures(county_id=counties[0].pk, month=month)}
    return {"month": month, "counties": selectors.counties_ranked(counties=counties, month=month)}


def month_reporting_cached(*, user, month: date, counties, refresh: bool = False) -> dict | None:
    """:func:`month_reporting`, shared like the year's figures by the staff of the same ``counties``
    (the month is over: its ranking only changes when a grade of it changes)."""
    ids = ",".join(str(c.pk) for c in counties)
    key = f"month-reporting:v1:{month:%Y-%m}:{hashlib.sha256(ids.encode()).hexdigest()[:32]}"
    reporting, _ = shared_figures(key, lambda: month_reporting(user=user, month=month), refresh=refresh)
    return reporting
