"""The admin site's units: regions, counties with their townships, enterprises."""

from django.contrib import admin
from django.db.models import Count

from ..admin_mixins import ScopedAdminMixin
from ..models import (
    County,
    Enterprise,
    Region,
    Township,
)
from ..rules import pinyin_key


class TownshipInline(admin.TabularInline):
    model = Township
    fields = ("name",)
    extra = 0


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Units above the county: the superuser's to create and name (create_region does the same)."""

    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(County)
class CountyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "region", "city", "province", "township_count")
    search_fields = ("code", "name")
    inlines = [TownshipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_townships=Count("townships"))

    @admin.display(description="镇区街道数", ordering="n_townships")
    def township_count(self, county):
        return county.n_townships

    def _allowed(self, request):
        # Units are the system administrator's duty too (三员分立), beside the county admins' own county.
        return super()._allowed(request) or request.user.is_system_admin

    def scoped_queryset(self, request):
        if request.user.is_system_admin:
            return County.objects.all()
        return super().scoped_queryset(request)

    def has_add_permission(self, request):
        return request.user.is_superuser or request.user.is_system_admin

    def get_readonly_fields(self, request, obj=None):
        # A county's name and code head every sheet and file it sends out: the superuser's or the
        # system administrator's to set.
        if request.user.is_superuser or request.user.is_system_admin:
            return super().get_readonly_fields(request, obj)
        return ("code", "name", "city", "province", "region")

    def save_formset(self, request, form, formset, change):
        for township in formset.save(commit=False):
            township.sort_key = pinyin_key(township.name)
            township.save()
        formset.save_m2m()


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "credit_code",
        "county",
        "township",
        "staff_count",
        "large",
        "is_foreign_funded",
        "industry",
    )
    list_filter = ("is_foreign_funded", "county", "industry")
    search_fields = ("name", "credit_code")
    list_select_related = ("county", "township")

    @admin.display(description="大型企业", boolean=True)
    def large(self, enterprise):
        return enterprise.is_large
