"""An object's page reads only the lists that have rows.

A page of one object (a report, a dispute case) shows a dozen lists of it, most of them empty for most
objects. Reading each list is a query of its own, built by the ORM on every request, found empty. Instead
the object's own query says which lists have rows (:func:`filled_flags`, an EXISTS each on the list's
index), and :func:`prefetch_filled` reads only those, leaving the others empty without a query."""

from django.db.models import Exists, OuterRef, prefetch_related_objects


def filled_flags(**rows) -> dict:
    """``has_<name>`` annotations: whether the object has rows in ``rows[name]``, a function of the
    object's key (an ``OuterRef``) giving the list's queryset."""
    return {f"has_{name}": Exists(of(OuterRef("pk"))) for name, of in rows.items()}


def is_filled(instance, name: str) -> bool:
    """Whether ``instance`` (read with :func:`filled_flags`) has rows in its list ``name``; True when
    it was read without the flag, so a caller falls back to reading the list."""
    return getattr(instance, f"has_{name}", True)


def prefetch_filled(instance, lookups: dict) -> None:
    """Prefetch on ``instance`` each related list of ``lookups`` (its name: its prefetch lookup) that
    its ``has_<name>`` flag says has rows; the others answer ``.all()`` with [] without a query, as
    Django leaves a prefetch that found nothing (an empty ``Prefetch`` would still build its query)."""
    prefetch_related_objects([instance], *(lookup for name, lookup in lookups.items() if is_filled(instance, name)))
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    for name in lookups:
        if not is_filled(instance, name):
            rows = getattr(instance, name).get_queryset()
            rows._result_cache, rows._prefetch_done = [], True
            cache[name] = rows
