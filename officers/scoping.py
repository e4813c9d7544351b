"""Who may see what: the one unit/owner scoping rule that every query goes through.

Each model's QuerySet has ``visible_to(user)``, which calls :func:`apply_scope` with the paths from
that model to its county, to the region (a unit above the county) it belongs to, and to its owner's
account. Views and admin classes only ever call ``Model.objects.visible_to(request.user)``; none of
them filters by unit on its own.

The unit tree is province → city → county. Staff belong to one unit:
- county staff see their county's rows;
- staff of a city or province (a *region*) see the rows that belong to their region or a region
  below it (``region=``), and never a county's own rows (an officer's reports, the registry, money),
  unless a model says those may be seen from above (``county_below=``: the list of counties itself);
- rows published by a unit above (``region_above=``, a city's bulletin) reach the staff of every
  unit below it;
- an officer sees what they own; a superuser without a unit sees everything.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Scope:
    all_counties: bool = False
    county_id: int | None = None
    region_id: int | None = None  # staff of a city or province
    user_id: int | None = None  # an officer: only what they own
    user: object = field(default=None, repr=False, compare=False)

    @property
    def own_county_id(self) -> int | None:
        """An officer's county, for the shared lists they pick from: looked up only when one is asked
        for, so scoping what an officer owns costs no query for their officer record."""
        officer = getattr(self.user, "officer", None) if self.user_id is not None else None
        return officer.county_id if officer is not None else None

    @property
    def region_ids(self) -> tuple[int, ...]:
        """A region's staff: their region and the regions below it."""
        if self.region_id is None:
            return ()
        return self.user.region.subtree_ids()

    @property
    def regions_above(self) -> tuple[int, ...]:
        """The regions above the staff member's own unit (whose publications reach them)."""
        if self.county_id is not None:
            return self.user.county.ancestor_ids() if self.user is not None else ()
        if self.region_id is not None:
            return self.user.region.ancestor_ids()
        return ()

    @property
    def is_empty(self) -> bool:
        return not self.all_counties and self.county_id is None and self.region_id is None and self.user_id is None


UNKNOWN = object()  # loaded_officer: the officer record was not read with the account


def loaded_officer(user):
    """The officer record of ``user`` when it was read with the account: officers.backends reads it
    with every request's user, and Django keeps it on an account an officer was saved with. None for
    an account that has none; :data:`UNKNOWN` when it was not read, so that a caller asks the
    database in its own query rather than spending one here."""
    related = getattr(getattr(type(user), "officer", None), "related", None)
    if related is None or not related.is_cached(user):
        return UNKNOWN
    return related.get_cached_value(user)


def scope_for(user) -> Scope:
    """The user's scope, worked out once per user object (a request's user): kept on the object with
    what it was worked out from, so a role or county changed on the same object is seen at once."""
    if user is None or not getattr(user, "is_authenticated", False):
        return _scope_for(user)
    basis = (user.pk, user.is_active, user.is_superuser, user.role, user.county_id, getattr(user, "region_id", None))
    memo = getattr(user, "_scope_memo", None)
    if memo is None or memo[0] != basis:
        memo = (basis, _scope_for(user))
        user._scope_memo = memo
    return memo[1]


def _scope_for(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    staff = user.is_superuser or user.role in (user.Role.REVIEWER, user.Role.ADMIN)
    if staff and user.county_id:
        # A superuser tied to a unit acts for that unit.
        return Scope(county_id=user.county_id, user=user)
    if staff and getattr(user, "region_id", None):
        return Scope(region_id=user.region_id, user=user)
    if user.is_superuser:
        # A superuser without a unit sees every county and every region.
        return Scope(all_counties=True)
    if staff:
        return Scope()
    return Scope(user_id=user.pk, user=user)


def _any_path(paths: str | tuple[str, ...], suffix: str, value) -> Q:
    q = Q()
    for path in (paths,) if isinstance(paths, str) else paths:
        q |= Q(**{f"{path}{suffix}": value})
    return q


def apply_scope(
    qs: QuerySet,
    user,
    *,
    county: str | None,
    owner: str | tuple[str, ...] | None = None,
    shared_with_officers: bool = False,
    admins_only: bool = False,
    region: str | tuple[str, ...] | None = None,
    region_above: str | None = None,
    county_below: bool = False,
) -> QuerySet:
    """Filter ``qs`` to what ``user`` may see.

    ``county`` is the lookup path from the model to its County (``None`` for rows that belong to a
    region only); ``owner`` the path to the User who owns the row, or several paths any of which
    makes them an owner (``None`` when officers own nothing of this model, so they see none of it).
    ``shared_with_officers``: reference lists (townships, enterprises) that an officer picks from
    when reporting: officers see their own county's.
    ``admins_only``: money and the audit log: only admins see them (their unit's), nobody else.
    ``region``: path(s) to the Region a row belongs to (an item forwarded to a city): staff of that
    region or a region above it see it.
    ``region_above``: path to the Region that published the row: staff of every unit below see it.
    ``county_below``: staff of a region also see the rows of the counties under their region.
    """
    if admins_only and not getattr(user, "is_portal_admin", False):
        return qs.none()
    scope = scope_for(user)
    if scope.all_counties:
        return qs
    if scope.county_id is not None or scope.region_id is not None:
        visible = []
        if scope.county_id is not None and county is not None:
            visible.append(Q(**{county: scope.county_id}))
        if scope.region_id is not None:
            # Read only where used: a province's subtree is a query (once per request's user).
            if region is not None:
                visible.append(_any_path(region, "__in", scope.region_ids))
            if county_below and county is not None:
                # Counties sit under a city, or under a province directly.
                below = "region__in" if county == "pk" else f"{county}__region__in"
                visible.append(Q(**{below: scope.region_ids}))
        if region_above is not None and (above := scope.regions_above):
            visible.append(Q(**{f"{region_above}__in": above}))
        if not visible:
            return qs.none()
        condition = visible[0]
        for more in visible[1:]:
            condition |= more
        return qs.filter(condition)
    if scope.user_id is not None and shared_with_officers and (own_county_id := scope.own_county_id) is not None:
        return qs.filter(**{county: own_county_id})
    if scope.user_id is not None and owner is not None:
        if isinstance(owner, str):
            return qs.filter(**{owner: scope.user_id})
        # Several paths through to-many relations: match ids in a subquery, so no row is repeated.
        return qs.filter(pk__in=qs.model._base_manager.filter(_any_path(owner, "", scope.user_id)).values("pk"))
    return qs.none()
