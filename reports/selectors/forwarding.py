"""Reads of forwarded items (上报): a unit's queue, one item with its chain, the figures per county.

Everything through ``ForwardedItem.objects.visible_to``; a fixed number of queries per page. What a
region's staff read here never names an officer: the item carries the county and the officer code.
"""

from datetime import date

from django.db.models import Count, Q

from officers.models import County
from officers.selectors import with_names

from ..models import ForwardedItem, ReportAttachment
from .bulletins import instruction_counts

# What a row of a unit's queue shows (report_tags.forward_rows, the home page's latest items), and not
# each item's text; a new column in the row goes here too, else each row reads it with a query.
QUEUE_ROW_FIELDS = (
    "title",
    "urgency",
    "status",
    "category",
    "officer_code",
    "forwarded_at",
    "county__name",
    "from_region__name",
    "to_region__name",
)


def unit_queue(*, user, box: str = "received"):
    """Items as ``user`` may see them, for the queue page. ``box``: ``received`` (forwarded to the
    user's own unit: a city's or province's queue; for a county's staff, their county's forwards),
    or ``all`` (everything the scoping rule lets them see: a city also what it forwarded on, a
    province also what reached its cities). Emergencies first, then the oldest first."""
    items = ForwardedItem.objects.visible_to(user)
    if box != "all" and getattr(user, "region_id", None):
        items = items.filter(to_region_id=user.region_id)
    return (
        items.select_related("county", "from_region", "to_region")
        .only(*QUEUE_ROW_FIELDS)
        .order_by("urgency", "forwarded_at", "id")
    )


def pending_count(*, user) -> int:
    """What waits for ``user``'s unit: the home page's figure (one count on the queue index)."""
    if not getattr(user, "region_id", None):
        return 0
    return ForwardedItem.objects.visible_to(user).filter(to_region_id=user.region_id).pending().count()


def item_for_view(*, user, pk) -> ForwardedItem:
    """One item with what its page shows; ForwardedItem.DoesNotExist when ``user`` may not see it."""
    return (
        with_names(ForwardedItem.objects.visible_to(user), "forwarded_by", "decided_by")
        .select_related("county", "from_region", "to_region__parent")
        .get(pk=pk)
    )


def item_chain(*, user, item: ForwardedItem) -> list[ForwardedItem]:
    """Every forward of the same report that ``user`` may see, in order (county → city → province)."""
    return list(
        with_names(
            ForwardedItem.objects.visible_to(user).filter(report_id=item.report_id), "forwarded_by", "decided_by"
        )
        .select_related("county", "from_region", "to_region")
        .order_by("forwarded_at", "id")
    )


def item_attachments(*, item: ForwardedItem) -> list:
    """The original's attachments, when the county chose to forward them (the item is already scoped)."""
    if not item.with_attachments:
        return []
    return list(ReportAttachment.objects.filter(report_id=item.report_id).order_by("uploaded_at", "id"))


def report_forwards(*, user, report) -> list[ForwardedItem]:
    """A report's forwards, for its page at the county."""
    return list(
        ForwardedItem.objects.visible_to(user)
        .filter(report_id=report.pk)
        .select_related("to_region", "from_region")  # who decided is on the forward's own page
        .order_by("forwarded_at", "id")
    )


def forward_figures(*, user, county_ids, start, end) -> dict[int, dict]:
    """Per source county, of the forwards ``user`` may see made in [start, end): reports forwarded
    and adopted above (each report counted once however far it went), and those pending. One query."""
    rows = (
        ForwardedItem.objects.visible_to(user)
        .filter(county_id__in=county_ids, forwarded_at__gte=start, forwarded_at__lt=end)
        .order_by()
        .values("county_id")
        .annotate(
            forwarded=Count("report_id", distinct=True),
            adopted=Count("report_id", filter=Q(status=ForwardedItem.Status.ADOPTED), distinct=True),
            pending=Count("pk", filter=Q(status=ForwardedItem.Status.PENDING)),
        )
    )
    return {row["county_id"]: row for row in rows}


def instructions_received(*, user, county_ids, start: date, end: date) -> dict[int, int]:
    """Leader instructions (批示) received per source county in [start, end), all ranks together.
    ``county_ids`` are the counties ``user`` may see side by side (``counties_below``): one grouped
    query over the instructions of those counties."""
    counts = instruction_counts(county_ids=list(county_ids), start=start, end=end)
    return {county_id: sum(by_rank.values()) for county_id, by_rank in counts.items()}


def counties_below(*, user):
    """The counties whose figures ``user`` may see side by side (names and codes only)."""
    return County.objects.visible_to(user).select_related("region").order_by("code")
