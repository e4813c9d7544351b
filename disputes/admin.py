from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats

from officers.admin_mixins import ScopedAdminMixin
from unionportal.core.admin_mixins import AuditedExportMixin, ReadOnlyAdminMixin
from unionportal.core.ledger import LEDGER_FORMATS

from . import selectors
from .models import DisputeCase, FollowUp, Instalment, MediationExtension, Outcome, ReturnVisit
from .resources import DisputeLedgerResource


class FollowUpInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FollowUp
    fields = ("happened_on", "author", "action", "next_step")
    readonly_fields = fields
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


class OutcomeInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Payments are corrected or voided on the case's page, with a reason; here they are shown."""

    model = Outcome
    fields = ("received_on", "kind", "amount", "note", "from_ledger", "over_limit_reason", "voided_at", "void_reason")
    readonly_fields = fields
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


class _ShownInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Recorded on the case's page, through its services; here they are shown."""

    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


class ExtensionInline(_ShownInline):
    model = MediationExtension
    fields = ("agreed_on", "previous_deadline", "new_deadline", "reason", "recorded_by")
    readonly_fields = fields


class InstalmentInline(_ShownInline):
    model = Instalment
    fields = ("due_on", "amount")
    readonly_fields = fields


class ReturnVisitInline(_ShownInline):
    model = ReturnVisit
    fields = ("visited_on", "reached", "money", "satisfaction", "note", "reopened", "recorded_by")
    readonly_fields = fields


@admin.register(DisputeCase)
class DisputeCaseAdmin(ScopedAdminMixin, AuditedExportMixin, ImportExportModelAdmin):
    """Past case ledgers come in here; cases are worked on in the portal, which runs the rules."""

    resource_classes = [DisputeLedgerResource]
    import_formats = LEDGER_FORMATS
    export_formats = [base_formats.XLSX, base_formats.CSV]
    list_display = ("number", "enterprise", "dispute_type", "workers_involved", "status", "registered_on", "result_on")
    list_filter = ("status", "dispute_type", "mediation_result", "township")
    search_fields = ("number", "enterprise__name")
    date_hierarchy = "registered_on"
    list_select_related = ("enterprise", "county")

    def get_export_resource_kwargs(self, request, **kwargs):
        # 承办人手机号 whole for admins only, as on every list.
        return super().get_export_resource_kwargs(request, **kwargs) | {"mask_phones": not request.user.is_portal_admin}

    def get_export_queryset(self, request):
        # The list's filters and search, plus the money columns the ledger needs.
        cases = super().get_export_queryset(request).select_related("county", "enterprise")
        return selectors.with_money(cases).prefetch_related("handlers")

    inlines = [FollowUpInline, OutcomeInline, ExtensionInline, InstalmentInline, ReturnVisitInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
