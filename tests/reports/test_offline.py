"""reports/views/offline.py: the phone's outbox endpoint (one-time keys, the phone's 报送 time within a
bound, both times kept) and the report form's offline shell."""

import uuid
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports import rules
from reports.models import Report
from reports.views.offline import BAD_TIME_MESSAGE, NO_KEY_MESSAGE
from tests.factories import image_bytes
from unionportal.core.idempotency import NOT_YOURS_MESSAGE
from unionportal.core.models import SubmissionKey

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
URL = "/reports/new/outbox/"
pytestmark = pytest.mark.django_db


def payload(key=None, pressed=NOW - timedelta(hours=2), **overrides):
    return {
        "title": "某厂拖欠工资",
        "urgency": "general",
        "category": "wage_arrears",
        "occurred_at": (pressed - timedelta(hours=1)).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M"),
        "content": "三十余名职工反映拖欠两个月工资。",
        "submission_key": str(key or uuid.uuid4()),
        "client_submitted_at": pressed.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z"),
        "submit": "1",
    } | overrides


def send(client, data):
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        return client.post(URL, data, HTTP_ACCEPT="application/json")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer.user)
    return client


def test_the_url():
    assert reverse("reports:outbox") == URL


def test_a_report_sent_later_keeps_the_moment_報送_was_pressed_and_when_it_arrived(officer_client, officer):
    pressed = NOW - timedelta(hours=2)
    photo = SimpleUploadedFile("现场.png", image_bytes(), content_type="image/png")
    response = send(officer_client, payload(pressed=pressed) | {"attachments": [photo]})
    report = Report.objects.get()
    assert response.status_code == 200
    assert response.json() == {"url": f"/reports/{report.pk}/", "repeated": False}
    assert (report.officer, report.status) == (officer, "submitted")
    assert report.submitted_at == pressed and report.received_at == NOW and report.submitted_at_note == ""
    assert report.on_time is True  # 一般信息当日报: pressed the same day it happened
    assert [a.original_name for a in report.attachments.all()] == ["现场.png"]


def test_the_report_page_shows_when_a_report_sent_later_arrived(officer_client):
    send(officer_client, payload(pressed=NOW - timedelta(hours=2)))
    report = Report.objects.get()
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        body = officer_client.get(f"/reports/{report.pk}/").content.decode()
    assert "2026-11-23 13:00" in body
    assert '<dd class="col-8 col-md-4" data-testid="received-at">2026-11-23 15:00（离线报送）</dd>' in body


def test_a_report_sent_online_was_received_when_submitted(officer_client):
    officer_client.post(reverse("reports:create"), payload())
    report = Report.objects.get()
    assert report.received_at == report.submitted_at and report.submitted_at_note == ""
    assert 'data-testid="received-at"' not in officer_client.get(f"/reports/{report.pk}/").content.decode()


@pytest.mark.parametrize(
    "pressed, note",
    [
        (NOW - timedelta(hours=73), rules.CLIENT_TIME_OLD_NOTE),
        (NOW + timedelta(minutes=30), rules.CLIENT_TIME_FUTURE_NOTE),
    ],
)
def test_a_phone_time_outside_the_bound_gives_way_to_the_servers(officer_client, pressed, note):
    data = payload(pressed=pressed, occurred_at=(NOW - timedelta(hours=80)).strftime("%Y-%m-%dT%H:%M"))
    assert send(officer_client, data).status_code == 200
    report = Report.objects.get()
    assert (report.submitted_at, report.received_at, report.submitted_at_note) == (NOW, NOW, note)


def test_a_replay_or_a_second_send_makes_no_second_report(officer_client):
    key = uuid.uuid4()
    first = send(officer_client, payload(key=key))
    again = send(officer_client, payload(key=key, title="改了标题"))
    report = Report.objects.get()
    assert first.json()["url"] == again.json()["url"] == f"/reports/{report.pk}/"
    assert again.status_code == 200 and again.json()["repeated"] is True
    assert report.title == "某厂拖欠工资"
    assert SubmissionKey.objects.get().purpose == "reports:create"


def test_a_key_used_on_the_form_is_the_same_key(officer_client):
    key = uuid.uuid4()
    data = payload(key=key)
    officer_client.post(reverse("reports:create"), {k: v for k, v in data.items() if k != "client_submitted_at"})
    assert Report.objects.count() == 1
    assert send(officer_client, data).json()["repeated"] is True
    assert Report.objects.count() == 1


def test_another_officers_key_is_refused(client, officer, other_officer):
    key = uuid.uuid4()
    client.force_login(other_officer.user)
    send(client, payload(key=key))
    client.force_login(officer.user)
    response = send(client, payload(key=key))
    assert response.status_code == 400
    assert response.json()["message"] == NOT_YOURS_MESSAGE
    assert Report.objects.get().officer == other_officer


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"submission_key": ""}, NO_KEY_MESSAGE),
        ({"client_submitted_at": "昨天下午"}, BAD_TIME_MESSAGE),
        ({"content": ""}, "请填写信息内容"),
        ({"urgency": "emergency"}, rules.EMERGENCY_PLACE_MESSAGE),
    ],
)
def test_refusals_write_nothing_and_say_why(officer_client, overrides, message):
    response = send(officer_client, payload() | overrides)
    assert response.status_code == 400
    assert response.json()["message"] == message
    assert Report.objects.count() == 0 and SubmissionKey.objects.count() == 0


def test_only_officers_may_send(client, reviewer):
    assert send(client, payload()).status_code == 403
    client.force_login(reviewer)
    assert send(client, payload()).status_code == 403
    assert Report.objects.count() == 0


def test_get_is_not_allowed(officer_client):
    assert officer_client.get(URL).status_code == 405


def test_the_offline_shell_is_the_empty_form_without_personal_data(officer_client, officer):
    response = officer_client.get(reverse("reports:offline_shell"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "data-offline-shell" in body and 'action="/reports/new/"' in body and 'name="content"' in body
    assert officer.name not in body and officer.user.get_full_name() not in body


def test_the_offline_shell_takes_no_one_s_messages(officer_client):
    officer_client.post(reverse("reports:create"), payload())
    assert "信息已报送" not in officer_client.get(reverse("reports:offline_shell")).content.decode()
    assert "信息已报送" in officer_client.get(reverse("reports:mine")).content.decode()


def test_the_offline_shell_is_for_officers(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("reports:offline_shell")).status_code == 403
