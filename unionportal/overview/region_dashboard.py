"""The dashboard of a city or province: its counties side by side.

Reports and adoption rates are counts only (a region's staff never read a county's reports); items
forwarded and adopted come from the forwards the region may see. A fixed number of queries whatever
the number of counties: the counties, one grouped count of reports, one of forwards, and (once part B
of issue 15 fills it) one of leader instructions.
"""

from datetime import date, datetime

from django.db.models import Count, Q

from reports import rules, selectors
from reports.models import ADOPTED_GRADES, COUNTED_STATUSES, Grade, Report
from unionportal.core.figure_cache import shared_figures
from unionportal.core.figures import rate

from .dashboard import month_reporting


def _year_bounds(year: int):
    return datetime(year, 1, 1, tzinfo=rules.BEIJING), datetime(year + 1, 1, 1, tzinfo=rules.BEIJING)


def region_dashboard(*, user, year: int) -> dict:
    counties = list(selectors.counties_below(user=user))
    ids = [c.pk for c in counties]
    start, end = _year_bounds(year)
    reports = {
        row["county_id"]: row
        for row in Report.objects.filter(
            county_id__in=ids, status__in=COUNTED_STATUSES, submitted_at__gte=start, submitted_at__lt=end
        )
        .order_by()
        .values("county_id")
        .annotate(
            n=Count("pk"),
            adopted=Count("pk", filter=Q(grade__in=ADOPTED_GRADES)),
            above=Count("pk", filter=Q(grade=Grade.ABOVE_ADOPTED)),
        )
    }
    forwards = selectors.forward_figures(user=user, county_ids=ids, start=start, end=end)
    instructions = selectors.instructions_received(user=user, county_ids=ids, start=start.date(), end=end.date())
    rows = []
    for county in counties:
        r, f = reports.get(county.pk, {}), forwards.get(county.pk, {})
        rows.append(
            {
                "county": county,
                "reports": r.get("n", 0),
                "adopted": r.get("adopted", 0),
                "above_adopted": r.get("above", 0),
                "adoption_rate": rate(r.get("adopted", 0), r.get("n", 0)),
                "forwarded": f.get("forwarded", 0),
                "forwarded_adopted": f.get("adopted", 0),
                "forwarded_pending": f.get("pending", 0),
                "forward_adoption_rate": rate(f.get("adopted", 0), f.get("forwarded", 0)),
                "instructions": instructions.get(county.pk, 0),
            }
        )
    keys = (
        "reports",
        "adopted",
        "above_adopted",
        "forwarded",
        "forwarded_adopted",
        "forwarded_pending",
        "instructions",
    )
    totals = {key: sum(row[key] for row in rows) for key in keys}
    totals["adoption_rate"] = rate(totals["adopted"], totals["reports"])
    totals["forward_adoption_rate"] = rate(totals["forwarded_adopted"], totals["forwarded"])
    return {"year": year, "rows": rows, "totals": totals}


def region_dashboard_cached(*, user, year: int, month: date, refresh: bool = False):
    """((the counties' figures, ``month``'s reporting of the counties ranked), when computed): over a
    whole province these are seconds of counting, and every member of the unit's staff sees the same
    ones, so they are shared through the cache (``unionportal.core.figure_cache``) by the unit."""
    key = f"region-dashboard:v1:{user.region_id}:{year}:{month:%Y-%m}"
    return shared_figures(
        key,
        lambda: (region_dashboard(user=user, year=year), month_reporting(user=user, month=month)),
        refresh=refresh,
    )
