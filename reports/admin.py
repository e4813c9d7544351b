from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats

from officers.admin_mixins import ScopedAdminMixin
from officers.selectors import audit_log
from unionportal.core.admin_mixins import AuditedExportMixin, ReadOnlyAdminMixin
from unionportal.core.audit import audit_record
from unionportal.core.ledger import LEDGER_FORMATS
from unionportal.core.models import AuditEntry

from .models import (
    Adoption,
    BackPay,
    Budget,
    BudgetLine,
    BulletinIssue,
    Commission,
    CommissionRecipient,
    Event,
    EventEntry,
    ForwardedItem,
    Instruction,
    Lead,
    MissedFollowup,
    PointsTable,
    Publication,
    Reminder,
    Report,
    ReviewEvent,
    SheetEvent,
    StipendSetting,
    StipendSheet,
    TimelinessRule,
)
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        report = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        if report is not None and response.status_code == 200:
            audit_record(
                actor=request.user,
                action=AuditEntry.Action.VIEW_REPORT,
                report=report,
                request=request,
                target=f"{report.title}（管理后台）"[:200],
            )
        return response


@admin.register(TimelinessRule)
class TimelinessRuleAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("county", "emergency_minutes", "followup_hour")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Admins read the log, by person, report and date; nobody edits or deletes it here."""

    list_display = ("created_at", "actor", "action", "result", "report", "target", "ip_address")
    list_filter = ("action", "result", ("actor", admin.RelatedOnlyFieldListFilter))
    search_fields = ("report__title", "target", "actor__full_name", "actor__username", "=report__id")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "report")

    def scoped_queryset(self, request):
        return audit_log(user=request.user)

    def _allowed(self, request):
        # County admins read their county's log; the audit administrator (三员分立) the whole log.
        return super()._allowed(request) or request.user.is_audit_admin


@admin.register(StipendSetting)
class StipendSettingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "county",
        "effective_from",
        "quota",
        "amount_qualified",
        "amount_good",
        "amount_excellent",
        "created_by",
        "created_at",
    )
    list_filter = ("county",)
    list_select_related = ("county", "created_by")
    exclude = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        obj.created_by = obj.created_by or request.user
        super().save_model(request, obj, form, change)


class SheetEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SheetEvent
    fields = ("created_at", "action", "actor", "total", "reason")
    readonly_fields = fields
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StipendSheet)
class StipendSheetAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Sheets are approved and reopened on the 补助表 page, which runs the rules; here they are read."""

    list_display = ("county", "month", "state", "total", "approved_by", "approved_at")
    list_filter = ("state", "county")
    list_select_related = ("county", "approved_by")  # True would skip the nullable approver
    inlines = [SheetEventInline]


@admin.register(Budget)
class BudgetAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("county", "year", "amount", "note")
    list_filter = ("county", "year")


@admin.register(BudgetLine)
class BudgetLineAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("spent_on", "county", "kind", "description", "officer", "amount")
    list_filter = ("kind", "county")
    date_hierarchy = "spent_on"
    search_fields = ("description", "officer__name")
    exclude = ("stipend_sheet", "created_by", "created_at")
    list_select_related = ("county", "officer")

    def get_readonly_fields(self, request, obj=None):
        # A stipend line belongs to its sheet: it changes only by approving or reopening the sheet.
        if obj is not None and obj.stipend_sheet_id:
            return ("county", "kind", "spent_on", "amount", "description", "officer")
        return ()

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["choices"] = [c for c in BudgetLine.Kind.choices if c[0] != BudgetLine.Kind.STIPEND]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.created_by = obj.created_by or request.user
        super().save_model(request, obj, form, change)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """What was sent and to whom: reminders are written by the jobs only."""

    list_display = ("created_at", "kind", "recipient", "period", "text")
    list_filter = ("kind", "period")
    search_fields = ("recipient__full_name", "recipient__username")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)


# ---- issue 15: read here, written on the pages (which run the services) -------------------------


@admin.register(Adoption)
class AdoptionAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("report", "body", "publication", "issue", "adopted_on", "grade", "source", "recorded_at")
    list_filter = ("source", "grade")
    list_select_related = ("report",)


@admin.register(BackPay)
class BackPayAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("officer", "month", "amount", "from_tier", "to_tier", "paid_on", "created_at")
    list_select_related = ("officer", "paid_on__county")


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "county", "region", "keeps_total_number", "active")


@admin.register(BulletinIssue)
class BulletinIssueAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("publication", "year", "number", "total_number", "state", "signer", "signed_at")
    list_filter = ("state", "year")
    list_select_related = ("publication__county", "publication__region")


@admin.register(Instruction)
class InstructionAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("report", "leader", "rank", "given_on", "county")
    list_filter = ("rank",)
    list_select_related = ("report", "county")


@admin.register(ForwardedItem)
class ForwardedItemAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Forwards are written by the pages' services only (上报, 转报, 采用, 不予采用); shown here read-only,
    without the report behind them (the report link would name the officer)."""

    list_display = ("forwarded_at", "title", "county", "officer_code", "from_region", "to_region", "status")
    list_filter = ("status", "urgency", "category")
    search_fields = ("title", "officer_code")
    date_hierarchy = "forwarded_at"
    list_select_related = ("county", "from_region", "to_region")
    exclude = ("report", "adoption", "previous")


@admin.register(PointsTable)
class PointsTableAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """积分标准: like the stipend settings, a new table from this month or later; a past month keeps
    the table that applied to it (the model's clean refuses the rest)."""

    list_display = (
        "county",
        "effective_from",
        "qualified",
        "county_adopted",
        "above_adopted",
        "commission_answered",
        "late_emergency",
        "commission_unanswered",
        "created_by",
    )
    list_filter = ("county",)
    list_select_related = ("county", "created_by")
    exclude = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        obj.created_by = obj.created_by or request.user
        super().save_model(request, obj, form, change)


class CommissionRecipientInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CommissionRecipient
    fields = ("officer", "nothing_note", "nothing_at")
    readonly_fields = fields
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


class EventEntryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EventEntry
    fields = ("kind", "number", "reported_at", "officer", "source", "due_at", "on_time", "situation", "outcome")
    readonly_fields = fields
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Commission)
class CommissionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Commissions are sent on their own page (the service fixes the recipients and tells them);
    here they are only looked up."""

    list_display = ("topic", "county", "audience", "due_on", "created_by", "created_at")
    list_filter = ("county", "audience")
    readonly_fields = (
        "county",
        "region",
        "topic",
        "guidance",
        "audience",
        "township",
        "officer_category",
        "key_group",
        "due_on",
        "created_by",
        "created_at",
    )
    inlines = [CommissionRecipientInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Events are filed in the portal (初报, 续报, 终报); here admins look them up."""

    list_display = ("title", "officer", "township", "opened_at", "state", "followup_count", "next_due_at")
    list_filter = ("state", "township")
    search_fields = ("title", "officer__name", "enterprise_name")
    date_hierarchy = "opened_at"
    list_select_related = ("officer", "township")
    inlines = [EventEntryInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MissedFollowup)
class MissedFollowupAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("event", "officer", "due_at", "officer_notified_at", "admins_notified_at", "answered_by")
    list_select_related = ("event", "officer", "answered_by")
    date_hierarchy = "due_at"

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "first_report", "event", "created_by", "created_at")
    list_select_related = ("first_report", "event", "created_by")

    def has_delete_permission(self, request, obj=None):
        return False
