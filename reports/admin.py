from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats

from unionportal.admin_mixins import AuditedExportMixin, ReadOnlyAdminMixin, ScopedAdminMixin
from unionportal.ledger import LEDGER_FORMATS

from .models import AlertDelivery, AuditEntry, Report, ReviewEvent, TimelinessRule
from .resources import ReportLedgerResource


class ReviewEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReviewEvent
    fields = ("created_at", "action", "from_grade", "to_grade", "actor", "comment")
    readonly_fields = fields
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ScopedAdminMixin, AuditedExportMixin, ImportExportModelAdmin):
    """Reports are written by officers and graded in the portal; here admins import past ledgers,
    export and look things up."""

    resource_classes = [ReportLedgerResource]
    import_formats = LEDGER_FORMATS
    export_formats = [base_formats.CSV, base_formats.XLSX]
    list_display = ("title", "officer", "category", "urgency", "submitted_at", "on_time", "status", "grade")
    list_filter = ("status", "grade", "urgency", "category", "on_time", "township")
    search_fields = ("title", "officer__name")
    date_hierarchy = "submitted_at"
    list_select_related = ("officer",)
    inlines = [ReviewEventInline]
    exclude = ("version",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TimelinessRule)
class TimelinessRuleAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("county", "emergency_minutes")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Admins read the log, by person, report and date; nobody edits or deletes it here."""

    list_display = ("created_at", "actor", "action", "report", "target", "ip_address")
    list_filter = ("action", ("actor", admin.RelatedOnlyFieldListFilter))
    search_fields = ("report__title", "target", "actor__full_name", "actor__username", "=report__id")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "report")


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("report", "recipient", "channel", "state", "attempts", "created_at", "sent_at", "last_error")
    list_filter = ("state", "channel")
    list_select_related = ("report", "recipient")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(report__in=Report.objects.visible_to(request.user))

    def has_module_permission(self, request):
        return request.user.is_staff and request.user.is_portal_admin

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff and request.user.is_portal_admin

    def has_delete_permission(self, request, obj=None):
        return False
