"""Admin classes see what the scoping rule lets the user see, and nothing else."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from import_export.forms import SelectableFieldsExportForm


def county_people(user):
    """Accounts an admin may pick: their county's staff and officers (every account for a
    superuser without a county)."""
    from officers.scoping import scope_for

    scope = scope_for(user)
    users = get_user_model().objects.filter(is_active=True)
    if scope.all_counties:
        return users
    if scope.county_id is None:
        return users.none()
    return users.filter(Q(county_id=scope.county_id) | Q(officer__county_id=scope.county_id)).distinct()


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

    def get_list_filter(self, request):
        # A related-object filter lists every row of the related table; list only those that occur
        # in what this admin may see (no other county's townships or counties in the sidebar).
        from django.contrib.admin import RelatedOnlyFieldListFilter

        related = {f.name for f in self.model._meta.get_fields() if f.is_relation and f.many_to_one}
        return [
            (name, RelatedOnlyFieldListFilter) if isinstance(name, str) and name in related else name
            for name in super().get_list_filter(request)
        ]

    # django-import-export shows only an exception's class name when a file cannot be read.
    def add_data_read_fail_error_to_form(self, form, e):
        from unionportal.ledger import LedgerFileError

        if isinstance(e, LedgerFileError):
            message = str(e)
        elif isinstance(e, UnicodeDecodeError):
            message = "文件不是 UTF-8 编码。请在 Excel 中“另存为”选择“CSV UTF-8（逗号分隔）”后再导入。"
        else:
            message = "无法读取该文件：请确认所选格式与文件一致（CSV 须为 UTF-8 编码，Excel 须为 .xlsx）。"
        form.add_error("import_file", message)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if hasattr(related.objects, "visible_to"):
            kwargs["queryset"] = related.objects.visible_to(request.user)
        elif related is get_user_model():
            kwargs["queryset"] = county_people(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LedgerColumnsExportForm(SelectableFieldsExportForm):
    """The export page lists the ledger's Chinese column names, not the fields' English names."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return field.column_name if field and field.column_name else field_name


class AuditedExportMixin:
    """Every admin export is written to the audit log (保密制度), from a page in Chinese."""

    export_form_class = LedgerColumnsExportForm

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
