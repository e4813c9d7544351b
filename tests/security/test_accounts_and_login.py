"""三员分立, two factors, passwords, idle timeout and sessions (等保 2.0 身份鉴别、访问控制)."""

import io
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from officers import rules
from officers import services as officer_services
from officers.models import Officer, User
from officers.security import accounts, two_factor
from tests.factories import PASSWORD, AdminFactory, OfficerFactory, ReviewerFactory
from tests.unionportal.test_security import project_patterns
from unionportal.core.models import AuditEntry, UserSession

from .conftest import PASSWORDS, PHONES, enrol, page_login, totp_now

pytestmark = pytest.mark.django_db


# ---- 三员分立 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "path", "allowed"),
    [
        ("sysadmin", "/system/", True),
        ("sysadmin", "/admin/django_celery_beat/periodictask/", True),
        ("sysadmin", "/audit/", False),
        ("sysadmin", "/security/", False),
        ("sysadmin", "/admin/core/auditentry/", False),
        ("sysadmin", "/admin/officers/user/", False),
        ("sysadmin", "/reports/", False),
        ("secadmin", "/security/accounts/1/", True),
        ("secadmin", "/admin/officers/user/", True),
        ("secadmin", "/audit/", False),
        ("secadmin", "/admin/django_celery_beat/", False),
        ("auditadmin", "/audit/export.xlsx", True),
        ("auditadmin", "/admin/core/auditentry/", True),
        ("auditadmin", "/officers/", False),
        ("auditadmin", "/admin/officers/county/", False),
        ("admin", "/audit/", False),
        ("admin", "/security/", False),
        ("admin", "/reports/stipends/", True),
        ("officer", "/system/", False),
        ("auditadmin", "/accounts/sessions/", True),
    ],
)
def test_duty_rule(role, path, allowed):
    assert rules.duty_allows(role, path) is allowed


def test_each_administrator_is_refused_outside_their_duty_url_sweep(client, three_admins, county):
    """Every URL of the project and of the admin site, for each of the three: what is not their
    duty answers 403 (or a redirect/404/405 of the page itself), never 200."""
    from django.contrib import admin

    paths = ["/" + re.sub(r"<int:\w+>", "1", re.sub(r"<str:\w+>", "x", p)) for p in project_patterns()]
    paths += [f"/admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry]
    duty_prefix = {"sysadmin": "system", "secadmin": "security", "auditadmin": "audit"}
    opened = {}
    for role, user in three_admins.items():
        client.force_login(user)
        for path in paths:
            status = client.get(path).status_code
            if rules.duty_allows(role, path):
                continue
            assert status in (302, 403, 404, 405), (role, path, status)
            if status == 200:
                opened.setdefault(role, []).append(path)
        assert client.get(f"/{duty_prefix[role]}/").status_code == 200
    assert opened == {}
    refused = AuditEntry.objects.filter(action="access_refused", result="refused")
    assert refused.filter(actor=three_admins["auditadmin"], target="/officers/").exists()
    # the county's own admin cannot open any of the three consoles
    client.force_login(AdminFactory(county=county))
    for console in ("/system/", "/security/", "/audit/"):
        assert client.get(console).status_code == 403


def test_each_admin_site_part_belongs_to_one_administrator(client, three_admins):
    expected = {
        "sysadmin": {
            "/admin/django_celery_beat/periodictask/": 200,
            "/admin/officers/county/": 200,
            "/admin/officers/user/": 403,
            "/admin/core/auditentry/": 403,
        },
        "secadmin": {
            "/admin/officers/user/": 200,
            "/admin/axes/accessattempt/": 200,
            "/admin/core/auditentry/": 403,
            "/admin/officers/county/": 403,
        },
        "auditadmin": {
            "/admin/core/auditentry/": 200,
            "/admin/officers/user/": 403,
            "/admin/django_celery_beat/periodictask/": 403,
        },
    }
    for role, pages in expected.items():
        client.force_login(three_admins[role])
        assert {path: client.get(path).status_code for path in pages} == pages, role


def test_no_account_holds_two_roles(three_admins, county):
    with pytest.raises(ValidationError) as exc:
        accounts.system_admin_upsert(role="auditadmin", phone=PHONES["secadmin"], name="x", password="Abcdef#2026")
    assert exc.value.messages == ["该手机号已是“安全管理员”的账号：三员分立，一个账号只能担任一种角色"]
    # the database refuses a superuser holding a system role, and a system role tied to a county
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=three_admins["sysadmin"].pk).update(is_superuser=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=three_admins["auditadmin"].pk).update(county=county)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=three_admins["auditadmin"].pk).update(role="audit+sec")


def test_security_admin_changes_a_role_audited_and_the_account_signs_in_again(client, three_admins, county):
    reviewer = ReviewerFactory(county=county)
    other = type(client)()
    other.force_login(reviewer)
    client.force_login(three_admins["secadmin"])
    response = client.post(
        reverse("security:account", args=[reviewer.pk]), {"action": "role", "role": "admin", "county": county.pk}
    )
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.role == "admin" and reviewer.is_staff
    entry = AuditEntry.objects.get(action="role_change", actor=three_admins["secadmin"])
    assert entry.target == f"{reviewer.username}：县总工会工作人员 → 县总工会管理员"
    # the system administrator cannot do it
    client.force_login(three_admins["sysadmin"])
    assert client.post(reverse("security:account", args=[reviewer.pk]), {"action": "stop"}).status_code == 403
    reviewer.refresh_from_db()
    assert reviewer.is_active


# ---- two factors -------------------------------------------------------------------------------


def test_staff_need_the_second_factor_enrol_at_first_login_then_verify(client, county):
    admin = AdminFactory(county=county, username="13900000201")
    response = page_login(client, admin.username)
    assert response.status_code == 302
    assert client.get("/reports/stipends/")["Location"].startswith(reverse("otp_verify"))
    assert client.get(reverse("otp_verify"))["Location"].startswith(reverse("otp_enrol"))
    page = client.get(reverse("otp_enrol"))
    assert b"<svg" in page.content and b"http" not in page.content.split(b"<svg", 1)[1].split(b"</svg>")[0]
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    wrong = client.post(reverse("otp_enrol"), {"token": "000000" if totp_now(device) != "000000" else "111111"})
    assert wrong.context["form"].errors == {"token": ["动态码不正确，请输入身份验证器上当前显示的 6 位数字"]}
    assert AuditEntry.objects.filter(action="otp_failed", result="failure", actor=admin).count() == 1
    # django-otp throttles after a wrong code (a growing wait): the person waits, the test resets it
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    codes = client.post(reverse("otp_enrol"), {"token": totp_now(device)}).context["codes"]
    assert len(codes) == 10 and StaticToken.objects.filter(device__user=admin).count() == 10
    assert client.get("/reports/stipends/").status_code == 200
    assert AuditEntry.objects.filter(action="otp_enrol", actor=admin).count() == 1
    # the next login asks for the code of the enrolled app (no new enrolment)
    client.post(reverse("logout"))
    page_login(client, admin.username)
    assert client.get(reverse("otp_verify")).status_code == 200
    assert client.get("/reports/stipends/").status_code == 302
    device.refresh_from_db()
    device.last_t = -1  # the same 30 s window's code again (a new login within the minute)
    device.save()
    response = client.post(reverse("otp_verify"), {"token": totp_now(device), "next": "/reports/stipends/"})
    assert response["Location"] == "/reports/stipends/"
    assert client.get("/reports/stipends/").status_code == 200


def test_a_recovery_code_works_once_and_the_security_admin_resets_a_lost_device(client, county, three_admins):
    reviewer = ReviewerFactory(county=county, username="13900000202")
    page_login(client, reviewer.username)
    codes = enrol(client, reviewer)
    client.post(reverse("logout"))
    page_login(client, reviewer.username)
    assert client.post(reverse("otp_verify"), {"token": codes[0]}).status_code == 302
    assert client.get("/reports/review/").status_code == 200
    assert AuditEntry.objects.filter(action="recovery_used", actor=reviewer).count() == 1
    client.post(reverse("logout"))
    page_login(client, reviewer.username)
    response = client.post(reverse("otp_verify"), {"token": codes[0]})
    assert response.context["form"].errors == {"token": ["动态码或恢复码不正确"]}
    # the phone is lost: the security administrator resets; the reviewer's sessions end
    security = type(client)()
    security.force_login(three_admins["secadmin"])
    assert security.post(reverse("security:account", args=[reviewer.pk]), {"action": "reset_otp"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert client.get("/reports/review/").status_code == 302  # signed out
    entry = AuditEntry.objects.get(action="otp_reset")
    assert entry.actor == three_admins["secadmin"] and entry.target == str(reviewer)
    page_login(client, reviewer.username)
    assert client.get(reverse("otp_verify"))["Location"].startswith(reverse("otp_enrol"))


def test_officers_log_in_with_a_password_unless_the_policy_asks_for_more(client, county, settings):
    officer = OfficerFactory(county=county)
    page_login(client, officer.phone)
    assert client.get(reverse("reports:mine")).status_code == 200
    client.post(reverse("logout"))
    settings.OFFICER_TOTP_REQUIRED = True
    page_login(client, officer.phone)
    assert client.get(reverse("reports:mine"))["Location"].startswith(reverse("otp_verify"))
    enrol(client, officer.user)
    assert client.get(reverse("reports:mine")).status_code == 200


# ---- passwords -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Abcdefgh", False),
        ("abcdef12", False),
        ("Abcdef12", True),
        ("abcdef1!", True),
        ("Ab1!", False),
        ("ABCD1234", False),
        ("测试密码Ab12", True),
    ],
)
def test_password_complexity(password, ok):
    from unionportal.core.validators import PasswordComplexityValidator

    validator = PasswordComplexityValidator(min_length=8, min_kinds=3)
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError) as exc:
            validator.validate(password)
        assert exc.value.messages == ["密码须至少 8 位，并包含大写字母、小写字母、数字、符号中的至少 3 种。"]


def test_none_of_the_last_five_passwords_again(county):
    user = OfficerFactory(county=county).user
    chosen = [PASSWORD] + [f"Wuxun#202{n}a" for n in range(5)]
    for new in chosen[1:]:
        officer_services.password_change(user=user, password=new)
    user.refresh_from_db()
    for old, message in ((chosen[4], "新密码不能与原密码相同"), (chosen[1], "新密码不能与最近 5 次使用过的密码相同")):
        with pytest.raises(ValidationError) as exc:
            officer_services.password_change(user=user, password=old)
        assert exc.value.message_dict == {"new_password1": [message]}
    officer_services.password_change(user=user, password=PASSWORD)  # six passwords ago: allowed again
    assert AuditEntry.objects.filter(action="password_change", actor=user).count() == 6


def test_staff_password_expires_after_ninety_days(client, county):
    reviewer = ReviewerFactory(county=county, username="13900000203")
    User.objects.filter(pk=reviewer.pk).update(password_changed_at=timezone.now() - timedelta(days=89))
    page_login(client, reviewer.username)
    enrol(client, reviewer)
    assert client.get("/reports/review/").status_code == 200
    client.post(reverse("logout"))
    User.objects.filter(pk=reviewer.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    page_login(client, reviewer.username)
    device = TOTPDevice.objects.get(user=reviewer, confirmed=True)
    device.last_t = -1
    device.save()
    client.post(reverse("otp_verify"), {"token": totp_now(device)})
    assert client.get("/reports/review/")["Location"] == reverse("password_change")
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Sheyang#2027", "new_password2": "Sheyang#2027"},
    )
    assert client.get("/reports/review/").status_code == 200


# ---- idle timeout and sessions -------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    import unionportal.core.middleware as middleware

    class Clock:
        now = 1_800_000_000.0

        def time(self):
            return self.now

    clock = Clock()
    monkeypatch.setattr(middleware, "time", clock)
    return clock


@pytest.mark.parametrize(
    ("factory", "url", "limit"), [("staff", "/reports/review/", 30 * 60), ("officer", "/reports/", 8 * 3600)]
)
def test_idle_timeout_per_role(client, county, clock, factory, url, limit):
    user = ReviewerFactory(county=county) if factory == "staff" else OfficerFactory(county=county).user
    client.force_login(user)
    assert client.get(url).status_code == 200
    clock.now += limit - 5
    assert client.get(url).status_code == 200  # activity within the limit keeps the session
    clock.now += limit - 5
    assert client.get(url).status_code == 200
    clock.now += limit + 5
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(url).status_code == 302  # the session is gone, not only this request


def test_the_policy_page_sets_the_idle_limit_of_new_sessions(client, county, three_admins, clock):
    client.force_login(three_admins["secadmin"])
    response = client.post(
        reverse("security:policy"),
        {"staff_idle_minutes": 10, "officer_idle_minutes": 480, "staff_password_days": 90, "officer_password_days": 0},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.get(action="settings_change").target == "工作人员空闲退出（分钟）：30 → 10"
    reviewer = ReviewerFactory(county=county, username="13900000204")
    other = type(client)()
    page_login(other, reviewer.username)
    enrol(other, reviewer)
    assert other.session["_idle"] == 600
    other.get("/reports/review/")
    clock.now += 601
    assert other.get("/reports/review/").status_code == 302


def test_a_user_sees_and_ends_their_sessions(client, county):
    officer = OfficerFactory(county=county)
    phone_client, desk_client = type(client)(), type(client)()
    page_login(phone_client, officer.phone, HTTP_USER_AGENT="Phone", REMOTE_ADDR="198.51.100.7")
    page_login(desk_client, officer.phone, HTTP_USER_AGENT="Desk")
    page = desk_client.get(reverse("sessions"))
    assert [s.user_agent for s in page.context["sessions"]] == ["Desk", "Phone"] or sorted(
        s.user_agent for s in page.context["sessions"]
    ) == ["Desk", "Phone"]
    phone_row = UserSession.objects.get(user=officer.user, user_agent="Phone")
    assert phone_row.ip_address == "198.51.100.7"
    desk_client.post(reverse("sessions"), {"session_key": phone_row.session_key})
    assert phone_client.get(reverse("reports:mine")).status_code == 302
    assert desk_client.get(reverse("reports:mine")).status_code == 200
    # someone else's session key is not ended from here
    stranger = OfficerFactory(county=county)
    stranger_client = type(client)()
    page_login(stranger_client, stranger.phone)
    key = UserSession.objects.get(user=stranger.user).session_key
    desk_client.post(reverse("sessions"), {"session_key": key})
    assert stranger_client.get(reverse("reports:mine")).status_code == 200


def test_a_stopped_account_is_signed_out_at_once(client, county):
    officer = OfficerFactory(county=county)
    page_login(client, officer.phone)
    assert client.get(reverse("reports:mine")).status_code == 200
    key = client.session.session_key
    officer_services.officer_change_status(
        officer=officer, to_status=Officer.Status.SUSPENDED, actor=AdminFactory(county=county), reason="停用"
    )
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(user=officer.user).exists()
    assert client.get(reverse("reports:mine")).status_code == 302


def test_logins_failures_and_lockouts_are_audited(client, county, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    officer = OfficerFactory(county=county, phone="13815119001")
    page_login(client, officer.phone, "wrong-password", REMOTE_ADDR="203.0.113.5")
    page_login(client, officer.phone, "wrong-password", REMOTE_ADDR="203.0.113.5")
    page_login(client, officer.phone, PASSWORD, REMOTE_ADDR="203.0.113.5")
    failed = AuditEntry.objects.filter(action="login_failed")
    assert failed.count() >= 2 and set(failed.values_list("target", "ip_address", "result")) == {
        ("13815119001", "203.0.113.5", "failure")
    }
    assert AuditEntry.objects.filter(action="lockout", target="13815119001", result="refused").exists()
    page_login(client, officer.phone, PASSWORD, REMOTE_ADDR="198.51.100.9")
    login = AuditEntry.objects.get(action="login")
    assert (login.actor, login.ip_address, login.county_id) == (officer.user, "198.51.100.9", county.pk)


# ---- the first-run path of the operator's guide ---------------------------------------------------


def test_first_run_path_on_a_fresh_database(client):
    out = io.StringIO()
    call_command("create_county", "--code", "320922", "--name", "滨海县", stdout=out)
    for role, flag in (("sysadmin", "system"), ("secadmin", "security"), ("auditadmin", "audit")):
        call_command(
            "create_system_admin",
            "--role",
            flag,
            "--phone",
            PHONES[role],
            "--name",
            role,
            "--password",
            PASSWORDS[role],
            stdout=out,
        )
    assert "已创建：secadmin（13900000102，安全管理员）" in out.getvalue()
    for role in ("sysadmin", "secadmin", "auditadmin"):
        user = User.objects.get(username=PHONES[role])
        c = type(client)()
        assert page_login(c, PHONES[role], PASSWORDS[role]).status_code == 302
        assert c.get("/")["Location"].startswith(reverse("otp_verify"))
        enrol(c, user)
        assert c.get("/")["Location"] == reverse("password_change")
        new = PASSWORDS[role] + "x"
        c.post(
            reverse("password_change"), {"old_password": PASSWORDS[role], "new_password1": new, "new_password2": new}
        )
        console = {"sysadmin": "/system/", "secadmin": "/security/", "auditadmin": "/audit/"}[role]
        assert c.get("/")["Location"] == console
        assert c.get(console).status_code == 200
    with pytest.raises(Exception) as exc:
        call_command(
            "create_system_admin",
            "--role",
            "audit",
            "--phone",
            PHONES["sysadmin"],
            "--name",
            "x",
            "--password",
            "Abcdef#2026",
        )
    assert "三员分立" in str(exc.value)


def test_second_factor_state_is_not_taken_from_a_guess(client, county):
    """A forged session key value is not a verification: only django_otp.login sets it."""
    admin = AdminFactory(county=county, username="13900000205")
    page_login(client, admin.username)
    with mock.patch.object(two_factor, "has_second_factor", return_value=True):
        assert client.get(reverse("otp_verify")).status_code == 200
    assert client.get("/dashboard/").status_code == 302
