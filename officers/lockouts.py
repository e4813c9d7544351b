"""Login lockouts in the portal (登录锁定): which are in force for the accounts an admin may see, and
lifting one (audited). The locks themselves are django-axes' (unionportal.core.login_throttle): a
phone from one address after AXES_FAILURE_LIMIT wrong passwords, an address for every phone after
AXES_ADDRESS_FAILURE_LIMIT. A county admin sees and lifts those of their county's accounts; a
superuser without a county every one."""

from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from unionportal.core.audit import audit_record
from unionportal.core.login_throttle import address_failure_limit
from unionportal.core.models import AuditEntry

from .models import Officer, User
from .scoping import apply_scope, scope_for


@dataclass(frozen=True)
class Lockout:
    kind: str  # "phone": one phone from one address; "address": one address for every phone
    ip_address: str
    failures: int
    until: datetime
    username: str = ""
    name: str = ""


def _names(actor) -> dict[str, str] | None:
    """Login name → person for the accounts ``actor`` may see; None: every account (and unknown phones)."""
    if scope_for(actor).all_counties:
        return None
    names = dict(apply_scope(User.objects.all(), actor, county="county").values_list("username", "full_name"))
    names |= dict(apply_scope(Officer.objects.all(), actor, county="county").values_list("user__username", "name"))
    names.pop(None, None)
    return names


def locked_logins(*, user, now=None) -> list[Lockout]:
    """The lockouts in force that ``user`` (a portal admin) may lift, newest first."""
    if not user.is_portal_admin:
        return []
    now = now or timezone.now()
    cool_off = get_cool_off()
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - cool_off)
    names = _names(user)
    lockouts = []
    pairs = recent.values("username", "ip_address").annotate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    for row in pairs.filter(n__gte=settings.AXES_FAILURE_LIMIT):
        if names is None or row["username"] in names:
            name = (names or {}).get(row["username"], "")
            lockouts.append(
                Lockout("phone", row["ip_address"], row["n"], row["last"] + cool_off, row["username"] or "", name)
            )
    addresses = recent.values("ip_address").annotate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    for row in addresses.filter(n__gte=address_failure_limit()):
        tried = set(recent.filter(ip_address=row["ip_address"]).values_list("username", flat=True))
        if names is None or tried & set(names):
            lockouts.append(Lockout("address", row["ip_address"], row["n"], row["last"] + cool_off))
    return sorted(lockouts, key=lambda lockout: lockout.until, reverse=True)


@transaction.atomic
def lockout_clear(*, actor, kind: str, ip_address: str, username: str = "", request=None, now=None) -> int:
    """Lift a lockout ``actor`` may see: its failed attempts are deleted. Returns how many rows went."""
    if not actor.is_portal_admin:
        raise PermissionDenied("只有县总工会管理员可以解除登录锁定")
    match = [
        lockout
        for lockout in locked_logins(user=actor, now=now)
        if (lockout.kind, lockout.ip_address) == (kind, ip_address)
        and (kind == "address" or lockout.username == username)
    ]
    if not match:
        raise ValidationError("没有找到该登录锁定，可能已自动解除或已被他人解除")
    attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    if kind == "phone":
        attempts = attempts.filter(username=username)
    deleted, _ = attempts.delete()
    target = f"手机号 {username}（{ip_address}）" if kind == "phone" else f"网络地址 {ip_address}"
    county = actor.county_id if kind == "address" else _county_of(username) or actor.county_id
    audit_record(actor=actor, action=AuditEntry.Action.UNLOCK_LOGIN, county=county, target=target, request=request)
    return deleted


def _county_of(username: str):
    user = User.objects.filter(username=username).select_related("officer").first()
    if user is None:
        return None
    officer = getattr(user, "officer", None)
    return officer.county_id if officer is not None else user.county_id
