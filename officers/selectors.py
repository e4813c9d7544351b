"""Reads of the registry: scoped through ``visible_to``, with their related rows in one query."""

from django.db.models import Count, Prefetch, Q

from unionportal.core.models import AuditEntry

from .models import Officer, OfficerStatusChange, VettingNote
from .scoping import apply_scope


def officer_list(*, user):
    return Officer.objects.visible_to(user).select_related("county", "township", "employer")


def officer_detail(*, user, pk):
    """The officer ``pk`` if ``user`` may see them; raises Officer.DoesNotExist (→ 404) otherwise."""
    return (
        Officer.objects.visible_to(user)
        .select_related("county", "township", "employer", "user")
        .prefetch_related(
            Prefetch("status_changes", queryset=OfficerStatusChange.objects.select_related("changed_by")),
            Prefetch("vetting_notes", queryset=VettingNote.objects.select_related("author")),
        )
        .get(pk=pk)
    )


def officer_of_user(*, user):
    """The user's own officer record, with what their home page shows; kept on the user, so the
    scoping rule's look-up of ``user.officer`` that follows costs no second query."""
    officer = (
        Officer.objects.visible_to(user).select_related("county", "township", "employer").filter(user=user).first()
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
    """The audit log through the scoping rule: admins read their county's, nobody else any of it."""
    return apply_scope(AuditEntry.objects.all(), user, county="county", admins_only=True)
