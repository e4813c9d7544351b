"""Reads of the registry: scoped through ``visible_to``, with their related rows in one query."""

from django.db.models import Count, Prefetch, Q

from .models import Officer, OfficerStatusChange, VettingNote


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


def officer_record(*, officer) -> dict:
    """The officer's page record: training, guidance, commendations, equipment, and month by month
    the reports and the stipend: a fixed handful of queries."""
    from django.db.models.functions import TruncMonth

    from reports.models import BudgetLine, Report, StipendSheetRow

    from .models import Attendance, Guidance

    months = (
        Report.objects.filter(officer=officer, status__in=["submitted", "returned", "reviewed"])
        .annotate(month=TruncMonth("submitted_at"))
        .order_by("-month")
        .values("month")
        .annotate(
            n=Count("pk"),
            valid=Count("pk", filter=Q(grade__in=["qualified", "county_adopted", "above_adopted"])),
            adopted=Count("pk", filter=Q(grade__in=["county_adopted", "above_adopted"])),
        )[:24]
    )
    stipends = {
        row.sheet.month: row
        for row in StipendSheetRow.objects.filter(officer=officer, sheet__state="approved").select_related("sheet")
    }
    history = []
    for row in months:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        paid = stipends.get(month.replace(day=1))
        history.append(
            {
                **row,
                "month": month,
                "tier": paid.get_tier_display() if paid else "",
                "amount": paid.amount if paid else None,
            }
        )
    return {
        "attendances": Attendance.objects.filter(officer=officer)
        .select_related("activity")
        .order_by("-activity__held_on")[:50],
        "guidance": Guidance.objects.filter(officer=officer)
        .select_related("given_by")
        .prefetch_related("suggestions")[:20],
        "commendations": officer.commendations.all(),
        "equipment": BudgetLine.objects.filter(officer=officer, kind=BudgetLine.Kind.EQUIPMENT).order_by("-spent_on"),
        "history": history,
    }
