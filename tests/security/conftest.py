import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from officers.models import User
from tests.factories import PASSWORD

PASSWORDS = {"sysadmin": "Xitong#2026a", "secadmin": "Anquan#2026a", "auditadmin": "Shenji#2026a"}
PHONES = {"sysadmin": "13900000101", "secadmin": "13900000102", "auditadmin": "13900000103"}


def totp_now(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def page_login(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def enrol(client, user) -> list[str]:
    """Enrol at first login as a person would: open the page (which draws the QR), type the code."""
    assert client.get(reverse("otp_enrol")).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("otp_enrol"), {"token": totp_now(device)})
    assert response.status_code == 200, response
    return response.context["codes"]


@pytest.fixture
def three_admins(db):
    for role, flag in (("sysadmin", "system"), ("secadmin", "security"), ("auditadmin", "audit")):
        call_command(
            "create_system_admin",
            "--role",
            flag,
            "--phone",
            PHONES[role],
            "--name",
            f"{role}",
            "--password",
            PASSWORDS[role],
            stdout=open("/dev/null", "w"),
        )
    users = {u.role: u for u in User.objects.filter(role__in=PHONES)}
    # as if each had already chosen their own password
    User.objects.filter(pk__in=[u.pk for u in users.values()]).update(password_change_required=False)
    for user in users.values():
        user.refresh_from_db()
    return users
