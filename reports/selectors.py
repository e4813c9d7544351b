"""Reads of the reporting system: always through ``visible_to``, with a fixed number of queries."""

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Prefetch, Value, When
from django.utils import timezone

from . import rules
from .models import Notification, Report, ReviewEvent, Status, Urgency

COUNTED_STATUSES = (Status.SUBMITTED, Status.RETURNED, Status.REVIEWED)


def my_reports(*, user):
    return (
        Report.objects.visible_to(user)
        .filter(officer__user=user)
        .exclude(status=Status.WITHDRAWN)
        .select_related("township")
        .annotate(attachment_count=Count("attachments"))
        .order_by(Case(When(status=Status.DRAFT, then=Value(0)), default=Value(1)), "-submitted_at", "-id")
    )


def month_progress(*, officer, now=None) -> dict:
    """This Beijing month's reports against the quota and the tier they earn so far (one query)."""
    now = timezone.localtime(now or timezone.now())
    start, end = rules.month_bounds(now.year, now.month)
    grades = list(
        Report.objects.filter(officer=officer, status__in=COUNTED_STATUSES)
        .submitted_between(start, end)
        .values_list("grade", flat=True)
    )
    quota = settings.STIPEND_DEFAULT_QUOTA
    tier = rules.stipend_tier(grades=grades, quota=quota)
    valid = sum(1 for g in grades if g in rules.VALID_GRADES)
    return {
        "month": f"{now.year}年{now.month}月",
        "submitted": len(grades),
        "valid": valid,
        "pending": sum(1 for g in grades if g == "pending"),
        "quota": quota,
        "tier": tier,
        "amount": rules.stipend_amount(tier, settings.STIPEND_DEFAULT_AMOUNTS),
        "met": valid >= quota,
    }


def review_queue(*, user):
    """The county's reports for review: emergencies first, then the oldest first."""
    return (
        Report.objects.visible_to(user)
        .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
        .select_related("officer", "township")
        .annotate(
            attachment_count=Count("attachments"),
            urgency_rank=Case(
                When(urgency=Urgency.EMERGENCY, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            waiting_rank=Case(
                When(status=Status.SUBMITTED, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
        )
        .order_by("waiting_rank", "urgency_rank", "submitted_at", "id")
    )


def report_for_view(*, user, pk) -> Report:
    """One report with everything its page shows; Report.DoesNotExist when ``user`` may not see it."""
    return (
        Report.objects.visible_to(user)
        .select_related("officer", "county", "township", "enterprise", "reviewed_by")
        .prefetch_related(
            "attachments", Prefetch("review_events", queryset=ReviewEvent.objects.select_related("actor"))
        )
        .get(pk=pk)
    )


def unread_notifications(*, user) -> int:
    return Notification.objects.visible_to(user).unread().count()


def notifications(*, user):
    return Notification.objects.visible_to(user).select_related("report")


def pending_review_count(*, user) -> int:
    return Report.objects.visible_to(user).filter(status=Status.SUBMITTED).count()
