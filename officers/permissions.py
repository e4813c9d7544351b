"""Role checks for views. What a role may *see* is decided by the scoping rule (scoping.py);
these only decide which pages a role may open at all."""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied


class RoleRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    permission_denied_message = "您的账号没有访问此页面的权限"

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied(self.permission_denied_message)
        return super().handle_no_permission()


class StaffRequiredMixin(RoleRequiredMixin):
    """County union staff: reviewers and admins."""

    def test_func(self):
        return self.request.user.is_portal_staff


class AdminRequiredMixin(RoleRequiredMixin):
    permission_denied_message = "只有县总工会管理员可以进行此操作"

    def test_func(self):
        return self.request.user.is_portal_admin


class OfficerRequiredMixin(RoleRequiredMixin):
    """Pages for officers themselves (their own reports)."""

    permission_denied_message = "此页面供信息员本人使用"

    def test_func(self):
        user = self.request.user
        return user.is_active and user.is_officer and hasattr(user, "officer")


class SecurityAdminRequiredMixin(RoleRequiredMixin):
    permission_denied_message = "只有安全管理员可以进行此操作"

    def test_func(self):
        return self.request.user.is_security_admin


class AuditAdminRequiredMixin(RoleRequiredMixin):
    permission_denied_message = "只有审计管理员可以查看审计日志"

    def test_func(self):
        return self.request.user.is_audit_admin


class SystemAdminRequiredMixin(RoleRequiredMixin):
    permission_denied_message = "只有系统管理员可以进行此操作"

    def test_func(self):
        return self.request.user.is_system_admin
