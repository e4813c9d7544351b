"""Admin classes see what the scoping rule lets the user see, and nothing else."""

from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.auth import get_user_model
from django.db.models import Q

from unionportal.core.admin_mixins import LedgerImportErrorsMixin

from .scoping import scope_for


def county_people(user):
    """Accounts an admin may pick: their county's staff and officers, or a city's or province's own
    staff (every account for a superuser without a unit)."""
    scope = scope_for(user)
    users = get_user_model().objects.filter(is_active=True)
    if scope.all_counties:
        return users
    if scope.region_id is not None:
        return users.filter(region_id=scope.region_id)
    if scope.county_id is None:
        return users.none()
    return users.filter(Q(county_id=scope.county_id) | Q(officer__county_id=scope.county_id)).distinct()


class PortalAdminOnlyMixin:
    """An admin page for the portal's administrators only (active, staff, 管理员 role)."""

    def _allowed(self, request):
        return request.user.is_active and request.user.is_staff and request.user.is_portal_admin

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)


class ScopedAdminMixin(PortalAdminOnlyMixin, LedgerImportErrorsMixin):
    """For models whose QuerySet has ``visible_to``: county admins manage their own county only."""

    list_select_related = True

    def scoped_queryset(self, request):
        return self.model.objects.visible_to(request.user)

    def get_queryset(self, request):
        qs = self.scoped_queryset(request)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    # django-import-export's import and export pages follow the same rule.
    def has_import_permission(self, request):
        return self._allowed(request)

    def has_export_permission(self, request):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return False  # registry rows are kept for the record; officers are 解聘, not deleted

    def get_list_filter(self, request):
        # A related-object filter lists every row of the related table; list only those that occur
        # in what this admin may see (no other county's townships or counties in the sidebar).
        related = {f.name for f in self.model._meta.get_fields() if f.is_relation and f.many_to_one}
        return [
            (name, RelatedOnlyFieldListFilter) if isinstance(name, str) and name in related else name
            for name in super().get_list_filter(request)
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if hasattr(related.objects, "visible_to"):
            kwargs["queryset"] = related.objects.visible_to(request.user)
        elif related is get_user_model():
            kwargs["queryset"] = county_people(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
