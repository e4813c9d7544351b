"""登录锁定: an admin sees the lockouts of their county's accounts and lifts them (audited); another
county's admin neither sees nor lifts them."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from officers import lockouts
from tests.factories import PASSWORD, AdminFactory, OfficerFactory, ReviewerFactory
from unionportal.core.models import AuditEntry

pytestmark = pytest.mark.django_db
OFFICE = "198.51.100.30"


@pytest.fixture(autouse=True)
def throttled(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12


def fail(client, phone, times, address=OFFICE):
    for _ in range(times):
        client.post(reverse("login"), {"username": phone, "password": "wrong-password"}, REMOTE_ADDR=address)


def login(client, phone, address=OFFICE):
    return client.post(reverse("login"), {"username": phone, "password": PASSWORD}, REMOTE_ADDR=address)


def test_a_locked_reviewer_is_unlocked_by_the_county_admin_and_logs_in(client, county):
    reviewer = ReviewerFactory(county=county, username="13900000031", full_name="陈审核")
    fail(client, reviewer.username, 5)  # someone in the same office (same address) guessed
    assert login(client, reviewer.username).status_code == 429  # even the right password, which counts too

    admin = AdminFactory(county=county)
    client.force_login(admin)
    page = client.get(reverse("officers:lockouts"))
    assert [(x.kind, x.username, x.name, x.ip_address, x.failures) for x in page.context["lockouts"]] == [
        ("phone", "13900000031", "陈审核", OFFICE, 6)
    ]
    response = client.post(
        reverse("officers:lockouts"),
        {"kind": "phone", "ip_address": OFFICE, "username": reviewer.username},
        REMOTE_ADDR="198.51.100.31",
        follow=True,
    )
    assert "已解除锁定，可以立即重新登录" in response.content.decode()
    assert not AccessAttempt.objects.filter(username=reviewer.username).exists()
    entry = AuditEntry.objects.get(action="unlock_login")
    assert (entry.actor, entry.county_id, entry.target, entry.ip_address) == (
        admin,
        county.pk,
        f"手机号 13900000031（{OFFICE}）",
        "198.51.100.31",
    )
    client.logout()
    assert login(client, reviewer.username).status_code == 302


def test_another_countys_admin_neither_sees_nor_lifts_it(client, county, other_county):
    officer = OfficerFactory(county=county, phone="13815110031")
    fail(client, officer.phone, 5)
    client.force_login(AdminFactory(county=other_county))
    assert client.get(reverse("officers:lockouts")).context["lockouts"] == []
    response = client.post(
        reverse("officers:lockouts"), {"kind": "phone", "ip_address": OFFICE, "username": officer.phone}, follow=True
    )
    assert "没有找到该登录锁定，可能已自动解除或已被他人解除" in response.content.decode()
    assert AccessAttempt.objects.filter(username=officer.phone).exists()
    assert not AuditEntry.objects.filter(action="unlock_login").exists()


def test_an_address_lock_is_listed_and_lifted(client, county):
    officers = [OfficerFactory(county=county, phone=f"1381511004{i}") for i in range(3)]
    for officer in officers:
        fail(client, officer.phone, 4)  # 12 from one address, no phone at its own limit
    admin = AdminFactory(county=county)
    assert [(x.kind, x.ip_address, x.failures) for x in lockouts.locked_logins(user=admin)] == [("address", OFFICE, 12)]
    assert login(client, officers[0].phone).status_code == 429
    lockouts.lockout_clear(actor=admin, kind="address", ip_address=OFFICE)
    assert AccessAttempt.objects.count() == 0
    assert login(client, officers[0].phone).status_code == 302


def test_only_admins_open_the_page(client, county):
    client.force_login(ReviewerFactory(county=county))
    assert client.get(reverse("officers:lockouts")).status_code == 403
    client.force_login(OfficerFactory(county=county).user)
    assert client.get(reverse("officers:lockouts")).status_code == 403
