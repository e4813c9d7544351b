from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats

from unionportal.core.admin_mixins import AuditedExportMixin, ReadOnlyAdminMixin
from unionportal.core.ledger import LEDGER_FORMATS
from unionportal.core.models import AuditPurge, OutboxMessage
from unionportal.core.sessions import sessions_end_all

from . import personal, services
from .admin_mixins import ScopedAdminMixin, county_people
from .models import (
    Activity,
    Attendance,
    Commendation,
    County,
    DeadlineSetting,
    Enterprise,
    Guidance,
    Officer,
    OfficerStatusChange,
    ProcessingNotice,
    Region,
    Suggestion,
    Township,
    User,
    VettingNote,
    WorkCalendarDay,
)
from .resources import OfficerLedgerResource
from .rules import pinyin_key
from .security.accounts import account_role_change, account_set_active


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts are the superuser's (once, to create the three administrators) and the security
    administrator's: a county admin must not be able to raise their own rights. Changes of role or
    of 启用 go through the audited services (officers.security.accounts)."""

    list_display = ("username", "full_name", "role", "county", "region", "is_active", "last_login")
    list_filter = ("role", "county", "region", "is_active", "is_superuser")
    search_fields = ("username", "full_name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "email")}),
        ("角色与权限", {"fields": ("role", "county", "region", "is_active", "is_staff", "is_superuser")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "role", "county", "region", "password1", "password2"),
            },
        ),
    )

    def has_module_permission(self, request):
        return request.user.is_superuser or request.user.is_security_admin

    has_view_permission = has_change_permission = has_add_permission = lambda self, request, obj=None: (
        request.user.is_superuser or request.user.is_security_admin
    )

    def has_delete_permission(self, request, obj=None):
        return False  # an account is stopped, never deleted: the audit trail names it

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ("last_login", "date_joined")
        # The security administrator changes a role or 启用 here through the services; never 超级用户.
        return ("is_superuser", "is_staff", "last_login", "date_joined", "password")

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        before = User.objects.get(pk=obj.pk)
        changed_role, changed_active = obj.role != before.role, obj.is_active != before.is_active
        role, county, active = obj.role, obj.county, obj.is_active
        obj.role, obj.is_active = before.role, before.is_active
        super().save_model(request, obj, form, change)
        actor = request.user
        if changed_role:
            if actor.is_security_admin:
                account_role_change(actor=actor, user=obj, role=role, county=county, request=request)
            else:
                User.objects.filter(pk=obj.pk).update(role=role)
        if changed_active:
            if actor.is_security_admin:
                account_set_active(actor=actor, user=obj, active=active, request=request)
            else:
                User.objects.filter(pk=obj.pk).update(is_active=active)
                if not active:
                    sessions_end_all(user_id=obj.pk)


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
class WorkCalendarDayAdmin(admin.ModelAdmin):
    """The national calendar (holidays, 调休 working days): one for every county, kept by admins when
    the State Council publishes the next year's arrangement."""

    list_display = ("day", "is_workday", "name", "source")
    list_filter = ("is_workday",)
    search_fields = ("name",)
    date_hierarchy = "day"

    def _allowed(self, request):
        return request.user.is_active and request.user.is_staff and request.user.is_portal_admin

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


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
