"""Security rules, and a sweep of every URL of the project against another county's objects."""

import re
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth.hashers import check_password
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from disputes import services as dispute_services
from officers import services as officer_services
from reports import services as report_services
from tests.factories import (
    EMERGENCY_ESSENTIALS,
    PASSWORD,
    AdminFactory,
    EnterpriseFactory,
    OfficerFactory,
    RegionalReviewerFactory,
    ReportFactory,
    ReviewerFactory,
    TownshipFactory,
    image_bytes,
)
from unionportal.core.notifications import notifications_mark_read
from unionportal.overview import notices as notice_services
from unionportal.overview import services as overview_services
from unionportal.overview import summaries

pytestmark = pytest.mark.django_db


def project_patterns(resolver=None, prefix=""):
    """Every URL pattern of the project (not the admin, which has its own scoped classes)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue
            yield from project_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def align_sequences() -> None:
    """Restart every table's id sequence at one number above all of them. The objects of every kind
    made after this share a few ids (the first of each table has the same id, and so on), so the
    sweep asks for those few on every URL instead of every id of every table, and still reaches
    every object. Sequences do not restart between tests, so the start is above anything in use."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT sequencename, COALESCE(last_value, 0) FROM pg_sequences WHERE schemaname = 'public'")
        sequences = cursor.fetchall()
        start = max(value for _, value in sequences) + 1000
        for name, _ in sequences:
            cursor.execute("SELECT setval(%s, %s, false)", [name, start])


def foreign_county_world(other_county) -> list[int]:
    """One object of every kind, all in the other county; returns every id they have (sequences
    do not restart between tests on PostgreSQL, so the sweep asks for these ids, not 1, 2, 3)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    align_sequences()
    reviewer = ReviewerFactory(county=other_county)
    officer = OfficerFactory(county=other_county)
    report = ReportFactory(officer=officer)
    report_services.report_save(
        officer=officer,
        report=report,
        data={},
        submit=True,
        files=[SimpleUploadedFile("a.png", image_bytes(), content_type="image/png")],
    )
    case = dispute_services.case_register(
        county=other_county,
        actor=reviewer,
        dispute_type="other",
        workers_involved=2,
        enterprise=EnterpriseFactory(county=other_county),
    )
    dispute_services.case_attach(
        case=case, actor=reviewer, files=[SimpleUploadedFile("b.png", image_bytes(), content_type="image/png")]
    )
    summary = summaries.summary_build(county=other_county, month=date(2026, 10, 1))
    overview_services.action_add(
        summary=summary, actor=reviewer, description="x", owner=reviewer, due_on=timezone.localdate()
    )
    officer_services.activity_create(
        county=other_county, actor=None, kind="exchange", held_on=date(2026, 5, 1), topic="外县活动"
    )
    notifications_mark_read(user=reviewer)
    # Issue 17: a commission to the other county's officer, and its notices (a draft and a published one).
    with mock.patch("unionportal.core.outbox.enqueue"):
        report_services.commission_create(
            county=other_county, actor=reviewer, topic="外县约稿", due_on=timezone.localdate()
        )
        notice_services.notice_build(county=other_county, month=date(2026, 9, 1))
        notice_services.notice_publish(
            notice=notice_services.notice_build(county=other_county, month=date(2026, 8, 1)), actor=None
        )
    # An event with a 续报, a phone report, a merged duplicate and a 漏报 (issue 16).
    emergency = report_services.report_save(
        officer=officer,
        data={
            "title": "外县突发",
            "content": "职工聚集",
            "category": "mass_incident",
            "urgency": "emergency",
            "occurred_at": timezone.now() - timedelta(minutes=5),
            "township": TownshipFactory(county=other_county),
            **EMERGENCY_ESSENTIALS,
        },
        submit=True,
    )
    event = emergency.event_entry.event
    report_services.event_entry_file(event=event, kind="followup", actor=officer.user, data={"situation": "进展"})
    report_services.event_entry_file(
        event=event, kind="followup", actor=reviewer, officer=officer, phone=True, data={"situation": "电话"}
    )
    report_services.report_merge(report=ReportFactory(officer=officer), actor=reviewer, into_event=event)
    report_services.event_followups_check(event_id=event.pk, now=timezone.now() + timedelta(days=3))
    # Risk levels and supervision items (督办), with an extension waiting, in the other county.
    report_services.risk_level_set(subject=report, level="red", reason="外县风险", actor=reviewer)
    report_services.risk_level_set(subject=case, level="blue", reason="外县案件", actor=reviewer)
    report_services.risk_level_set(subject=event, level="orange", reason="外县事件", actor=reviewer)
    from reports.models import SupervisionItem

    assert SupervisionItem.objects.filter(event=event).exists()  # reports:event_risk is swept with its ids

    foreign_item = SupervisionItem.objects.filter(report=report).get()
    report_services.extension_request(
        item=foreign_item, actor=reviewer, new_due_at=foreign_item.due_at + timedelta(days=2), reason="外县延期"
    )
    bulletin_ids = foreign_bulletins_and_instructions(other_county, reviewer, report)
    from disputes.models import CaseAttachment, DisputeCase
    from officers.models import Activity, Enterprise, Officer
    from reports.models import (
        Commission,
        CommissionRecipient,
        Event,
        EventEntry,
        Lead,
        MissedFollowup,
        Report,
        ReportAttachment,
        RiskAssessment,
        SupervisionExtension,
    )
    from unionportal.overview.models import MonthlySummary, RankingNotice, SummaryAction

    ids = set()
    for model in (
        Officer,
        Report,
        ReportAttachment,
        DisputeCase,
        CaseAttachment,
        MonthlySummary,
        SummaryAction,
        Activity,
        Commission,
        CommissionRecipient,
        RankingNotice,
        Event,
        EventEntry,
        MissedFollowup,
        Lead,
        Enterprise,
        SupervisionItem,
        SupervisionExtension,
        RiskAssessment,
    ):
        assert model.objects.exists(), model
        ids.update(model.objects.values_list("pk", flat=True))
    ids.update(bulletin_ids)
    return sorted(ids)


def foreign_bulletins_and_instructions(other_county, reviewer, report) -> set[int]:
    """Issue 15's objects of the other county: a receipt with its scan, its bulletin (a signed issue
    and a draft, with items) and an instruction with its follow-up and scan."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports.models import Adoption, BulletinIssue, BulletinItem, FollowUp, Instruction, Publication, Report

    Report.objects.filter(pk=report.pk).update(status="reviewed", grade="qualified")
    report.refresh_from_db()
    admin = AdminFactory(county=other_county)
    report_services.report_adopt(
        report=report,
        actor=reviewer,
        body="盐城市委办公室",
        adopted_on=timezone.localdate(),
        source=Adoption.Source.RECEIPT,
        receipt=SimpleUploadedFile("c.png", image_bytes(), content_type="image/png"),
    )
    publication = report_services.publication_create(actor=admin, name="外县工作信息")
    for sign in (True, False):
        issue = report_services.issue_create(publication=publication, actor=reviewer)
        report_services.item_add(issue=issue, actor=reviewer, report_id=report.pk)
        report_services.issue_update(issue=issue, actor=reviewer, signer="外县主席")
        if sign:
            report_services.issue_sign(issue=issue, actor=reviewer)
    report_services.instruction_record(
        report=report,
        bulletin_item=BulletinItem.objects.filter(issue__state="signed").first(),
        actor=reviewer,
        leader="外县书记",
        rank="county",
        text="请落实",
        given_on=timezone.localdate(),
        owner=reviewer,
        due_on=timezone.localdate(),
        scan=SimpleUploadedFile("d.png", image_bytes(), content_type="image/png"),
    )
    ids = set()
    for model in (Adoption, Publication, BulletinIssue, BulletinItem, Instruction, FollowUp):
        ids.update(model.objects.values_list("pk", flat=True))
    return ids


ALLOWED = {302, 403, 404, 405}


def signed_in(client) -> bool:
    """Whether the client's session still names a user (a swept URL may end the session it came with)."""
    return "_auth_user_id" in client.session


def sweep(client, user, patterns, ids, check) -> list:
    """GET and POST every pattern with every id as ``user``; ``check(pattern, path, method, response)``
    says what is wrong with an answer, or None. Signed in once per pattern; a pattern whose requests
    end the session is swept again with a fresh sign-in before each request, so no leak hides behind
    an anonymous redirect."""
    problems = []
    for pattern in patterns:
        paths = ["/" + re.sub(r"<int:\w+>", str(object_id), pattern) for object_id in ids]
        client.force_login(user)
        found = []
        for path in paths:
            for method in ("get", "post"):
                found.append(check(pattern, path, method, getattr(client, method)(path)))
        if not signed_in(client):
            found = []
            for path in paths:
                for method in ("get", "post"):
                    client.force_login(user)
                    found.append(check(pattern, path, method, getattr(client, method)(path)))
        problems += [problem for problem in found if problem]
    return problems


def refused(role):
    """A check for :func:`sweep`: anything but a refusal is a leak."""

    def check(pattern, path, method, response):
        return None if response.status_code in ALLOWED else (role, method, path, response.status_code)

    return check


def test_every_url_refuses_another_countys_objects(client, county, other_county):
    ids = foreign_county_world(other_county)
    # and the other county's item forwarded to the city both counties belong to, and on to the province
    _, first, second, _ = forwarded_world(county, other_county)
    ids = sorted({*ids, first.pk, second.pk})
    people = {
        "reviewer": ReviewerFactory(county=county),
        "admin": AdminFactory(county=county),
        # an id no object of the other county has
        "officer": OfficerFactory(county=county, id=max(ids) + 1000).user,
    }
    patterns = [p for p in project_patterns() if "<int:" in p]
    assert len(patterns) >= 20  # the sweep sees the project's object URLs
    leaks = []
    for role, user in people.items():
        leaks += sweep(client, user, patterns, ids, refused(role))
    assert leaks == []


def test_every_url_refuses_objects_of_other_units_above_the_county(client, county, other_county):
    """The same sweep at the levels above the county: the other county sits under 盐城市 with its
    own objects and the city's bulletin; the staff of 南京市 and of a county under it, and an officer
    there, reach none of them (issue 15)."""
    from officers.models import Region
    from tests.factories import RegionFactory

    province = RegionFactory(code="320000", name="江苏省", level=Region.Level.PROVINCE)
    yancheng = RegionFactory(code="320900", name="盐城市", parent=province)
    nanjing = RegionFactory(code="320100", name="南京市", parent=province)
    other_county.region = yancheng
    other_county.save()
    county.region = nanjing
    county.save()
    ids = foreign_county_world(other_county)
    city_admin = AdminFactory(county=None, region=yancheng)
    from reports.models import Report

    forwarded_stand_in = Report.objects.filter(adoptions__isnull=False).distinct().get()  # the reviewed item
    report_services.report_adopt(
        report=forwarded_stand_in,
        actor=city_admin,
        body="盐城市总工会",
        adopted_on=timezone.localdate(),
        source="unit",
        region=yancheng,
    )
    city_issue = report_services.issue_create(
        publication=report_services.publication_create(actor=city_admin, name="盐城工会信息"), actor=city_admin
    )
    report_services.item_add(issue=city_issue, actor=city_admin, report_id=forwarded_stand_in.pk)
    report_services.issue_update(issue=city_issue, actor=city_admin, signer="市主席")
    report_services.issue_sign(issue=city_issue, actor=city_admin)
    from reports.models import Adoption, BulletinIssue, BulletinItem, Publication

    for model in (Adoption, Publication, BulletinIssue, BulletinItem):
        ids = sorted(set(ids) | set(model.objects.values_list("pk", flat=True)))
    people = {
        "nanjing_reviewer": ReviewerFactory(county=None, region=nanjing),
        "nanjing_admin": AdminFactory(county=None, region=nanjing),
        "county_under_nanjing": ReviewerFactory(county=county),
        "officer_under_nanjing": OfficerFactory(county=county, id=max(ids) + 1000).user,
    }
    patterns = [p for p in project_patterns() if "<int:" in p]
    leaks = []
    for role, user in people.items():
        leaks += sweep(client, user, patterns, ids, refused(role))
    assert leaks == []


def test_the_sweep_would_catch_a_view_that_forgets_scoping(client, county, other_county, settings):
    """A stand-in for a careless new view: it loads a report without visible_to and shows it."""
    from django.http import HttpResponse
    from django.urls import path

    from reports.models import Report
    from unionportal import urls as project_urls

    def careless(request, pk):
        return HttpResponse(Report.objects.get(pk=pk).title)

    module = type(project_urls)("careless_urls")
    module.urlpatterns = [path("careless/<int:pk>/", careless), *project_urls.urlpatterns]
    import sys

    sys.modules["careless_urls"] = module
    settings.ROOT_URLCONF = "careless_urls"
    foreign_county_world(other_county)
    client.force_login(ReviewerFactory(county=county))
    foreign_report = Report.objects.order_by("pk").first()
    assert client.get(f"/careless/{foreign_report.pk}/").status_code == 200  # what the sweep flags as a leak


class TestLoginThrottling:
    @override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
    def test_locked_out_after_repeated_failures_then_unlocked(self, client, county):
        from axes.models import AccessAttempt

        officer = OfficerFactory(county=county, phone="13815110004")
        for _ in range(3):
            client.post(reverse("login"), {"username": "13815110004", "password": "wrong-password"})
        response = client.post(reverse("login"), {"username": "13815110004", "password": PASSWORD})
        assert response.status_code == 429
        assert "登录已暂时锁定" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert AccessAttempt.objects.filter(username="13815110004").exists()
        # The officer calls the admin, who sets a new password on the officer's page: usable at once.
        client.force_login(AdminFactory(county=county))
        response = client.post(
            reverse("officers:password", args=[officer.pk]), {"password1": "Kanbei#2026", "password2": "Kanbei#2026"}
        )
        assert response.status_code == 302
        client.logout()
        assert not AccessAttempt.objects.filter(username="13815110004").exists()
        response = client.post(reverse("login"), {"username": "13815110004", "password": "Kanbei#2026"})
        assert response.status_code == 302 and client.session["_auth_user_id"] == str(officer.user.pk)


PROXY, ALICE, MALLORY = "10.0.0.5", "198.51.100.20", "203.0.113.66"


def login(client, phone, password, *, via_proxy_for=None, remote=None, forwarded=None):
    """A login POST from ``remote``; ``via_proxy_for``: through the trusted proxy for that client."""
    meta = {"REMOTE_ADDR": remote or (PROXY if via_proxy_for else MALLORY)}
    if via_proxy_for or forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded or f"6.6.6.6, {via_proxy_for}"  # the left hop is forged
    return client.post(reverse("login"), {"username": phone, "password": password}, **meta)


class TestClientAddressBehindTheProxy:
    @pytest.fixture(autouse=True)
    def behind_the_proxy(self, settings):
        settings.AXES_ENABLED = True
        settings.AXES_FAILURE_LIMIT = 5
        settings.AXES_ADDRESS_FAILURE_LIMIT = 30
        settings.TRUSTED_PROXIES = [PROXY]

    def test_audit_rows_record_the_client_not_the_proxy(self, client, county):
        from unionportal.core.models import AuditEntry

        report = ReportFactory(officer=OfficerFactory(county=county))
        client.force_login(ReviewerFactory(county=county))
        client.get(reverse("reports:detail", args=[report.pk]), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ALICE)
        # the same header from a client that is not the proxy is the client's own invention
        client.get(reverse("reports:detail", args=[report.pk]), REMOTE_ADDR=MALLORY, HTTP_X_FORWARDED_FOR=ALICE)
        addresses = AuditEntry.objects.filter(action="view_report").order_by("pk").values_list("ip_address", flat=True)
        assert list(addresses) == [ALICE, MALLORY]

    def test_five_wrong_passwords_elsewhere_do_not_lock_the_admin_out(self, client, county):
        from axes.models import AccessAttempt

        admin = AdminFactory(county=county, username="13900000077")
        for _ in range(5):
            assert login(client, admin.username, "wrong-password", via_proxy_for=MALLORY).status_code in (200, 429)
        assert login(client, admin.username, PASSWORD, via_proxy_for=MALLORY).status_code == 429
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {MALLORY}
        response = login(client, admin.username, PASSWORD, via_proxy_for=ALICE)
        assert response.status_code == 302 and client.session["_auth_user_id"] == str(admin.pk)

    def test_a_forged_header_from_outside_does_not_dodge_the_lock(self, client, county):
        officer = OfficerFactory(county=county, phone="13815110005")
        for n in range(5):
            login(client, officer.phone, "wrong-password", remote=MALLORY, forwarded=f"192.0.2.{n}")
        assert login(client, officer.phone, PASSWORD, remote=MALLORY, forwarded="192.0.2.99").status_code == 429
        assert login(client, officer.phone, PASSWORD, remote=ALICE).status_code == 302

    def test_one_address_trying_many_phones_is_locked_for_every_phone(self, client, county, settings):
        settings.AXES_ADDRESS_FAILURE_LIMIT = 8
        victims = [OfficerFactory(county=county, phone=f"1381511010{i}") for i in range(4)]
        for victim in victims:
            for _ in range(2):  # under the pair limit of 5 for each phone
                login(client, victim.phone, "wrong-password", via_proxy_for=MALLORY)
        bystander = OfficerFactory(county=county, phone="13815110199")
        response = login(client, bystander.phone, PASSWORD, via_proxy_for=MALLORY)
        assert response.status_code == 429 and "登录已暂时锁定" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert login(client, bystander.phone, PASSWORD, via_proxy_for=ALICE).status_code == 302

    def test_under_the_address_limit_other_phones_still_log_in(self, client, county, settings):
        settings.AXES_ADDRESS_FAILURE_LIMIT = 8
        victim = OfficerFactory(county=county, phone="13815110101")
        for _ in range(4):
            login(client, victim.phone, "wrong-password", via_proxy_for=MALLORY)
        bystander = OfficerFactory(county=county, phone="13815110199")
        assert login(client, bystander.phone, PASSWORD, via_proxy_for=MALLORY).status_code == 302


class TestPasswordSetByAdmin:
    def test_officer_must_choose_a_new_password(self, client, county):
        officer = OfficerFactory(county=county, password=None)
        officer_services.officer_set_password(officer=officer, password="Kanbei#2026", actor=None)
        client.post(reverse("login"), {"username": officer.phone, "password": "Kanbei#2026"})
        assert client.get("/reports/")["Location"] == reverse("password_change")
        assert client.get("/").status_code == 302
        client.post(
            reverse("password_change"),
            {"old_password": "Kanbei#2026", "new_password1": "Wuxun#2027a", "new_password2": "Wuxun#2027a"},
        )
        officer.user.refresh_from_db()
        assert officer.user.password_change_required is False
        assert client.get("/").status_code == 200

    def change(self, client, old, new):
        return client.post(
            reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
        )

    def test_the_password_the_admin_set_is_refused_as_the_new_one(self, client, county):
        officer = OfficerFactory(county=county, password=None)
        officer_services.officer_set_password(officer=officer, password="Kanbei#2026", actor=None)
        client.post(reverse("login"), {"username": officer.phone, "password": "Kanbei#2026"})
        response = self.change(client, "Kanbei#2026", "Kanbei#2026")
        assert response.status_code == 200
        assert response.context["form"].errors == {"new_password1": ["新密码不能与管理员设置的初始密码相同"]}
        officer.user.refresh_from_db()
        assert officer.user.password_change_required is True and officer.user.check_password("Kanbei#2026")
        assert client.get("/reports/")["Location"] == reverse("password_change")  # still held at the page

    def test_after_a_reset_the_officers_previous_password_is_refused_too(self, client, county):
        from officers.models import PasswordHistory

        officer = OfficerFactory(county=county)  # has chosen PASSWORD
        officer_services.officer_set_password(officer=officer, password="Kanbei#2026", actor=None)
        client.post(reverse("login"), {"username": officer.phone, "password": "Kanbei#2026"})
        response = self.change(client, "Kanbei#2026", PASSWORD)
        assert response.context["form"].errors == {"new_password1": ["新密码不能与原密码相同"]}
        assert self.change(client, "Kanbei#2026", "Wuxun#2027a").status_code == 302
        officer.user.refresh_from_db()
        assert officer.user.password_change_required is False and officer.user.check_password("Wuxun#2027a")
        assert client.get("/").status_code == 200  # still logged in after the change
        # only the password the officer chose is kept, never the one the admin set
        kept = list(PasswordHistory.objects.filter(user=officer.user).values_list("password", flat=True))
        assert len(kept) == 1 and check_password(PASSWORD, kept[0]) and not check_password("Kanbei#2026", kept[0])

    def test_a_chosen_password_cannot_be_chosen_again_nor_the_one_before(self, client, county):
        officer = OfficerFactory(county=county)
        client.force_login(officer.user)
        response = self.change(client, PASSWORD, PASSWORD)
        assert response.context["form"].errors == {"new_password1": ["新密码不能与原密码相同"]}
        assert self.change(client, PASSWORD, "Wuxun#2027a").status_code == 302
        response = self.change(client, "Wuxun#2027a", PASSWORD)
        assert response.context["form"].errors == {"new_password1": ["新密码不能与原密码相同"]}
        officer.user.refresh_from_db()
        assert officer.user.check_password("Wuxun#2027a")

    def test_staff_reset_by_command_cannot_keep_the_commands_password(self, county):
        from django.core.exceptions import ValidationError

        user, _ = officer_services.staff_upsert(
            phone="13900000006", name="新管理员", county_code="320922", role="admin", password="Binhai@2026"
        )
        with pytest.raises(ValidationError) as exc:
            officer_services.password_change(user=user, password="Binhai@2026")
        assert exc.value.message_dict == {"new_password1": ["新密码不能与管理员设置的初始密码相同"]}
        officer_services.password_change(user=user, password="Sheyang@2027")
        user.refresh_from_db()
        assert user.password_change_required is False and user.check_password("Sheyang@2027")

    def test_a_password_like_the_phone_is_refused_in_the_portals_words(self, county):
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        officer = OfficerFactory(county=county, phone="13815110004")
        with pytest.raises(ValidationError) as exc:
            validate_password("Xa13815110004", officer.user)  # complex enough, too like the phone
        assert exc.value.messages == ["密码跟 手机号 太相似了。"]

    def test_staff_created_by_command_must_change_too(self, county):
        user, _ = officer_services.staff_upsert(
            phone="13900000005", name="新管理员", county_code="320922", role="admin", password="Binhai@2026"
        )
        assert user.password_change_required is True


def test_security_headers(client, county):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_inline_scripts_or_styles_in_templates():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for template in root.rglob("*.html"):
        if template.name == "500.html":
            continue  # rendered without the portal's static files, when things have failed
        text = template.read_text(encoding="utf-8")
        if (
            re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", text)
            or ' style="' in text
            or " on" + "click=" in text
        ):
            offenders.append(template.name)
    assert offenders == []


def test_officer_text_is_escaped_everywhere(client, county):
    payload = '<script>alert("x")</script>'
    officer = OfficerFactory(county=county, name="甲", recommended_by=payload)
    report = ReportFactory(officer=officer, title=payload, content=payload, enterprise_name=payload)
    reviewer = ReviewerFactory(county=county)
    client.force_login(reviewer)
    for url in (f"/reports/{report.pk}/", "/reports/review/", f"/officers/{officer.pk}/", "/officers/"):
        body = client.get(url).content.decode()
        assert payload not in body, url
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in client.get(f"/reports/{report.pk}/").content.decode()
    client.force_login(officer.user)
    assert payload not in client.get(f"/reports/{report.pk}/").content.decode()


def test_uploaded_images_are_re_encoded(county):
    """Metadata and anything appended to an image do not survive the upload."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="JPEG")
    payload = buffer.getvalue() + b"<script>alert(1)</script>"
    officer = OfficerFactory(county=county)
    report = report_services.report_save(
        officer=officer,
        data={"title": "t", "content": "c", "occurred_at": timezone.now() - timedelta(hours=1)},
        submit=True,
        files=[SimpleUploadedFile("x.jpg", payload, content_type="image/jpeg")],
    )
    stored = report.attachments.get().file.read()
    assert b"<script>" not in stored
    assert Image.open(io.BytesIO(stored)).size == (4, 4)
    assert report.attachments.get().size == len(stored)
    assert Decimal(report.attachments.get().size) > 0


# ---- the unit tree (issue 15): staff of a city and of a province, on every URL ----------------------


def forwarded_world(county, other_county):
    """Above :func:`foreign_county_world`: the tree, an item of ``other_county`` forwarded to the city
    (with its attachments) and on to the province. Returns (units, first item, second item, officer)."""
    from reports.models import Report
    from tests.factories import unit_tree

    units = unit_tree(county, other_county)
    # the first report of the foreign world: submitted with its attachment, not merged into an event
    report = Report.objects.filter(county=other_county, attachments__isnull=False).select_related("officer").get()
    sender = ReviewerFactory(county=other_county)
    first = report_services.item_forward(
        report=report, actor=sender, title="上报的欠薪信息", content="经县总工会核实", with_attachments=True
    )
    city_staff = RegionalReviewerFactory(region=units["city"])
    second = report_services.item_forward_on(item=first, actor=city_staff, title="转报的欠薪信息", content="市总转报")
    return units, first, second, report.officer


def region_people(units) -> dict:
    return {
        "city reviewer": RegionalReviewerFactory(region=units["city"]),
        "city admin": RegionalReviewerFactory(region=units["city"], role="admin", is_staff=True),
        "province reviewer": RegionalReviewerFactory(region=units["province"]),
        "other city reviewer": RegionalReviewerFactory(region=units["other_city"]),
    }


def test_every_url_refuses_county_objects_to_staff_above(client, county, other_county):
    """Staff of the city the other county belongs to, of the province and of another city: every
    object URL of the county's own material (officers, reports, cases, summaries, attachments) is
    refused; of the forwarded items, another city's staff get nothing at all."""
    ids = foreign_county_world(other_county)
    units, first, second, officer = forwarded_world(county, other_county)
    people = region_people(units)
    patterns = [p for p in project_patterns() if "<int:" in p]
    forwarded = [p for p in patterns if p.startswith("reports/forwarded/")]
    assert len(forwarded) == 7
    # What reached the units above on purpose: the forwarded items (their queue's, tested below) and
    # the instructions on the counties' items, which the city and the province see by design
    # (Instruction.visible_to opts in with county_below). They may open those, never see the officer.
    theirs = (*forwarded, *(p for p in patterns if p.startswith("reports/instructions/")))
    leaks = []
    for role, user in people.items():

        def check(pattern, path, method, response, role=role):
            above = pattern in theirs and role != "other city reviewer"
            answered = response.status_code in ALLOWED or (above and response.status_code < 500)
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            if not answered or officer.name in raw.decode(errors="replace"):
                return (role, method, path, response.status_code)
            return None

        leaks += sweep(client, user, patterns, [*ids, first.pk, second.pk], check)
    assert leaks == [], "\n".join(map(str, leaks))


def test_forwarded_pages_at_every_level(client, county, other_county):
    from reports.models import ReportAttachment

    foreign_county_world(other_county)
    units, first, second, officer = forwarded_world(county, other_county)
    people = region_people(units)
    attachment = ReportAttachment.objects.get(report=first.report)
    expected = {
        # role: (the city's item, the province's item)
        "city reviewer": (200, 200),
        "city admin": (200, 200),
        "province reviewer": (200, 200),
        "other city reviewer": (404, 404),
    }
    for role, user in people.items():
        client.force_login(user)
        for item, status in zip((first, second), expected[role], strict=True):
            for url in (
                reverse("reports:forwarded", args=[item.pk]),
                reverse("reports:forwarded_attachment", args=[item.pk, attachment.pk]),
            ):
                response = client.get(url)
                assert response.status_code == status, (role, url)
                if status == 200 and "attachments" not in url:
                    body = response.content.decode()
                    assert officer.name not in body and officer.phone not in body, (role, url)
        # the original report stays the county's
        assert client.get(reverse("reports:detail", args=[first.report_id])).status_code == 404
        assert client.get(reverse("reports:attachment", args=[attachment.pk])).status_code == 404
    # the county's own reviewer of the other (neighbouring) county sees neither
    client.force_login(ReviewerFactory(county=county))
    assert client.get(reverse("reports:forwarded", args=[first.pk])).status_code == 404


def test_staff_above_get_a_sensible_page_on_every_url(client, county, other_county):
    """Every address without an object, as a city reviewer, a city admin and a province reviewer: a
    page (their own, or a refusal in Chinese), never a server error, never an officer's name."""
    foreign_county_world(other_county)
    units, first, second, officer = forwarded_world(county, other_county)
    people = region_people(units)
    plain = [p for p in project_patterns() if "<" not in p and p != "accounts/logout/"]
    problems = []
    for role, user in people.items():
        for pattern in plain:
            client.force_login(user)
            response = client.get("/" + pattern)
            body = response.content.decode(errors="replace")
            if (
                response.status_code not in (200, 301, 302, 403, 404, 405)
                or officer.name in body
                or officer.phone in body
            ):
                problems.append((role, pattern, response.status_code))
            if response.status_code == 403 and "市、省总工会的工作人员" not in body and not refused_anyway(pattern):
                problems.append((role, pattern, "403 without the regional message"))
    assert problems == [], "\n".join(map(str, problems))


# Pages refused to any reviewer for reasons of their own (an officer's pages, an admin's tools).
REFUSED_ANYWAY = {
    "reports/",
    "reports/new/",
    "reports/new/offline/",
    "reports/new/outbox/",
    "officers/sign-in/",
    "officers/import/",  # admins only ("只有系统管理员可以导入台账"); a region's admin is refused too
    "reports/import/",
    "disputes/import/",
    "reports/adoptions/import/",  # a county admin's import of receipts
    "reports/commissions/mine/",  # an officer's own commissions and points
    "reports/points/mine/",
}
# The three system administrators' consoles (三员分立) and an officer's 我的信息: refused to any member
# of a union's staff with their own message.
REFUSED_ANYWAY_UNDER = ("security/", "audit/", "system/", "reports/me/")


def refused_anyway(pattern: str) -> bool:
    return pattern in REFUSED_ANYWAY or pattern.startswith(REFUSED_ANYWAY_UNDER)
