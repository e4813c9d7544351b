"""Reads of the registry: scoped through ``visible_to``, with their related rows in one query."""

from datetime import date

from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf, TruncDate

from unionportal.core.clock import BEIJING, month_bounds, month_last_day
from unionportal.core.models import AuditEntry

from . import rules
from .models import DeadlineSetting, Officer, OfficerStatusChange, VettingNote, WorkCalendarDay
from .scoping import apply_scope

# What ``User.get_full_name`` reads: a page that names an account (an author, a handler, a recorder)
# reads these columns of it, not the password hash and the rest of its row.
NAME_FIELDS = ("full_name", "username")


def with_names(queryset, *accounts: str):
    """``queryset`` with each foreign key to an account in ``accounts`` joined for the account's name
    only (:data:`NAME_FIELDS`); the queryset's own model keeps all its columns."""
    own = [field.name for field in queryset.model._meta.concrete_fields]
    names = [f"{account}__{name}" for account in accounts for name in NAME_FIELDS]
    return queryset.select_related(*accounts).only(*own, *names)


def officer_list(*, user):
    return Officer.objects.visible_to(user).select_related("county", "township", "employer")


def officer_detail(*, user, pk):
    """The officer ``pk`` if ``user`` may see them; raises Officer.DoesNotExist (→ 404) otherwise."""
    return (
        Officer.objects.visible_to(user)
        .select_related("county", "township", "employer", "user")
        .prefetch_related(
            Prefetch("status_changes", queryset=with_names(OfficerStatusChange.objects, "changed_by")),
            Prefetch("vetting_notes", queryset=with_names(VettingNote.objects, "author")),
        )
        .get(pk=pk)
    )


def officer_of_user(*, user):
    """The user's own officer record, with what their home page shows; kept on the user, so the
    scoping rule's look-up of ``user.officer`` that follows costs no second query."""
    # One row (a user has at most one officer): not sorted by the registry's order, which joined
    # and sorted by the county's code for nothing.
    officer = (
        Officer.objects.visible_to(user)
        .select_related("county", "township", "employer")
        .filter(user=user)
        .order_by()
        .first()
    )
    if officer is not None:
        user.officer = officer
    return officer


def officer_counts(*, queryset) -> dict:
    """Counts by 人员类别, 重点群体 and status over ``queryset``, in the database: three small queries."""

    def tally(field, choices):
        counted = dict(queryset.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
        return [(value, label, counted.get(value, 0)) for value, label in choices]

    by_status = tally("status", Officer.Status.choices)
    return {
        "total": sum(n for _, _, n in by_status),
        "by_category": tally("category", Officer.Category.choices),
        "by_key_group": tally("key_group", Officer.KeyGroup.choices),
        "by_status": by_status,
    }


def county_overview(*, user) -> dict:
    """Headline figures of the staff home page, one aggregate query."""
    return Officer.objects.visible_to(user).aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status=Officer.Status.ACTIVE)),
        candidates=Count("pk", filter=Q(status=Officer.Status.CANDIDATE)),
        new_form=Count("pk", filter=Q(category=Officer.Category.NEW_FORM, status=Officer.Status.ACTIVE)),
    )


def audit_log(*, user):
    """The audit log through the scoping rule: admins read their county's, the audit administrator
    (审计管理员) the whole installation's, nobody else any of it."""
    if getattr(user, "is_audit_admin", False):
        return AuditEntry.objects.all()
    return apply_scope(AuditEntry.objects.all(), user, county="county", admins_only=True)


# ---- who served in a month (contract section 3) -------------------------------------------------


def officers_active_in_month(*, county_id=None, month: date, county_ids=None) -> QuerySet:
    """The county's officers who were 在岗 on at least one day of ``month`` (contract section 3): the
    stipend sheet's rows, and the officers expected to report in the monthly notice.

    An officer counts when their 聘任日期 is empty or on or before the month's last day, and they were
    在岗 at the month's start (00:00 of its first Beijing day) or became 在岗 at some change of status
    within the month. The status at the start is the last change at or before it; before the first change
    the portal recorded, the status that change shows as held before it (a registration row shows
    none, so its new status); an officer without any history row, their present status. 候选 never
    counts, being no 在岗. One query, lazy: two correlated subqueries on the (officer, changed_at)
    index and an EXISTS on the same index, so its cost follows the county's officers, not the history.
    ``county_ids`` instead of ``county_id``: the officers of several counties at once (a city's
    ranking of its counties), by the same rule.
    """
    start, end = month_bounds(month.year, month.month)
    history = OfficerStatusChange.objects.filter(officer=OuterRef("pk")).order_by()
    before = history.filter(changed_at__lte=start).order_by("-changed_at", "-id")  # a change at 00:00 holds then
    first = history.order_by("changed_at", "id")
    status_at_start = Coalesce(
        Subquery(before.values("to_status")[:1]),
        Subquery(first.annotate(held=Coalesce(NullIf("from_status", Value("")), "to_status")).values("held")[:1]),
        F("status"),
    )
    became_active = history.filter(changed_at__gte=start, changed_at__lt=end, to_status=Officer.Status.ACTIVE)
    return (
        (
            Officer.objects.filter(county_id__in=county_ids)
            if county_ids is not None
            else Officer.objects.filter(county_id=county_id)
        )
        .filter(Q(appointed_on__isnull=True) | Q(appointed_on__lte=month_last_day(month)))
        .alias(status_at_start=status_at_start)
        .filter(Q(status_at_start=Officer.Status.ACTIVE) | Exists(became_active))
    )


def county_first_month(*, county_id) -> date | None:
    """The month of the county's first officer: the earliest of their 聘任日期 (their registration day
    in the portal when it is empty); None while the county has no officer. One aggregate query."""
    first = Officer.objects.filter(county_id=county_id).aggregate(
        first=Min(Coalesce("appointed_on", TruncDate("created_at", tzinfo=BEIJING)))
    )["first"]
    return first.replace(day=1) if first else None


# ---- the clock of deadlines ------------------------------------------------------------------------


def deadline_terms(*, county_id: int, on: date) -> rules.DeadlineTerms:
    """The county's deadlines in force on ``on`` (DeadlineSetting), or the defaults."""
    setting = DeadlineSetting.objects.in_force(county_id=county_id, on=on)
    return setting.terms() if setting is not None else rules.DeadlineTerms()


def work_calendar(*, start: date, end: date) -> dict:
    """{day: is_workday} of the days in [start, end] that differ from the ordinary week."""
    return dict(WorkCalendarDay.objects.filter(day__gte=start, day__lte=end).values_list("day", "is_workday"))


def risk_deadlines(*, county_id: int, level: str, start, terms: rules.DeadlineTerms | None = None):
    """(response due, handling due) of a risk of ``level`` raised at ``start`` in the county, by the
    county's terms in force that day: two queries (the terms, the calendar when counted in working days)."""
    terms = terms or deadline_terms(county_id=county_id, on=start.astimezone(BEIJING).date())
    hours, days = terms.response_hours(level), terms.handling_days(level)
    calendar = {}
    if terms.working_days:
        first, last = rules.working_calendar_span(start, hours=hours, days=days)
        calendar = work_calendar(start=first, end=last)
    response = rules.deadline_after(start, hours=hours, working=terms.working_days, calendar=calendar)
    handling = rules.deadline_after(start, days=days, working=terms.working_days, calendar=calendar)
    return response, handling
