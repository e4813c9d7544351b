"""The in-app bell: reading and marking notifications."""

from django.utils import timezone

from .bell import NOT_READ, bell_cached, bell_keep
from .models import Notification


def unread_notifications(*, user, session=None) -> int:
    """The bell's number: from the user's cache entry, counted (and kept) when there is none. Every
    write of a notification forgets the entry (``bell.bell_forget``). A ``session`` that read the
    entry along with itself (``core.session_store``) saves reading it again."""
    if user is None or not user.is_authenticated:
        return 0
    prefetched = getattr(session, "prefetched_bell", None)
    count = prefetched(user.pk) if prefetched is not None else NOT_READ
    if count is NOT_READ:
        count = bell_cached(user.pk)
    if count is None:
        count = Notification.objects.visible_to(user).unread().count()
        bell_keep(user.pk, count)
    return count


def notifications(*, user):
    return Notification.objects.visible_to(user).select_related("report")


def notifications_mark_read(*, user, report=None) -> int:
    """Mark the user's unread notifications read: all of them, or those about ``report``. A user whose
    bell shows nothing unread has nothing to mark: no statement is sent."""
    if unread_notifications(user=user) == 0:
        return 0
    qs = Notification.objects.visible_to(user).unread()
    if report is not None:
        qs = qs.filter(report=report)
    return qs.update(read_at=timezone.now())
