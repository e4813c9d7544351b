"""The gates every signed-in request passes, in this order: the duty of a system administrator
(三员分立), the second factor, (core) the password to change, the processing notice to accept.
Each reads only the user already loaded and the session: no query on a signed-in page."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry

from ..rules import duty_allows
from . import two_factor
from .signin import NOTICE_DUE_KEY

ALWAYS_OPEN = ("/static/", "/healthz", "/favicon.ico", "/accounts/logout/")


def _user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class DutySeparationMiddleware:
    """A system, security or audit administrator opens only the pages of their duty (the admin
    site's too); everyone else is kept out of the three consoles. A refusal is audited."""

    def __init__(self, get_response):
        self.get_response = get_response

    consoles = {"sysadmin": "system:home", "secadmin": "security:home", "auditadmin": "audit:home"}

    def __call__(self, request):
        user = _user(request)
        if user is not None and request.path == "/" and user.role in self.consoles:
            return redirect(self.consoles[user.role])  # each administrator's home is their console
        if user is not None and not duty_allows(user.role, request.path):
            if user.holds_system_role:
                audit_record(
                    actor=user,
                    action=AuditEntry.Action.ACCESS_REFUSED,
                    target=request.path[:200],
                    request=request,
                    result=AuditEntry.Result.REFUSED,
                )
            raise PermissionDenied("三员分立：此页面不属于您的职责范围")
        return self.get_response(request)


class SecondFactorMiddleware:
    """Staff, the three administrators and superusers (and officers with a device, or all officers
    when the policy says so) pass the second factor before any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = _user(request)
        if (
            user is not None
            and (user.needs_second_factor or request.session.get(two_factor.PENDING_KEY))
            and not two_factor.is_verified(request)
            and not request.path.startswith((*ALWAYS_OPEN, "/accounts/otp/"))
        ):
            return redirect(f"{reverse('otp_verify')}?next={request.get_full_path()}")
        return self.get_response(request)


class ProcessingNoticeMiddleware:
    """An officer who has not accepted the current processing notice reads and accepts it first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = _user(request)
        if (
            user is not None
            and request.session.get(NOTICE_DUE_KEY)
            and not request.path.startswith((*ALWAYS_OPEN, "/accounts/"))
        ):
            return redirect("processing_notice")
        return self.get_response(request)
