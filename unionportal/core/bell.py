"""The bell's unread count, kept per user in the cache so a signed-in page does not count it.

Every write of a notification forgets the count of the users it concerns (``bell_forget``): the
Notification model and its QuerySet call it on save, delete, update and bulk_create, now and once the
transaction commits (a page that counted between the two would otherwise keep a count from before).
The entry also expires after ``BELL_CACHE_SECONDS``, which bounds any race left (a count read before
a commit and written to the cache after it).
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

NOT_READ = object()  # a session read the bell's entry with it, or not (core.session_store)
_forgotten = 0  # how many times this process forgot counts: a count read before is not used after


def forgotten() -> int:
    return _forgotten


def bell_key(user_id) -> str:
    return f"unionportal:bell:{user_id}"


def bell_timeout() -> int:
    return getattr(settings, "BELL_CACHE_SECONDS", 300)


def bell_forget(user_ids) -> None:
    keys = [bell_key(pk) for pk in set(user_ids) if pk is not None]
    if not keys:
        return
    _forget(keys)
    transaction.on_commit(lambda: _forget(keys))


def _forget(keys) -> None:
    global _forgotten
    _forgotten += 1
    try:
        cache.delete_many(keys)
    except Exception:  # a cache that is down holds nothing that could be read either
        logger.warning("bell cache unavailable", exc_info=True)


def bell_cached(user_id):
    """The cached count, or None (none kept, or the cache cannot be reached)."""
    try:
        return cache.get(bell_key(user_id))
    except Exception:
        logger.warning("bell cache unavailable", exc_info=True)
        return None


def bell_keep(user_id, count: int) -> None:
    try:
        cache.set(bell_key(user_id), count, timeout=bell_timeout())
    except Exception:
        logger.warning("bell cache unavailable", exc_info=True)
