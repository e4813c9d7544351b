"""Admin helpers that know no app: read-only admins, import errors in Chinese, audited exports.
The scoped admin (what a county admin may see) is the registry's: ``officers.admin_mixins``."""

from import_export.forms import SelectableFieldsExportForm

from .audit import audit_record
from .ledger import LedgerFileError
from .models import AuditEntry


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
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.EXPORT,
            county=request.user.county_id,
            target=f"{self.model._meta.verbose_name}：{queryset.count()} 条（{file_format.get_title()}）",
            request=request,
        )
        return data


class LedgerImportErrorsMixin:
    # django-import-export shows only an exception's class name when a file cannot be read.
    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, LedgerFileError):
            message = str(e)
        elif isinstance(e, UnicodeDecodeError):
            message = "文件不是 UTF-8 编码。请在 Excel 中“另存为”选择“CSV UTF-8（逗号分隔）”后再导入。"
        else:
            message = "无法读取该文件：请确认所选格式与文件一致（CSV 须为 UTF-8 编码，Excel 须为 .xlsx）。"
        form.add_error("import_file", message)
