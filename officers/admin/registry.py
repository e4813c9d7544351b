"""The admin site's officer registry: officers, their status history and vetting notes, the ledger import."""

from django import forms
from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats

from unionportal.core.admin_mixins import AuditedExportMixin, ReadOnlyAdminMixin
from unionportal.core.ledger import LEDGER_FORMATS

from .. import services
from ..admin_mixins import ScopedAdminMixin
from ..models import (
    Officer,
    OfficerStatusChange,
    VettingNote,
)
from ..resources import OfficerLedgerResource


class StatusChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OfficerStatusChange
    fields = ("changed_at", "from_status", "to_status", "changed_by", "reason")
    readonly_fields = fields
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


class VettingNoteInline(admin.StackedInline):
    model = VettingNote
    fields = ("kind", "happened_on", "content")
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


class OfficerAdminForm(forms.ModelForm):
    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        problem = services.phone_account_problem(phone=phone, officer=self.instance)
        if problem:
            raise forms.ValidationError(problem)
        return phone


@admin.register(Officer)
class OfficerAdmin(ScopedAdminMixin, AuditedExportMixin, ImportExportModelAdmin):
    resource_classes = [OfficerLedgerResource]
    import_formats = LEDGER_FORMATS
    export_formats = [base_formats.CSV, base_formats.XLSX]
    list_display = (
        "name",
        "code",
        "phone",
        "county",
        "township",
        "employer",
        "category",
        "key_group",
        "status",
        "appointed_on",
    )
    list_filter = ("status", "category", "key_group", "township")
    search_fields = ("name", "code", "phone", "employer__name")
    list_select_related = ("county", "township", "employer")
    readonly_fields = ("code", "user", "status")
    inlines = [StatusChangeInline, VettingNoteInline]
    fieldsets = (
        (None, {"fields": ("name", "phone", "gender", "county", "township", "employer")}),
        (
            "选聘",
            {
                "fields": (
                    "category",
                    "key_group",
                    "recommended_by",
                    "vetted_by",
                    "appointed_on",
                    "status",
                    "code",
                    "user",
                )
            },
        ),
    )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("county", request.user.county_id)
        return initial

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = OfficerAdminForm
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        services.officer_save(officer=obj, actor=request.user, reason="管理后台修改" if change else "管理后台登记")

    def save_formset(self, request, form, formset, change):
        for note in formset.save(commit=False):
            if isinstance(note, VettingNote) and note.author_id is None:
                note.author = request.user
            note.save()
        formset.save_m2m()


@admin.register(OfficerStatusChange)
class OfficerStatusChangeAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("officer", "from_status", "to_status", "changed_by", "changed_at", "reason")
    list_filter = ("to_status",)
    list_select_related = ("officer", "changed_by")
