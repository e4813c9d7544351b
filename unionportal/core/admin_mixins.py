"""Admin helpers that know no app: read-only admins, import errors in Chinese, audited exports.
The scoped admin (what a county admin may see) is the registry's: ``officers.admin_mixins``."""

from django import forms
from django.conf import settings
from import_export.forms import ConfirmImportForm, ImportForm, SelectableFieldsExportForm

from .audit import audit_record
from .imports.reading import Limits, check_size
from .imports.storage import issued_name, sign_name, tmp_storage_class
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


class SizedImportForm(ImportForm):
    """The admin's upload: no larger than IMPORT_MAX_BYTES, refused before it is read."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            check_size(upload.size, Limits(settings.IMPORT_MAX_BYTES, None))
        except LedgerFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


class SignedConfirmImportForm(ConfirmImportForm):
    """The confirm step names the waiting file with a signature issued to the admin who uploaded it:
    a posted name the portal did not issue to this user is refused before any file is touched."""

    import_file_signature = forms.CharField(widget=forms.HiddenInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("import_file_name")
        signature = cleaned.get("import_file_signature") or ""
        if self.user is None or not name or issued_name(signature, self.user) != name:
            raise forms.ValidationError("导入文件已失效，或不是您上传的文件：请重新上传。")
        return cleaned


class LedgerImportErrorsMixin:
    """The admin's import pages: uploads checked for size, kept in the portal's private storage
    under names signed for their uploader, and files too large for one request sent to the
    portal's own import page (which runs them in the background)."""

    import_form_class = SizedImportForm
    confirm_form_class = SignedConfirmImportForm

    def get_tmp_storage_class(self):
        return tmp_storage_class()

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {**super().get_confirm_form_kwargs(request, import_form), "user": request.user}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["import_file_signature"] = sign_name(initial["import_file_name"], request.user)
        return initial

    def get_import_formats(self):
        # One request may check and write only so many rows before the server's timeout.
        limits = Limits(
            settings.IMPORT_MAX_BYTES,
            settings.IMPORT_BACKGROUND_ROWS,
            hint="更大的台账请在平台的“导入台账”页面导入：在后台运行，并显示进度。",
        )
        return [type(fmt.__name__, (fmt,), {"limits": limits}) for fmt in super().get_import_formats()]

    # django-import-export shows only an exception's class name when a file cannot be read.
    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, LedgerFileError):
            message = str(e)
        elif isinstance(e, UnicodeDecodeError):
            message = "文件不是 UTF-8 编码。请在 Excel 中“另存为”选择“CSV UTF-8（逗号分隔）”后再导入。"
        else:
            message = "无法读取该文件：请确认所选格式与文件一致（CSV 须为 UTF-8 编码，Excel 须为 .xlsx）。"
        form.add_error("import_file", message)
