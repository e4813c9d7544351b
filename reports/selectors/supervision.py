"""Reads of risk levels and supervision items: scoped through ``visible_to``, most urgent first, counts
in the database, a fixed number of queries whatever the number of items."""

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, IntegerField, Prefetch, Value, When

from officers.selectors import with_names
from unionportal.core.prefetching import is_filled

from .. import rules
from ..models import (
    RiskAssessment,
    SupervisionColour,
    SupervisionExtension,
    SupervisionItem,
    SupervisionLog,
    SupervisionState,
)

HOME_ITEMS_SHOWN = 10
# What a row of the list (and of the staff home's panel) shows: not the subject (report, case or
# event), whose columns were four fifths of the list's query, nor the owner's account beyond a name.
ROW_FIELDS = (
    "county_id",
    "kind",
    "title",
    "owner__full_name",
    "owner__username",
    "due_at",
    "state",
    "colour",
    "closed_at",
)


def _rank():
    return Case(
        *(When(colour=colour, then=Value(rank)) for colour, rank in rules.COLOUR_RANK.items()),
        default=Value(9),
        output_field=IntegerField(),
    )


def supervision_list(*, user, state: str = SupervisionState.OPEN, colour: str = "", kind: str = "", mine=False):
    """The county's items, most urgent first: red, yellow, blue, then the rest, each by due date; the
    columns a row shows (``ROW_FIELDS``)."""
    items = SupervisionItem.objects.visible_to(user).select_related("owner").only(*ROW_FIELDS)
    if state in SupervisionState.values:
        items = items.filter(state=state)
    if colour in SupervisionColour.values:
        items = items.filter(colour=colour)
    if kind in SupervisionItem.Kind.values:
        items = items.filter(kind=kind)
    if mine:
        items = items.filter(owner=user)
    return items.annotate(rank=_rank()).order_by("rank", "due_at", "pk")


def colour_counts(*, user) -> dict[str, int]:
    """Open items by colour (every colour present, 0 when none), one query."""
    counts = dict.fromkeys(SupervisionColour.values, 0)
    rows = SupervisionItem.objects.visible_to(user).open().order_by().values("colour").annotate(n=Count("pk"))
    counts.update({row["colour"]: row["n"] for row in rows})
    return counts


def supervision_home(*, user, limit: int = HOME_ITEMS_SHOWN) -> dict:
    """The staff home's panel: counts by colour and the most urgent open items. Two queries."""
    counts = colour_counts(user=user)
    return {
        "counts": [(colour, label, counts[colour]) for colour, label in SupervisionColour.choices],
        "total": sum(counts.values()),
        "items": list(supervision_list(user=user)[:limit]),
    }


def supervision_detail(*, user, pk: int) -> SupervisionItem:
    """SupervisionItem.DoesNotExist for another county's item, or for an officer."""
    return (
        with_names(SupervisionItem.objects.visible_to(user), "owner", "opened_by", "closed_by")
        .select_related("county", "report", "case", "event")
        .prefetch_related(
            Prefetch("logs", queryset=with_names(SupervisionLog.objects, "actor")),
            Prefetch("extensions", queryset=with_names(SupervisionExtension.objects, "requested_by", "decided_by")),
        )
        .get(pk=pk)
    )


def risk_history(*, user, **subject) -> list[RiskAssessment]:
    """Every level the subject had, newest first (``report=…``, ``event=…`` or ``case=…``); empty for officers."""
    return list(with_names(RiskAssessment.objects.visible_to(user).filter(**subject), "set_by"))


def subject_items(*, user, **subject) -> list[SupervisionItem]:
    """The subject's open supervision items (closed ones are on the supervision list)."""
    return list(
        with_names(SupervisionItem.objects.visible_to(user).open().filter(**subject), "owner").order_by("due_at")
    )


def risk_panel(*, user, **subject) -> dict:
    """The risk panel of a subject's page (``report=…``, ``event=…`` or ``case=…``): its levels and
    open supervision items, each read only where the subject, read with core.prefetching's flags
    ``risks`` and ``supervision_items``, has some; a subject read without them has both read."""
    (shown,) = subject.values()
    return {
        "risk_history": risk_history(user=user, **subject) if is_filled(shown, "risks") else [],
        "supervision_items": subject_items(user=user, **subject) if is_filled(shown, "supervision_items") else [],
    }


def owner_choices(*, county_id: int):
    """Who may own an item: the county's active reviewers and admins."""
    User = get_user_model()
    return User.objects.filter(
        county_id=county_id, role__in=[User.Role.REVIEWER, User.Role.ADMIN], is_active=True
    ).order_by("full_name", "pk")
