"""The admin site's system tables: the outbox, the working-day calendar, deadlines, processing notices, audit purges."""

from django.contrib import admin

from unionportal.core.admin_mixins import ReadOnlyAdminMixin
from unionportal.core.models import AuditPurge, OutboxMessage

from .. import personal
from ..admin_mixins import PortalAdminOnlyMixin, ScopedAdminMixin, county_people
from ..models import (
    DeadlineSetting,
    ProcessingNotice,
    WorkCalendarDay,
)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What was sent, to whom, on which channel, and why a message failed: messages to the admin's
    county's people (every message for a superuser without a county). Written by the outbox only."""

    list_display = ("created_at", "kind", "channel", "recipient", "state", "attempts", "sent_at", "last_error")
    list_filter = ("state", "channel", "kind")
    search_fields = ("recipient__full_name", "recipient__username", "title")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    exclude = ("body",)  # an alert's text stays on its report's page

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient__in=county_people(request.user))

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and request.user.is_portal_admin

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(PortalAdminOnlyMixin, admin.ModelAdmin):
    """The national calendar (holidays, 调休 working days): one for every county, kept by admins when
    the State Council publishes the next year's arrangement."""

    list_display = ("day", "is_workday", "name", "source")
    list_filter = ("is_workday",)
    search_fields = ("name",)
    date_hierarchy = "day"

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)  # a day entered by mistake is removed, not kept


@admin.register(DeadlineSetting)
class DeadlineSettingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A county's deadlines per risk level, effective from a date; a row in force is kept as it was."""

    list_display = ("county", "effective_from", "working_days", "red_handling_days", "payment_order_grace_days")
    list_filter = ("county", "working_days")
    list_select_related = ("county",)
    exclude = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ProcessingNotice)
class ProcessingNoticeAdmin(admin.ModelAdmin):
    """个人信息处理告知书: the system administrator publishes a new version (never edits one an officer
    may have accepted); every officer is asked again at their next login."""

    list_display = ("version", "title", "published_at")
    fields = ("title", "text")

    def _allowed(self, request):
        return request.user.is_superuser or request.user.is_system_admin

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        published = personal.notice_publish(actor=request.user, title=obj.title, text=obj.text, request=request)
        obj.pk, obj.version, obj.published_at = published.pk, published.version, published.published_at


@admin.register(AuditPurge)
class AuditPurgeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "purged_before", "rows", "archive_path", "archive_sha256")

    def has_module_permission(self, request):
        return request.user.is_superuser or request.user.is_audit_admin

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False
