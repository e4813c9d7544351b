"""The admin site's training and exchange: activities with attendance, guidance, commendations."""

from django.contrib import admin

from ..admin_mixins import ScopedAdminMixin
from ..models import (
    Activity,
    Attendance,
    Commendation,
    Guidance,
    Officer,
    Suggestion,
)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    fields = ("officer", "via", "at")
    readonly_fields = ("via", "at")
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "officer":
            kwargs["queryset"] = Officer.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Activity)
class ActivityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("held_on", "kind", "topic", "place", "organiser", "county")
    list_filter = ("kind", "held_on")
    search_fields = ("topic", "place")
    date_hierarchy = "held_on"
    exclude = ("created_by", "created_at")
    inlines = [AttendanceInline]


class SuggestionInline(admin.TabularInline):
    model = Suggestion
    extra = 1


@admin.register(Guidance)
class GuidanceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("given_on", "officer", "given_by", "problem")
    search_fields = ("officer__name", "problem")
    list_select_related = ("officer", "given_by")
    inlines = [SuggestionInline]


@admin.register(Commendation)
class CommendationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("awarded_on", "officer", "level", "reason")
    list_filter = ("level",)
    search_fields = ("officer__name", "reason")
