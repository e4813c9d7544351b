"""Figures shared through the cache for a few minutes (``DASHBOARD_CACHE_SECONDS``): counts over a
year of a county or a whole province cost hundreds of milliseconds, and everyone of the same unit
sees the same ones. Only figures are kept, never a rendered page; a cache that cannot be reached
costs only the recomputation."""

import logging
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)


def shared_figures(key: str, compute: Callable[[], object], *, refresh: bool = False) -> tuple[object, datetime]:
    """(``compute()``, when it was computed), read from the cache under ``key`` when there, else
    computed and kept. ``refresh`` computes them now and keeps the new ones."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    kept = None
    if seconds > 0 and not refresh:
        try:
            kept = cache.get(key)
        except Exception:  # the cache server is down: compute the figures as if nothing were kept
            logger.warning("figure cache unavailable", exc_info=True)
    if kept is None:
        kept = (compute(), timezone.now())
        if seconds > 0:
            try:
                cache.set(key, kept, seconds)
            except Exception:
                logger.warning("figure cache unavailable", exc_info=True)
    return kept
