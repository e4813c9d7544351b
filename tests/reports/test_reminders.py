"""Reminders: who gets one, exactly once, on the Beijing-time schedule; with a real worker on Redis."""

import smtplib
import threading
import time
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from celery.contrib.testing.worker import start_worker
from celery.exceptions import Retry
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from reports import reminders, tasks
from reports.models import Reminder, StipendSetting
from tests.celery_support import wait_until
from tests.factories import OfficerFactory, ReportFactory, ReviewerFactory
from tests.sms import CapturingBackend
from unionportal.core import outbox
from unionportal.core.models import Notification, OutboxMessage

BJ = ZoneInfo("Asia/Shanghai")
NOV = date(2026, 11, 1)
pytestmark = pytest.mark.django_db


def in_november(officer, **kw):
    moment = datetime(2026, 11, 5, 10, 0, tzinfo=BJ)
    return ReportFactory(officer=officer, submitted_at=moment, occurred_at=moment, **kw)


@pytest.fixture
def people(county, other_county):
    people = {
        "none": OfficerFactory(county=county, name="未报送"),
        "draft_only": OfficerFactory(county=county, name="只有草稿"),
        "withdrawn_only": OfficerFactory(county=county, name="只有撤回"),
        "met": OfficerFactory(county=county, name="已完成"),
        "pending_counts": OfficerFactory(county=county, name="待审核也算"),
        "suspended": OfficerFactory(county=county, name="停用", status="suspended"),
        "candidate": OfficerFactory(county=county, name="候选", status="candidate"),
        "elsewhere": OfficerFactory(county=other_county, name="外县未报送"),
    }
    ReportFactory(officer=people["draft_only"], status="draft", submitted_at=None, on_time=None)
    in_november(people["withdrawn_only"], status="withdrawn")
    in_november(people["met"], status="reviewed", grade="qualified")
    in_november(people["pending_counts"])
    october = datetime(2026, 10, 31, 23, 0, tzinfo=BJ)
    ReportFactory(officer=people["none"], submitted_at=october, occurred_at=october)  # last month
    return people


def names(ids):
    from officers.models import Officer

    return sorted(Officer.objects.filter(pk__in=ids).values_list("name", flat=True))


def channel_state(reminder, channel: str) -> str:
    """A reminder's channel, as the outbox has it ("none" when the channel was never written)."""
    message = OutboxMessage.objects.filter(key=f"reminder:{reminder.pk}:{channel}").first()
    return message.state if message else "none"


class TestSelection:
    def test_who_is_reminded(self, people):
        assert names(reminders.officers_to_remind(month=NOV)) == ["只有撤回", "只有草稿", "外县未报送", "未报送"]

    def test_the_countys_quota_applies(self, people, county):
        StipendSetting.objects.create(county=county, effective_from=NOV, quota=2)
        assert "已完成" in names(reminders.officers_to_remind(month=NOV))


class TestExactlyOnce:
    def test_twice_sends_once_on_every_channel(self, people):
        CapturingBackend.sent.clear()
        officer = people["none"]
        officer.user.email = "wjg@example.org"
        officer.user.save()
        assert reminders.remind_officer(officer_id=officer.pk, month=NOV, kind="quota_20") is True
        assert reminders.remind_officer(officer_id=officer.pk, month=NOV, kind="quota_20") is False
        reminder = Reminder.objects.get()
        channels = (channel_state(reminder, "email"), channel_state(reminder, "sms"))
        assert (reminder.recipient, reminder.kind, reminder.period, *channels) == (
            officer.user,
            "quota_20",
            NOV,
            "sent",
            "sent",
        )
        assert reminder.text.startswith("2026年11月您已报送 0 条信息，本月任务为 1 条。")
        assert Notification.objects.filter(recipient=officer.user, kind="reminder").count() == 1
        assert [m.to for m in mail.outbox] == [["wjg@example.org"]]
        assert [phone for phone, _ in CapturingBackend.sent] == [officer.phone]
        # The 27th is another kind: one more reminder, once.
        assert reminders.remind_officer(officer_id=officer.pk, month=NOV, kind="quota_27") is True
        assert Reminder.objects.count() == 2

    @pytest.mark.parametrize("who", ["met", "suspended", "pending_counts"])
    def test_nothing_for_those_who_need_none(self, people, who):
        assert reminders.remind_officer(officer_id=people[who].pk, month=NOV, kind="quota_20") is False
        assert Reminder.objects.count() == 0

    def test_scheduled_job_queues_one_task_each(self, people, monkeypatch):
        monkeypatch.setattr(reminders, "current_month", lambda now=None: NOV)
        assert tasks.remind_officers.apply(args=["quota_20"]).get() == 4
        assert tasks.remind_officers.apply(args=["quota_20"]).get() == 4  # the run again: nobody twice
        assert sorted(Reminder.objects.values_list("recipient__full_name", flat=True)) == [
            "只有撤回",
            "只有草稿",
            "外县未报送",
            "未报送",
        ]
        assert Notification.objects.filter(kind="reminder").count() == 4

    def test_officers_see_their_reminders(self, people, client):
        reminders.remind_officer(officer_id=people["none"].pk, month=NOV, kind="quota_20")
        client.force_login(people["none"].user)
        titles = [n.title for n in client.get("/reports/notifications/").context["notifications"]]
        assert titles == ["信息报送提醒"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_once(county):
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL; set DATABASE_URL")
    officer = OfficerFactory(county=county)
    barrier = threading.Barrier(3)
    results = []

    def go():
        try:
            barrier.wait()
            results.append(reminders.remind_officer(officer_id=officer.pk, month=NOV, kind="quota_20"))
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, True]
    assert (Reminder.objects.count(), Notification.objects.count()) == (1, 1)


class TestReviewDigest:
    def test_one_digest_for_old_waiting_reports(self, county, other_county):
        reviewer = ReviewerFactory(county=county, email="chen@example.org")
        ReviewerFactory(county=other_county)
        officer = OfficerFactory(county=county)
        old = timezone.now() - timedelta(days=3)
        ReportFactory(officer=officer, submitted_at=old, occurred_at=old, urgency="emergency")
        ReportFactory(officer=officer)  # today: not yet waiting too long
        assert reminders.reviewers_to_digest() == [reviewer.pk]
        assert tasks.send_review_digests.apply().get() == 1
        assert tasks.send_review_digests.apply().get() == 1
        digest = Reminder.objects.get()
        assert digest.text == "有 1 条信息报送已超过两天仍待审核，其中突发信息 1 条。请登录平台“信息审核”处理。"
        assert len(mail.outbox) == 1

    def test_nobody_when_nothing_waits(self, county):
        ReviewerFactory(county=county)
        assert reminders.reviewers_to_digest() == []


class TestSchedule:
    def test_defaults_are_in_the_database_in_beijing_time(self, installed_schedules):
        tasks_ = {t.task: t for t in PeriodicTask.objects.select_related("crontab", "interval")}
        reminder = PeriodicTask.objects.get(name="提醒未完成报送任务的信息员（20日）")
        assert (reminder.task, reminder.args, reminder.enabled) == (
            "reports.tasks.remind_officers",
            '["quota_20"]',
            True,
        )
        cron = reminder.crontab
        assert (cron.minute, cron.hour, cron.day_of_month, str(cron.timezone)) == (
            "0",
            "9,12,16",
            "20",
            "Asia/Shanghai",
        )
        assert tasks_["unionportal.overview.tasks.build_monthly_summaries"].crontab.day_of_month == "1"
        assert tasks_["unionportal.core.tasks.sweep_outbox"].interval.every == 30

    def test_first_run_is_0900_beijing_on_the_20th(self, installed_schedules):
        cron = PeriodicTask.objects.get(name="提醒未完成报送任务的信息员（20日）").crontab.schedule
        last = datetime(2026, 11, 19, 18, 0, tzinfo=BJ)
        start, delta, _ = cron.remaining_delta(last)
        assert (start + delta).astimezone(BJ) == datetime(2026, 11, 20, 9, 0, tzinfo=BJ)
        assert (start + delta).astimezone(ZoneInfo("UTC")).hour == 1


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_run_survives_a_redis_restart(real_celery, private_redis, county):
    """A run on a real worker; Redis stopped and restarted in the middle; the job runs again (as
    its schedule does): everyone reminded, nobody twice."""
    officers = [OfficerFactory(county=county, password=None) for _ in range(12)]
    month = reminders.current_month()
    with start_worker(real_celery, pool="solo", perform_ping_check=False, queues=["alerts", "default"]):
        for officer in officers[:6]:
            tasks.remind_officer.delay(officer.pk, month.isoformat(), "quota_20")
        assert wait_until(lambda: Reminder.objects.count() == 6)
        private_redis.stop()
        time.sleep(0.5)
        private_redis.start()  # the restarted Redis has lost whatever was queued
        real_celery.send_task("reports.tasks.remind_officers", args=["quota_20"])
        assert wait_until(lambda: Reminder.objects.count() == 12, seconds=40)
        real_celery.send_task("reports.tasks.remind_officers", args=["quota_20"])
        time.sleep(2)
    assert Reminder.objects.count() == 12
    assert Notification.objects.filter(kind="reminder").count() == 12
    assert set(OutboxMessage.objects.filter(channel="sms").values_list("state", flat=True)) == {"sent"}
    assert OutboxMessage.objects.filter(channel="sms").count() == 12


def test_a_retry_finishes_a_pending_channel(county):
    officer = OfficerFactory(county=county)
    month = reminders.current_month()
    reminders.remind_officer(officer_id=officer.pk, month=month, kind="quota_20")
    # as if the worker died before the SMS went out
    OutboxMessage.objects.filter(channel="sms").update(state="pending", sent_at=None)
    assert reminders.remind_officer(officer_id=officer.pk, month=month, kind="quota_20") is False
    assert channel_state(Reminder.objects.get(), "sms") == "sent"


class FlakySms:
    """An SMS gateway that is down for the first ``failures`` messages."""

    failures = 0
    sent: list = []

    def send(self, phone, text):
        if FlakySms.failures:
            FlakySms.failures -= 1
            raise ConnectionError("gateway down")
        FlakySms.sent.append(phone)


@pytest.fixture
def flaky_sms(settings):
    settings.SMS_BACKEND = "tests.reports.test_reminders.FlakySms"
    FlakySms.failures, FlakySms.sent = 0, []
    return FlakySms


def test_a_gateway_outage_leaves_the_sms_pending_for_the_retry(county, flaky_sms):
    officer = OfficerFactory(county=county, phone="13815110004")
    month = reminders.current_month()
    flaky_sms.failures = 1
    with pytest.raises(reminders.SendLater):
        reminders.remind_officer(officer_id=officer.pk, month=month, kind="quota_20")
    assert channel_state(Reminder.objects.get(), "sms") == "pending"
    assert Notification.objects.filter(kind="reminder").count() == 1  # the in-app notice is there already
    reminders.remind_officer(officer_id=officer.pk, month=month, kind="quota_20")  # the task's retry
    assert (channel_state(Reminder.objects.get(), "sms"), flaky_sms.sent) == ("sent", ["13815110004"])
    assert Notification.objects.filter(kind="reminder").count() == 1


def test_the_task_schedules_a_retry_while_the_gateway_is_down(county, flaky_sms):
    officer = OfficerFactory(county=county, phone="13815110004")
    args = [officer.pk, reminders.current_month().isoformat(), "quota_20"]
    flaky_sms.failures = 1
    with pytest.raises(Retry):  # run eagerly, the retry Celery would queue shows as this exception
        tasks.remind_officer.apply(args=args, throw=True)
    assert tasks.remind_officer.apply(args=args, throw=True).get() is False  # the retry: sent, nothing new
    assert (channel_state(Reminder.objects.get(), "sms"), flaky_sms.sent) == ("sent", ["13815110004"])


@pytest.mark.parametrize(
    ("error", "state"),
    [
        (smtplib.SMTPServerDisconnected("closed"), "pending"),
        (smtplib.SMTPResponseException(451, b"try again later"), "pending"),
        (smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no such user")}), "failed"),
        (smtplib.SMTPRecipientsRefused({"x@example.org": (451, b"greylisted, try later")}), "pending"),
        (smtplib.SMTPAuthenticationError(535, b"bad login"), "failed"),
    ],
)
def test_which_mail_failures_are_tried_again(county, monkeypatch, error, state):
    reviewer = ReviewerFactory(county=county, email="r@example.org")
    three_days_ago = timezone.now() - timedelta(days=3)
    ReportFactory(officer__county=county, status="submitted", occurred_at=three_days_ago, submitted_at=three_days_ago)
    monkeypatch.setattr(outbox, "send_mail", mock.Mock(side_effect=error))
    if state == "pending":
        with pytest.raises(reminders.SendLater):
            reminders.review_digest(user_id=reviewer.pk, day=timezone.localdate())
    else:
        reminders.review_digest(user_id=reviewer.pk, day=timezone.localdate())
    assert channel_state(Reminder.objects.get(), "email") == state
