"""Who may see what: the one county/owner scoping rule that every query goes through.

Each model's QuerySet has ``visible_to(user)``, which calls :func:`apply_scope` with the paths from
that model to its county and to its owner's account. Views and admin classes only ever call
``Model.objects.visible_to(request.user)``; none of them filters by county on its own.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Scope:
    all_counties: bool = False
    county_id: int | None = None
    user_id: int | None = None  # an officer: only what they own
    user: object = field(default=None, repr=False, compare=False)

    @property
    def own_county_id(self) -> int | None:
        """An officer's county, for the shared lists they pick from: looked up only when one is asked
        for, so scoping what an officer owns costs no query for their officer record."""
        officer = getattr(self.user, "officer", None) if self.user_id is not None else None
        return officer.county_id if officer is not None else None

    @property
    def is_empty(self) -> bool:
        return not self.all_counties and self.county_id is None and self.user_id is None


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
    if user.is_superuser:
        # A superuser tied to a county acts for that county; one without a county sees every county.
        return Scope(county_id=user.county_id) if user.county_id else Scope(all_counties=True)
    if user.role in (user.Role.REVIEWER, user.Role.ADMIN):
        return Scope(county_id=user.county_id) if user.county_id else Scope()
    return Scope(user_id=user.pk, user=user)


def apply_scope(
    qs: QuerySet,
    user,
    *,
    county: str,
    owner: str | tuple[str, ...] | None = None,
    shared_with_officers: bool = False,
    admins_only: bool = False,
) -> QuerySet:
    """Filter ``qs`` to what ``user`` may see.

    ``county`` is the lookup path from the model to its County; ``owner`` the path to the User who
    owns the row, or several paths any of which makes them an owner (``None`` when officers own
    nothing of this model, so they see none of it).
    ``shared_with_officers``: reference lists (townships, enterprises) that an officer picks from
    when reporting: officers see their own county's.
    ``admins_only``: money and the audit log: only admins see them (their county's), nobody else.
    """
    if admins_only and not getattr(user, "is_portal_admin", False):
        return qs.none()
    scope = scope_for(user)
    if scope.all_counties:
        return qs
    if scope.county_id is not None:
        return qs.filter(**{county: scope.county_id})
    if scope.user_id is not None and shared_with_officers and (own_county_id := scope.own_county_id) is not None:
        return qs.filter(**{county: own_county_id})
    if scope.user_id is not None and owner is not None:
        if isinstance(owner, str):
            return qs.filter(**{owner: scope.user_id})
        # Several paths through to-many relations: match ids in a subquery, so no row is repeated.
        mine = Q()
        for path in owner:
            mine |= Q(**{path: scope.user_id})
        return qs.filter(pk__in=qs.model._base_manager.filter(mine).values("pk"))
    return qs.none()
