"""Admin classes see what the scoping rule lets the user see, and nothing else."""


class ScopedAdminMixin:
    """For models whose QuerySet has ``visible_to``: county admins manage their own county only."""

    list_select_related = True

    def get_queryset(self, request):
        qs = self.model.objects.visible_to(request.user)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

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

    # django-import-export's import and export pages follow the same rule.
    def has_import_permission(self, request):
        return self._allowed(request)

    def has_export_permission(self, request):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return False  # registry rows are kept for the record; officers are 解聘, not deleted

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if hasattr(related.objects, "visible_to"):
            kwargs["queryset"] = related.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AuditedExportMixin:
    """Every admin export is written to the audit log (保密制度)."""

    def get_export_data(self, file_format, request, queryset, **kwargs):
        from reports.models import AuditEntry
        from reports.services import audit_record

        data = super().get_export_data(file_format, request, queryset, **kwargs)
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.EXPORT,
            county=request.user.county_id,
            target=f"{self.model._meta.verbose_name}：{queryset.count()} 条（{file_format.get_title()}）",
            request=request,
        )
        return data
