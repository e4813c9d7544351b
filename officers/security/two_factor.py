"""The second factor (等保 2.0: 双因素鉴别): a TOTP authenticator app enrolled with a QR code drawn on
the server (no request leaves the portal), ten single-use recovery codes, and the security
administrator's reset of a lost device. Built on django-otp's TOTP and static devices."""

from base64 import b32encode

import django_otp
import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry
from unionportal.core.sessions import sessions_end_all

VERIFIED_KEY = django_otp.DEVICE_ID_SESSION_KEY
PENDING_KEY = "_otp_pending"  # an officer with a device (or the policy) must pass the second factor
RECOVERY_DEVICE_NAME = "恢复码"


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def enrolment_device(*, user) -> TOTPDevice:
    """The unconfirmed device the enrolment page shows (the same one until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)
    return device


def enrolment_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def secret_text(device: TOTPDevice) -> str:
    """The key in groups of four, for typing into an app when the camera cannot scan."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def enrolment_confirm(*, request, user, token: str) -> list[str]:
    """The first code from the app proves the device: it is kept, the session counts as verified,
    and ten recovery codes are issued (shown once). Returns the codes."""
    # The refusal's audit row must outlive the refusal: only the success is one transaction.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationError({"token": "请刷新页面，重新扫描二维码"})  # nosec B105 - a message about the code, not a password
    if not device.verify_token(_digits(token)):
        audit_record(
            actor=user,
            action=AuditEntry.Action.OTP_VERIFY_FAILED,
            target="绑定时动态码错误",
            request=request,
            result=AuditEntry.Result.FAILURE,
            county=user.county_id,
        )
        raise ValidationError({"token": "动态码不正确，请输入身份验证器上当前显示的 6 位数字"})  # nosec B105 - a message about the code, not a password
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_issue(user)
        audit_record(
            actor=user, action=AuditEntry.Action.OTP_ENROL, target=str(user), request=request, county=user.county_id
        )
    django_otp.login(request, device)
    request.session.pop(PENDING_KEY, None)
    return codes


def _digits(token: str) -> str:
    return "".join((token or "").split())


def _recovery_codes_issue(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def recovery_codes_renew(*, request, user) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if not has_second_factor(user):
        raise ValidationError("请先绑定身份验证器")
    codes = _recovery_codes_issue(user)
    audit_record(
        actor=user, action=AuditEntry.Action.RECOVERY_CODES, target=str(user), request=request, county=user.county_id
    )
    return codes


def second_factor_verify(*, request, user, token: str) -> None:
    """A code from the app, or one of the recovery codes (used up by this), completes the login."""
    token = _digits(token)
    device = confirmed_totp(user)
    if device is not None and token.isdigit() and device.verify_token(token):
        django_otp.login(request, device)
    else:
        recovery = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
        if recovery is not None and recovery.verify_token(token.lower()):
            django_otp.login(request, recovery)
            audit_record(
                actor=user,
                action=AuditEntry.Action.RECOVERY_CODE_USED,
                target=str(user),
                request=request,
                county=user.county_id,
            )
        else:
            audit_record(
                actor=user,
                action=AuditEntry.Action.OTP_VERIFY_FAILED,
                target=str(user),
                request=request,
                result=AuditEntry.Result.FAILURE,
                county=user.county_id,
            )
            raise ValidationError({"token": "动态码或恢复码不正确"})  # nosec B105 - a message about the code, not a password
    request.session.pop(PENDING_KEY, None)


@transaction.atomic
def second_factor_reset(*, actor, user, request=None) -> None:
    """The security administrator resets a lost device: the account's devices and recovery codes are
    removed and its sessions end; at the next login it enrols again."""
    if not getattr(actor, "is_security_admin", False):
        raise ValidationError("只有安全管理员可以重置动态码设备")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    sessions_end_all(user_id=user.pk)
    audit_record(
        actor=actor, action=AuditEntry.Action.OTP_RESET, target=str(user), request=request, county=user.county_id
    )


def is_verified(request) -> bool:
    return VERIFIED_KEY in request.session
