"""What a successful login sets up, and the audit rows of every sign-in event (成功、失败、锁定、退出)."""

from datetime import timedelta

from django.utils import timezone

from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry, UserSession
from unionportal.core.sessions import session_started

from ..models import NoticeConsent, ProcessingNotice, SecurityPolicy, User
from . import two_factor

IDLE_KEY = "_idle"
PASSWORD_EXPIRED_KEY = "_password_expired"  # nosec B105 - a session key name, not a password
NOTICE_DUE_KEY = "_notice_due"


def audit_county(user) -> int | None:
    """The county an account's events belong to: staff by their county, officers by theirs."""
    if user.county_id:
        return user.county_id
    officer = getattr(user, "officer", None) if user.is_officer else None
    return officer.county_id if officer is not None else None


def password_expired(*, user, days: int, now=None) -> bool:
    if not days:
        return False
    since = user.password_changed_at or user.date_joined
    return since is not None and (now or timezone.now()) - since > timedelta(days=days)


def sign_in_completed(*, request, user) -> None:
    """Called by the login page once the password is right and Django's login() has run: the
    session is listed, gets its role's idle limit, and notes what must happen before any page:
    the second factor, a password past its age, a notice not yet accepted."""
    policy = SecurityPolicy.current()
    session = request.session
    idle = policy.idle_seconds(user)
    session.set_expiry(idle)
    session[IDLE_KEY] = idle
    if policy.second_factor_required(user) or two_factor.has_second_factor(user):
        session[two_factor.PENDING_KEY] = True
    if password_expired(user=user, days=policy.password_days(user)):
        session[PASSWORD_EXPIRED_KEY] = True
    notice_due = notice_due_for(user)
    if notice_due is not None:
        session[NOTICE_DUE_KEY] = notice_due.version
    session_started(request=request, user=user)
    audit_record(
        actor=user, action=AuditEntry.Action.LOGIN, target=str(user), request=request, county=audit_county(user)
    )


def notice_due_for(user) -> ProcessingNotice | None:
    """The current notice when this officer has not accepted it yet (staff: never)."""
    if not user.is_officer:
        return None
    officer = getattr(user, "officer", None)
    notice = ProcessingNotice.current()
    if officer is None or notice is None:
        return None
    if NoticeConsent.objects.filter(officer=officer, notice=notice).exists():
        return None
    return notice


def login_failed(*, username: str, request) -> None:
    """A wrong password (or a stopped account): recorded with the phone typed, never the password."""
    user = User.objects.filter(username=username).first() if username else None
    audit_record(
        actor=None,
        action=AuditEntry.Action.LOGIN_FAILED,
        target=(username or "")[:50],
        request=request,
        result=AuditEntry.Result.FAILURE,
        county=audit_county(user) if user is not None else None,
    )


def locked_out(*, username: str, request) -> None:
    audit_record(
        actor=None,
        action=AuditEntry.Action.LOCKOUT,
        target=(username or "")[:50],
        request=request,
        result=AuditEntry.Result.REFUSED,
    )


def logged_out(*, user, request) -> None:
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    if user is not None and user.is_authenticated:
        audit_record(
            actor=user, action=AuditEntry.Action.LOGOUT, target=str(user), request=request, county=audit_county(user)
        )
