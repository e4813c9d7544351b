"""The admin site's accounts: users, their roles and activity (the security administrator's part)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from unionportal.core.sessions import sessions_end_all

from ..models import (
    User,
)
from ..security.accounts import account_role_change, account_set_active


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
