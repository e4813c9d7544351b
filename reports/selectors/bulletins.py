"""Reads of bulletins and leader instructions: always through ``visible_to``, counts in the database."""

from datetime import date, datetime

from django.db.models import Count, Prefetch, Q

from ..models import BulletinIssue, BulletinItem, FollowUp, Instruction, Publication


def publications_for(*, user):
    """The publications a staff member sees, with their issue counts (two aggregates, one query)."""
    return (
        Publication.objects.visible_to(user)
        .select_related("county", "region")
        .annotate(
            signed_count=Count("issues", filter=Q(issues__state=BulletinIssue.State.SIGNED)),
            draft_count=Count("issues", filter=Q(issues__state=BulletinIssue.State.DRAFT)),
        )
        .order_by("region__code", "county__code", "name")
    )


def issues_of(*, user, publication):
    return (
        BulletinIssue.objects.visible_to(user)
        .filter(publication=publication)
        .annotate(item_count=Count("items"))
        .order_by("-year", "state", "-number", "-created_at")
    )


def issue_for_view(*, user, pk) -> BulletinIssue:
    """Raises BulletinIssue.DoesNotExist outside the user's scope."""
    return (
        BulletinIssue.objects.visible_to(user)
        .select_related("publication__county", "publication__region")  # the signer is the issue's own text
        .prefetch_related(
            Prefetch("items", queryset=BulletinItem.objects.select_related("report").order_by("position", "pk"))
        )
        .get(pk=pk)
    )


def issue_by_number(*, unit, year: int, number: int, publication_name: str | None = None):
    """The signed or unsigned issue N of a year of a unit's publication, for the ``bulletin`` command
    (the operator's: no user scope). Returns (issue or None, problem or None)."""
    unit_filter = {"county": unit} if unit._meta.model_name == "county" else {"region": unit}
    publications = Publication.objects.filter(**unit_filter)
    if publication_name:
        publications = publications.filter(name=publication_name)
    publications = list(publications)
    if not publications:
        named = f"《{publication_name}》" if publication_name else "刊物"
        return None, f"{unit.name}没有{named}"
    if len(publications) > 1:
        names = "、".join(f"《{p.name}》" for p in publications)
        return None, f"{unit.name}有多种刊物（{names}），请用 --publication 指定"
    issue = (
        BulletinIssue.objects.filter(publication=publications[0], year=year, number=number)
        .select_related("publication__county", "publication__region")
        .first()
    )
    if issue is None:
        return None, f"《{publications[0].name}》{year}年第{number}期不存在（期号在签发时编定）"
    return issue, None


def signed_issues_for(*, user, limit: int = 5):
    """The latest signed issues a staff member may read (their unit's and those from above)."""
    return (
        BulletinIssue.objects.visible_to(user)
        .filter(state=BulletinIssue.State.SIGNED)
        .select_related("publication__county", "publication__region")
        .order_by("-signed_at")[:limit]
    )


# ---- instructions --------------------------------------------------------------------------------


def instructions_for(*, user):
    return (
        Instruction.objects.visible_to(user)
        .select_related("county", "report", "follow_up__owner", "bulletin_item__issue__publication")
        .order_by("-given_on", "-pk")
    )


# What a line of the instruction list shows: not the report's or the instruction's text, nor the
# owner's account beyond their name.
INSTRUCTION_ROW_FIELDS = (
    "leader",
    "rank",
    "given_on",
    "county__name",
    "report__title",
    "follow_up__due_on",
    "follow_up__feedback_at",
    "follow_up__owner__full_name",
    "follow_up__owner__username",
)


def instruction_rows(*, user):
    """The instruction list (领导批示): the unit's instructions and its counties', newest first, with the
    columns a line shows (``INSTRUCTION_ROW_FIELDS``)."""
    return (
        Instruction.objects.visible_to(user)
        .select_related("county", "report", "follow_up__owner")
        .only(*INSTRUCTION_ROW_FIELDS)
        .order_by("-given_on", "-pk")
    )


def open_follow_ups(*, user):
    """The follow-ups a person owns and has not yet reported back on: their home page's list."""
    return (
        FollowUp.objects.filter(owner=user, feedback_at__isnull=True)
        .select_related("instruction__report", "instruction__county")
        .order_by("due_on", "pk")
    )


# What a dashboard's line of an overdue follow-up shows: not the report's or the instruction's text.
OVERDUE_ROW_FIELDS = (
    "due_on",
    "instruction__county__name",
    "instruction__report__title",
    "owner__full_name",
    "owner__username",
)


def overdue_follow_ups(*, user, today: date):
    """Overdue follow-ups the user's unit and the units below it must answer for (a county's, and on a
    city's dashboard its counties'): the columns the dashboards' lines show."""
    return (
        FollowUp.objects.visible_to(user)
        .overdue(today)
        .select_related("instruction__county", "owner", "instruction__report")
        .only(*OVERDUE_ROW_FIELDS)
        .order_by("due_on", "pk")
    )


def instruction_counts(*, county_ids, start: datetime | date, end: datetime | date) -> dict[int, dict[str, int]]:
    """Instructions received per county, by rank, given in [start, end): {county_id: {rank: n}}.
    One aggregate query; for the dashboards and the points table (积分 by instruction rank)."""
    counts: dict[int, dict[str, int]] = {county_id: {} for county_id in county_ids}
    rows = (
        Instruction.objects.filter(county_id__in=county_ids, given_on__gte=_day(start), given_on__lt=_day(end))
        .order_by()
        .values_list("county_id", "rank")
        .annotate(n=Count("pk"))
    )
    for county_id, rank, n in rows:
        counts.setdefault(county_id, {})[rank] = n
    return counts


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def month_instructions(*, county, start: date, end: date, today: date) -> list[dict]:
    """The month's instructions of a county and their state, for the monthly summary."""
    rows = (
        Instruction.objects.filter(county=county, given_on__gte=start, given_on__lt=end)
        .select_related("report", "follow_up__owner")
        .order_by("given_on", "pk")
    )
    result = []
    for instruction in rows:
        follow_up = getattr(instruction, "follow_up", None)
        result.append(
            {
                "title": instruction.report.title,
                "leader": instruction.leader,
                "rank": instruction.get_rank_display(),
                "given_on": instruction.given_on,
                "owner": follow_up.owner.get_full_name() if follow_up else "",
                "due_on": follow_up.due_on if follow_up else None,
                "state": follow_up.state_label(today) if follow_up else "",
            }
        )
    return result
