"""PIPL: notice and consent, 我的信息, correction requests, anonymisation after the retention period."""

import io
import json
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from officers import personal
from officers import services as officer_services
from officers.models import CorrectionRequest, NoticeConsent, Officer, OfficerStatusChange
from reports import services as report_services
from reports.models import Report, StipendSheet
from reports.selectors import sheet_lines
from reports.services import anonymise
from reports.tasks import anonymise_dismissed_officers
from tests.factories import AdminFactory, EnterpriseFactory, OfficerFactory, ReportFactory, image_bytes
from unionportal.core.models import AuditEntry, Notification

from .conftest import page_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(db):
    return personal.notice_publish(actor=None, title="个人信息处理告知书", text="我们处理您的姓名、手机号……")


def test_a_new_notice_is_accepted_at_the_next_login_and_asked_again_for_a_new_version(client, county, notice):
    officer = OfficerFactory(county=county)
    page_login(client, officer.phone)
    assert client.get(reverse("reports:mine"))["Location"] == reverse("processing_notice")
    assert client.post(reverse("processing_notice"), {}).status_code == 302  # not ticked: asked again
    assert not NoticeConsent.objects.exists()
    client.post(reverse("processing_notice"), {"accept": "1"})
    consent = NoticeConsent.objects.get()
    assert (consent.officer, consent.notice.version, consent.method) == (officer, 1, "online")
    assert client.get(reverse("reports:mine")).status_code == 200
    client.post(reverse("logout"))
    page_login(client, officer.phone)
    assert client.get(reverse("reports:mine")).status_code == 200  # accepted: not asked again
    client.post(reverse("logout"))
    personal.notice_publish(actor=None, title="个人信息处理告知书", text="新增：……")
    page_login(client, officer.phone)
    assert client.get(reverse("reports:mine"))["Location"] == reverse("processing_notice")


def test_a_paper_notice_signed_at_appointment_is_recorded_with_its_scan(client, county, notice):
    officer = OfficerFactory(county=county)
    client.force_login(AdminFactory(county=county))
    response = client.post(reverse("officers:consent", args=[officer.pk]), {})
    assert response.context["form"].errors == {"scan": ["请上传签字告知书的扫描件"]}
    scan = SimpleUploadedFile("签字.png", image_bytes(), content_type="image/png")
    response = client.post(reverse("officers:consent", args=[officer.pk]), {"scan": scan, "sensitive_consent": "on"})
    assert response.status_code == 302
    consent = NoticeConsent.objects.get()
    assert consent.method == "paper" and consent.sensitive_consent and consent.scan.name
    # the officer signed this version already: no question at login
    officer_client = type(client)()
    page_login(officer_client, officer.phone)
    assert officer_client.get(reverse("reports:mine")).status_code == 200


def test_my_info_returns_exactly_the_officers_data_and_nobody_elses(client, county, other_county):
    me = OfficerFactory(county=county, name="张三", employer=EnterpriseFactory(county=county, name="甲公司"))
    other = OfficerFactory(county=county, name="李四")
    mine = ReportFactory(officer=me, title="我的信息一")
    ReportFactory(officer=other, title="别人的信息")
    ReportFactory(officer=OfficerFactory(county=other_county), title="外县的信息")
    client.force_login(me.user)
    data = client.get(reverse("reports:my_info")).context["data"]
    assert data["sections"]["基本信息"][0]["姓名"] == "张三"
    assert data["sections"]["基本信息"][0]["手机号（登录名）"] == me.phone
    assert data["sections"]["基本信息"][0]["工作单位"] == "甲公司"
    assert [r["标题"] for r in data["sections"]["报送信息"]] == ["我的信息一"]
    body = json.loads(client.get(reverse("reports:my_info_json")).content)
    assert body == json.loads(json.dumps(data, ensure_ascii=False))
    assert "李四" not in json.dumps(body, ensure_ascii=False) and other.phone not in json.dumps(body)
    book = load_workbook(io.BytesIO(client.get(reverse("reports:my_info_xlsx")).content))
    reports = list(book["报送信息"].iter_rows(values_only=True))
    assert len(reports) == 2 and reports[1][0] == mine.pk and reports[1][1] == "我的信息一"
    assert AuditEntry.objects.filter(action="pii_export", actor=me.user).count() == 2
    # staff have no 我的信息 of an officer's kind
    client.force_login(AdminFactory(county=county))
    assert client.get(reverse("reports:my_info")).status_code == 403


def test_a_correction_request_reaches_the_county_admin_as_a_task(client, county, django_capture_on_commit_callbacks):
    admin = AdminFactory(county=county)
    officer = OfficerFactory(county=county)
    client.force_login(officer.user)
    response = client.post(reverse("reports:my_info"), {"text": ""})
    assert response.context["form"].errors == {"text": ["请写明哪一项信息需要更正，以及正确的内容"]}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:my_info"), {"text": "工作单位应为乙公司"})
    correction = CorrectionRequest.objects.get()
    assert Notification.objects.get(recipient=admin).title == f"信息员{officer.name}申请更正个人信息"
    client.force_login(admin)
    assert [c.pk for c in client.get(reverse("officers:corrections")).context["corrections"]] == [correction.pk]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("officers:corrections"), {"pk": correction.pk, "status": "done", "reply": "已改为乙公司"})
    correction.refresh_from_db()
    assert (correction.status, correction.handled_by) == ("done", admin)
    assert Notification.objects.get(recipient=officer.user).title == "您的信息更正申请：已更正"


def dismiss(officer, *, when):
    officer_services.officer_change_status(
        officer=officer, to_status=Officer.Status.DISMISSED, actor=None, reason=f"{officer.name}解聘"
    )
    OfficerStatusChange.objects.filter(officer=officer, to_status="dismissed").update(changed_at=when)


def test_anonymisation_after_the_retention_keeps_reports_and_sheet_totals(county, installed_schedules):
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(task="reports.tasks.anonymise_dismissed_officers").exists()
    admin = AdminFactory(county=county)
    month = date(2022, 3, 1)
    at = timezone.make_aware(timezone.datetime(2022, 3, 10, 10))
    with mock.patch("django.utils.timezone.now", return_value=at - timedelta(days=30)):
        gone = OfficerFactory(
            county=county,
            name="王五",
            phone="13815118888",
            employer=EnterpriseFactory(county=county, name="丙公司"),
            appointed_on=date(2022, 2, 1),
        )
        recent = OfficerFactory(county=county, name="赵六", appointed_on=date(2022, 2, 1))
    for officer in (gone, recent):
        report = ReportFactory(
            officer=officer,
            title=f"{officer.name}反映欠薪",
            content=f"联系人{officer.name} {officer.phone}",
            occurred_at=at,
            submitted_at=at,
        )
        report_services.report_grade(report=report, reviewer=admin, grade="qualified", version=report.version)
    with mock.patch("django.utils.timezone.now", return_value=at + timedelta(days=30)):
        sheet = report_services.sheet_approve(county=county, month=month, actor=admin)
    before_total = StipendSheet.objects.get(pk=sheet.pk).total
    before_lines = [(line.name, line.amount) for line in sheet_lines(county=county, month=month, sheet=sheet)]
    now = timezone.now()
    dismiss(gone, when=now - timedelta(days=3 * 366))
    dismiss(recent, when=now - timedelta(days=365))
    assert anonymise_dismissed_officers.delay().get() == 1
    assert anonymise_dismissed_officers.delay().get() == 0  # a second run does nothing
    gone.refresh_from_db()
    assert (gone.name, gone.employer, gone.anonymised_at is not None) == (anonymise.ANONYMOUS_NAME, None, True)
    assert gone.phone != "13815118888" and not gone.user.is_active and not gone.user.has_usable_password()
    report = Report.objects.get(officer=gone)
    assert report.title == "某信息员反映欠薪" and "13815118888" not in report.content and "王五" not in report.content
    recent.refresh_from_db()
    assert recent.name == "赵六"
    sheet = StipendSheet.objects.get(pk=sheet.pk)
    assert sheet.total == before_total
    assert [(line.name, line.amount) for line in sheet_lines(county=county, month=month, sheet=sheet)] == before_lines
    assert not OfficerStatusChange.objects.filter(officer=gone, reason__contains="王五").exists()
    assert AuditEntry.objects.filter(action="anonymise", target__startswith=f"信息员 #{gone.pk}").count() == 1
