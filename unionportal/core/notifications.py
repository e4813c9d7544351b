"""The in-app bell: reading and marking notifications."""

from django.utils import timezone

from .models import Notification


def unread_notifications(*, user) -> int:
    return Notification.objects.visible_to(user).unread().count()


def notifications(*, user):
    return Notification.objects.visible_to(user).select_related("report")


def notifications_mark_read(*, user, report=None) -> int:
    """Mark the user's unread notifications read: all of them, or those about ``report``."""
    qs = Notification.objects.visible_to(user).unread()
    if report is not None:
        qs = qs.filter(report=report)
    return qs.update(read_at=timezone.now())
