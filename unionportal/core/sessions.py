"""Signed-in sessions: recorded at login, seen at most once a minute, ended through the session
store whichever engine keeps them (database or Redis), so an ended session is gone at once."""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .client_address import client_ip
from .models import UserSession

# How often a session's 最近活动 is written: at most once a minute, never on every request.
SEEN_EVERY = timedelta(seconds=60)
SEEN_KEY = "_seen"


def session_store_class():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_started(*, request, user) -> UserSession | None:
    """Record the session a login just made (its key exists once the login has cycled it)."""
    session = request.session
    if session.session_key is None:
        session.save()
    now = timezone.now()
    session[SEEN_KEY] = int(now.timestamp())
    row, _ = UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "ip_address": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "created_at": now,
            "last_seen": now,
        },
    )
    return row


def session_seen(*, request) -> None:
    """Note activity, at most once a minute (the stamp lives in the session itself)."""
    session = request.session
    if SEEN_KEY not in session:
        return  # a session no login page recorded: there is no row to update
    now = timezone.now()
    if now.timestamp() - session[SEEN_KEY] < SEEN_EVERY.total_seconds():
        return
    session[SEEN_KEY] = int(now.timestamp())
    if session.session_key:
        UserSession.objects.filter(session_key=session.session_key).update(last_seen=now)


def sessions_of(*, user):
    """The user's sessions that the store still holds (an expired one is dropped from the list)."""
    store = session_store_class()
    rows = list(UserSession.objects.filter(user=user).order_by("-last_seen", "-id"))
    alive, gone = [], []
    for row in rows:
        (alive if store().exists(row.session_key) else gone).append(row)
    if gone:
        UserSession.objects.filter(pk__in=[row.pk for row in gone]).delete()
    return alive


@transaction.atomic
def session_end(*, user_id: int, session_key: str) -> bool:
    """End one of the user's sessions; False when it is not theirs (or already gone)."""
    row = UserSession.objects.filter(user_id=user_id, session_key=session_key).first()
    if row is None:
        return False
    session_store_class()(session_key).delete()
    row.delete()
    return True


@transaction.atomic
def sessions_end_many(*, user_ids) -> int:
    """``sessions_end_all`` for many users at once (a bulk import stopping accounts): one query for
    their sessions and one to forget them; the store drops each session by its key."""
    user_ids = list(user_ids)
    if not user_ids:
        return 0
    store = session_store_class()
    rows = UserSession.objects.filter(user_id__in=user_ids)
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        store(key).delete()
    if keys:
        rows.delete()
    return len(keys)


def sessions_end_all(*, user_id: int, keep: str | None = None) -> int:
    """End every session of the user (but ``keep``): a stopped account, a reset second factor, a
    password reset. Returns how many were ended."""
    store = session_store_class()
    rows = UserSession.objects.filter(user_id=user_id)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        store(key).delete()
    rows.delete()
    return len(keys)
