"""The monthly analysis summary (月度分析研判): its figures, built the same way by the job and the
command, stored so that the meeting discusses exactly what was built."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from disputes.models import DisputeCase
from disputes.selectors import dispute_figures
from officers.models import Officer
from officers.selectors import with_names
from reports import rules, selectors
from reports import rules as report_rules
from reports.models import (
    COUNTED_STATUSES,
    RISK_CATEGORIES,
    Category,
    ForwardedItem,
    Report,
    SupervisionItem,
    SupervisionState,
    Urgency,
)
from unionportal.core.figures import rate

from .models import MonthlySummary


def previous_month(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def _by(reports, field, choices, prev):
    """[label, this month, previous month, change] for every choice, in the choices' order."""
    now = dict(reports.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
    before = dict(prev.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
    return [
        [label, now.get(value, 0), before.get(value, 0), now.get(value, 0) - before.get(value, 0)]
        for value, label in choices
    ]


CHANGE_TABLES = (
    ("by_category", "信息类别"),
    ("by_urgency", "紧急程度"),
    ("by_township", "镇区街道"),
    ("by_key_group", "重点群体"),
)


def change_tables(figures: dict) -> list:
    """(key, title, rows) of the month-on-month tables, in the DOCX's order; an older summary built
    before a breakdown existed simply lacks that table."""
    return [(key, title, figures[key]) for key, title in CHANGE_TABLES if key in figures]


def summary_figures(*, county, month: date) -> dict:
    """Every number of the summary for ``county`` and ``month``, JSON-ready; a fixed set of queries."""
    start, end = rules.month_bounds(month.year, month.month)
    prev_start, _ = rules.month_bounds(previous_month(month).year, previous_month(month).month)
    base = Report.objects.filter(county=county, status__in=COUNTED_STATUSES)
    reports = base.submitted_between(start, end)
    prev = base.submitted_between(prev_start, start)
    totals = selectors.report_totals(reports)
    previous_total = prev.count()
    townships = list(county.townships.order_by("sort_key").values_list("pk", "name"))
    key_groups = [*Officer.KeyGroup.choices, ("", "其他信息员")]
    emergencies = [
        [
            timezone.localtime(r.submitted_at).strftime("%m-%d %H:%M"),
            r.title,
            r.officer.name,
            r.township.name if r.township_id else "",
            r.get_grade_display(),
        ]
        for r in reports.filter(urgency=Urgency.EMERGENCY)
        .select_related("officer", "township")
        .order_by("submitted_at")
    ]
    # Enterprises named in risk reports of this and the two months before: repeated ones stand out.
    window_start, _ = rules.month_bounds(
        previous_month(previous_month(month)).year, previous_month(previous_month(month)).month
    )
    risky = (
        base.submitted_between(window_start, end)
        .filter(category__in=RISK_CATEGORIES)
        .exclude(enterprise__isnull=True, enterprise_name="")
        .values("enterprise_id", "enterprise__name", "enterprise_name")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .order_by("-n", "enterprise__name", "enterprise_name")
    )
    # [name, reports, enterprise id or None]: a registered enterprise links to its risk ledger page.
    repeated = [[row["enterprise__name"] or row["enterprise_name"], row["n"], row["enterprise_id"]] for row in risky]
    terms = selectors.stipend_terms(county_id=county.pk, month=month)
    missed = list(
        Officer.objects.filter(county=county, status=Officer.Status.ACTIVE)
        .annotate(
            n=Count(
                "reports",
                filter=Q(
                    reports__submitted_at__gte=start,
                    reports__submitted_at__lt=end,
                    reports__status__in=COUNTED_STATUSES,
                    reports__grade__in=rules.VALID_GRADES,
                ),
            )
        )
        .filter(n__lt=terms.quota)
        .order_by("township__sort_key", "sort_key")
        .values_list("name", "township__name")
    )
    disputes = dispute_figures(
        cases=DisputeCase.objects.filter(county=county), start=start.date(), end=(end - timedelta(days=1)).date()
    )
    total = totals["total"]
    adopted = totals["county_adopted"] + totals["above_adopted"]
    forwarding = ForwardedItem.objects.filter(county=county, forwarded_at__gte=start, forwarded_at__lt=end).aggregate(
        forwarded=Count("report_id", distinct=True),
        adopted=Count("report_id", filter=Q(status=ForwardedItem.Status.ADOPTED), distinct=True),
    )
    return {
        "county": county.name,
        "month": f"{month.year}年{month.month}月",
        "total": total,
        "previous_total": previous_total,
        "change": total - previous_total,
        "by_category": _by(reports, "category", Category.choices, prev),
        "by_urgency": _by(reports, "urgency", Urgency.choices, prev),
        "by_township": _by(reports, "township_id", townships, prev),
        "by_key_group": _by(reports, "officer__key_group", key_groups, prev),
        "on_time": totals["on_time"],
        "timeliness_rate": rate(totals["on_time"], total),
        "county_adopted": totals["county_adopted"],
        "above_adopted": totals["above_adopted"],
        "adoption_rate": rate(adopted, total),
        # 上报: the month's items forwarded upward and those a unit above adopted.
        "forwarded": forwarding["forwarded"],
        "forwarded_adopted": forwarding["adopted"],
        "pending": totals["pending"],
        "emergencies": emergencies,
        "repeated_enterprises": repeated,
        "disputes": {
            **disputes,
            "compensation": f"{disputes['compensation']:.2f}",
            "wages_recovered": f"{disputes['wages_recovered']:.2f}",
        },
        "events": selectors.event_figures(county_ids=[county.pk], start=start, end=end),
        "quota": terms.quota,
        "missed_quota": [[name, township or ""] for name, township in missed],
        # Leader instructions given in the month and the state of their follow-up when built.
        "instructions": [
            [
                f"{row['given_on']:%m-%d}",
                row["leader"],
                row["rank"],
                row["title"],
                row["owner"],
                f"{row['due_on']:%Y-%m-%d}" if row["due_on"] else "",
                row["state"],
            ]
            for row in selectors.month_instructions(
                county=county, start=start.date(), end=end.date(), today=timezone.localdate()
            )
        ],
        **supervision_figures(county=county, start=start, end=end),
    }


def _item_row(item, *, closed: bool) -> list:
    when = timezone.localtime(item.closed_at if closed else item.due_at).strftime("%m-%d %H:%M")
    due = timezone.localtime(item.due_at).strftime("%m-%d %H:%M")
    last = when if closed else item.get_colour_display()
    return [item.title, item.get_kind_display(), item.owner.get_full_name(), due, last, item.pk]


def supervision_figures(*, county, start, end) -> dict:
    """The month's supervision for the meeting: items closed late in the month, and those still open
    (as the summary is built), most urgent first. Two queries."""
    items = with_names(SupervisionItem.objects.filter(county=county), "owner")
    late = items.filter(
        state=SupervisionState.CLOSED, closed_at__gte=start, closed_at__lt=end, closed_at__gt=F("due_at")
    ).order_by("closed_at")
    still_open = items.filter(state=SupervisionState.OPEN, opened_at__lt=end).order_by("due_at")
    open_rows = sorted(still_open, key=lambda i: (report_rules.COLOUR_RANK.get(i.colour, 9), i.due_at))
    return {
        "supervision_closed_late": [_item_row(i, closed=True) for i in late],
        "supervision_open": [_item_row(i, closed=False) for i in open_rows],
    }


@transaction.atomic
def summary_build(*, county, month: date) -> MonthlySummary:
    """Build (or rebuild) a month's summary. Rebuilding replaces the figures, keeps the meeting."""
    if month > timezone.localdate().replace(day=1):
        raise ValidationError(f"{month.year}年{month.month}月还没有开始，不能生成分析研判材料", code="future")
    figures = summary_figures(county=county, month=month)
    summary, created = MonthlySummary.objects.select_for_update().get_or_create(
        county=county, month=month, defaults={"figures": figures}
    )
    if not created:
        summary.figures = figures
        summary.built_at = timezone.now()
        summary.save(update_fields=["figures", "built_at"])
    return summary
