"""Role checks for views. What a role may *see* is decided by the scoping rule (scoping.py);
these only decide which pages a role may open at all."""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied


class RoleRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    permission_denied_message = "您的账号没有访问此页面的权限"

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied(self.get_permission_denied_message())
        return super().handle_no_permission()


REGIONAL_STAFF_MESSAGE = "此页面是县总工会的工作页面；市、省总工会的工作人员请从“上报信息”查看和处理各县区上报的信息"


class CountyPageMixin:
    """Pages of a county's own work (its officers, their reports, money) are not for the staff of a
    city or province: they get a clear refusal, not an empty county page. A page meant for them too
    (their queue, their dashboard) sets ``regional_staff_allowed``."""

    regional_staff_allowed = False

    def regional_refused(self) -> bool:
        return not self.regional_staff_allowed and getattr(self.request.user, "is_regional_staff", False)

    def get_permission_denied_message(self):
        return REGIONAL_STAFF_MESSAGE if self.regional_refused() else super().get_permission_denied_message()


class StaffRequiredMixin(CountyPageMixin, RoleRequiredMixin):
    """Union staff: reviewers and admins (of a county; of a city or province where the page allows)."""

    def test_func(self):
        return self.request.user.is_portal_staff and not self.regional_refused()


class UnitStaffRequiredMixin(StaffRequiredMixin):
    """Staff of any unit: a county's, a city's or a province's (forwarded items, dashboards)."""

    regional_staff_allowed = True


class AdminRequiredMixin(CountyPageMixin, RoleRequiredMixin):
    permission_denied_message = "只有县总工会管理员可以进行此操作"

    def test_func(self):
        return self.request.user.is_portal_admin and not self.regional_refused()


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
