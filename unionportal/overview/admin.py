from django.contrib import admin

from officers.admin_mixins import ScopedAdminMixin, county_people
from unionportal.core.admin_mixins import ReadOnlyAdminMixin

from . import services
from .models import MonthlySummary, RankingNotice, SummaryAction


class SummaryActionInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Actions are added on the summary's page, where the service checks the owner and tells them."""

    model = SummaryAction
    fields = ("description", "owner", "due_on", "done_at", "done_by")
    readonly_fields = ("done_at", "done_by")
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = county_people(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(MonthlySummary)
class MonthlySummaryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("county", "month", "built_at", "meeting_on")
    list_filter = ("county",)
    readonly_fields = ("county", "month", "figures", "built_at")
    fields = ("county", "month", "built_at", "meeting_on", "attendees", "conclusions", "figures")
    inlines = [SummaryActionInline]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        # The meeting record changes through its service: attributed, checked and audited.
        services.meeting_record(
            summary=obj,
            actor=request.user,
            meeting_on=obj.meeting_on,
            attendees=obj.attendees,
            conclusions=obj.conclusions,
            request=request,
        )


@admin.register(RankingNotice)
class RankingNoticeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Notices are built, reviewed and published on their own pages (the outbox tells the officers
    there); here they are only looked up."""

    list_display = ("county", "month", "state", "number", "built_at", "published_at")
    list_filter = ("county", "state")
    readonly_fields = (
        "county",
        "month",
        "state",
        "number",
        "figures",
        "foreword",
        "built_at",
        "published_at",
        "published_by",
        "docx_file",
        "xlsx_file",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
