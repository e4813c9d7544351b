"""Reads of events and leads: the lists, one event's chain, likely duplicates of a report, the
figures (open events, 续报 on time / late / missed) and the missed 续报 per officer."""

from datetime import datetime

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from officers.models import Officer
from officers.selectors import with_names

from .. import rules
from ..choices import COUNTED_STATUSES
from ..models import EntryKind, Event, EventEntry, EventState, MissedFollowup, Report

# Candidates read for the plain (non-PostgreSQL) similarity: the county's reports of one township
# within a fortnight are few; this bounds the work on a busy one.
FALLBACK_CANDIDATES = 200
DUPLICATES_SHOWN = 10
# What a likely duplicate shows and is judged by (``_with_reasons``): not its text, which the database
# compares without sending it.
DUPLICATE_ROW_FIELDS = (
    "county_id",
    "title",
    "submitted_at",
    "lead_id",
    "enterprise_id",
    "enterprise_name",
    "township_id",
    "officer__name",
    "township__name",
)


# What a row of the events list shows (report_tags.event_rows).
ROW_FIELDS = ("county_id", "title", "state", "opened_at", "next_due_at", "officer__name", "township__name")


def _count_of(queryset):
    """A correlated count, computed for the page's rows only (PostgreSQL evaluates it after the LIMIT),
    where a GROUP BY of the joined entries and missed rows counted every event of the county."""
    return Coalesce(Subquery(queryset.order_by().values("event").annotate(n=Count("pk")).values("n")), 0)


def event_list(*, user, state: str = ""):
    """The events ``user`` may see, open ones first (the soonest due on top), then the latest; the
    columns a row shows (``ROW_FIELDS``), its entries and its unanswered missed 续报 counted."""
    events = Event.objects.visible_to(user)
    if state in EventState.values:
        events = events.filter(state=state)
    return (
        events.select_related("officer", "township")
        .only(*ROW_FIELDS)
        .annotate(
            entry_count=_count_of(EventEntry.objects.filter(event=OuterRef("pk"))),
            missed_count=_count_of(MissedFollowup.objects.filter(event=OuterRef("pk"), answered_by__isnull=True)),
        )
        .order_by(F("next_due_at").asc(nulls_last=True), "-opened_at", "-id")
    )


def events_joinable(*, user):
    """The county's open events an officer may file a 续报 into: what names the incident only."""
    return (
        Event.objects.joinable_by(user)
        .select_related("township", "enterprise")
        .only("pk", "title", "opened_at", "next_due_at", "enterprise_name", "township__name", "enterprise__name")
        .order_by("-opened_at", "-id")
    )


def event_for_view(*, user, pk) -> Event:
    """One event with its chain, its 漏报 and its lead's reports; Event.DoesNotExist when ``user`` may
    not see it."""
    return (
        Event.objects.visible_to(user)
        .select_related("officer", "county", "township", "enterprise", "merged_into")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=with_names(EventEntry.objects, "recorded_by")
                .select_related("officer", "report")
                .order_by("reported_at", "id"),
            ),
            # The page asks only whether each was answered, not by which entry.
            Prefetch("missed", queryset=MissedFollowup.objects.order_by("due_at")),
        )
        .get(pk=pk)
    )


def lead_reports(*, user, event: Event) -> list[Report]:
    """The source reports merged into the event's lead (the first report first), as ``user`` may see
    them; empty when the event has no lead."""
    return list(
        Report.objects.visible_to(user)
        .filter(lead__event=event)
        .select_related("officer")
        .order_by(F("merged_at").asc(nulls_first=True), "submitted_at", "id")
    )


def entry_for_officer(*, user, pk) -> EventEntry:
    return EventEntry.objects.visible_to(user).select_related("event").get(pk=pk, officer__user=user)


def my_events(*, user):
    """The events an officer reported into (opened, or filed a 续报/终报 or a phone report for)."""
    return event_list(user=user).filter(Q(officer__user=user) | Q(entries__officer__user=user)).distinct()


def _with_reasons(report: Report, rows) -> list[Report]:
    """Mark each candidate with why it looks like the same incident."""
    found = []
    for row in rows:
        reasons = []
        if report.enterprise_id and row.enterprise_id == report.enterprise_id:
            reasons.append("同一企业")
        elif report.enterprise_name and row.enterprise_name.strip() == report.enterprise_name.strip():
            reasons.append("同一企业")
        same_township = report.township_id is not None and row.township_id == report.township_id
        if same_township and getattr(row, "similarity", 0) >= rules.DUPLICATE_SIMILARITY:
            reasons.append(f"内容相似（同一镇区，相似度 {row.similarity:.0%}）")
        if reasons:
            row.reasons = reasons
            found.append(row)
    return found[:DUPLICATES_SHOWN]


def likely_duplicates(*, user, report: Report) -> list[Report]:
    """Reports that look like the same incident: the same enterprise within 7 days, or similar text in
    the same township within 7 days (trigram similarity on PostgreSQL via pg_trgm; a plain character
    trigram comparison elsewhere). Scoped; not the report itself nor its own lead's reports."""
    if report.submitted_at is None:
        return []
    text = f"{report.title} {report.content}"
    candidates = (
        Report.objects.visible_to(user)
        .filter(
            county_id=report.county_id,
            status__in=COUNTED_STATUSES,
            submitted_at__gte=report.submitted_at - rules.DUPLICATE_WINDOW,
            submitted_at__lte=report.submitted_at + rules.DUPLICATE_WINDOW,
        )
        .exclude(pk=report.pk)
        .select_related("officer", "township")
    )
    if report.lead_id:
        candidates = candidates.exclude(lead_id=report.lead_id)
    same_enterprise = Q(pk__in=[])
    if report.enterprise_id:
        same_enterprise = Q(enterprise_id=report.enterprise_id)
    elif report.enterprise_name.strip():
        same_enterprise = Q(enterprise_name=report.enterprise_name.strip())
    same_township = Q(township_id=report.township_id) if report.township_id else Q(pk__in=[])
    if connection.vendor == "postgresql":
        rows = (
            candidates.only(*DUPLICATE_ROW_FIELDS)
            .annotate(
                similarity=TrigramSimilarity(Concat("title", Value(" "), "content", output_field=TextField()), text)
            )
            .filter(same_enterprise | (same_township & Q(similarity__gte=rules.DUPLICATE_SIMILARITY)))
            .order_by("-similarity", "-submitted_at")[:DUPLICATES_SHOWN]
        )
        return _with_reasons(report, rows)
    rows = list(candidates.filter(same_enterprise | same_township).order_by("-submitted_at")[:FALLBACK_CANDIDATES])
    for row in rows:
        row.similarity = rules.text_similarity(text, f"{row.title} {row.content}")
    rows.sort(key=lambda r: (-r.similarity, -r.submitted_at.timestamp()))
    return _with_reasons(report, rows)


def merge_targets(*, user, report: Report):
    """The county's open and recent events a report may be merged into (the report's own excluded)."""
    events = Event.objects.visible_to(user).filter(county_id=report.county_id).exclude(state=EventState.MERGED)
    # A report is an entry of one event at most: its own, read with it on its page (report_for_view),
    # is left out by its id rather than by a subquery on every event's entries.
    entry = getattr(report, "event_entry", None)
    if entry is not None:
        events = events.exclude(pk=entry.event_id)
    shown = events.only("title", "state", "opened_at")  # what report_tags.merge_event_options shows
    return shown.order_by(F("next_due_at").asc(nulls_last=True), "-opened_at")[:20]


# ---- figures ------------------------------------------------------------------------------------


def event_figures(*, county_ids, start: datetime, end: datetime, now: datetime | None = None) -> dict:
    """Events open at the period's end (or now, for a period not yet over); events opened and closed
    in [start, end); 续报 reported in it on time and late; 漏报 (due times in it never answered).
    Three aggregate queries whatever the data size."""
    now = now or timezone.now()
    as_of = min(end, now)
    events = Event.objects.filter(county_id__in=county_ids)
    still_open = (
        Q(opened_at__lt=as_of) & ~Q(state=EventState.MERGED) & (Q(closed_at__isnull=True) | Q(closed_at__gte=as_of))
    )
    counts = events.aggregate(
        open=Count("pk", filter=still_open),
        opened=Count("pk", filter=Q(opened_at__gte=start, opened_at__lt=end)),
        closed=Count("pk", filter=Q(state=EventState.CLOSED, closed_at__gte=start, closed_at__lt=end)),
    )
    followups = EventEntry.objects.filter(
        event__county_id__in=county_ids, kind=EntryKind.FOLLOWUP, reported_at__gte=start, reported_at__lt=end
    ).aggregate(
        followups_on_time=Count("pk", filter=Q(on_time=True)), followups_late=Count("pk", filter=Q(on_time=False))
    )
    missed = MissedFollowup.objects.filter(
        county_id__in=county_ids, due_at__gte=start, due_at__lt=min(end, now), answered_by__isnull=True
    ).count()
    return {**counts, **followups, "missed": missed}


def events_missed_followups(county_id: int, start: datetime, end: datetime) -> dict[int, int]:
    """Missed 续报 (漏报) per officer whose due time fell in [start, end): {officer id: count}. A 续报
    filed late answers its due time (迟报) and is not counted here. One grouped query."""
    return dict(
        MissedFollowup.objects.filter(county_id=county_id, due_at__gte=start, due_at__lt=end, answered_by__isnull=True)
        .order_by()
        .values_list("officer_id")
        .annotate(n=Count("pk"))
        .values_list("officer_id", "n")
    )


def event_officer_choices(*, user, event: Event):
    """The county's officers staff may record a phone report for."""
    return Officer.objects.visible_to(user).filter(county_id=event.county_id).order_by("name")
