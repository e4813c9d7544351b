"""An officer's record page: training, guidance, commendations, equipment, and month by month the
reports and the stipend."""

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from officers.models import Attendance, Guidance

from ..models import (
    ADOPTED_GRADES,
    COUNTED_STATUSES,
    VALID_GRADES,
    BudgetLine,
    Report,
    StipendSheet,
    StipendSheetRow,
)


def officer_record(*, officer) -> dict:
    """The officer's page record: training, guidance, commendations, equipment, and month by month
    the reports and the stipend: a fixed handful of queries."""
    months = (
        Report.objects.filter(officer=officer, status__in=COUNTED_STATUSES)
        .annotate(month=TruncMonth("submitted_at"))
        .order_by("-month")
        .values("month")
        .annotate(
            n=Count("pk"),
            valid=Count("pk", filter=Q(grade__in=VALID_GRADES)),
            adopted=Count("pk", filter=Q(grade__in=ADOPTED_GRADES)),
        )[:24]
    )
    stipends = {
        row.sheet.month: row
        for row in StipendSheetRow.objects.filter(
            officer=officer, sheet__state=StipendSheet.State.APPROVED
        ).select_related("sheet")
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
