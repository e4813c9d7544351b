"""The one delivery outbox: claims, retries with a cap, the sweep, the final failed state, at most once."""

import smtplib
import socket
import ssl
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from reports import reminders, services
from tests.factories import EMERGENCY_ESSENTIALS, OfficerFactory
from tests.reports.test_services import NOW, data
from tests.sms import CapturingBackend
from unionportal.core import outbox
from unionportal.core.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


class TestStateMachine:
    """Told through an emergency alert (an in-app and an email message per reviewer)."""

    def emergency(self, officer):
        return services.report_save(
            officer=officer,
            data=data(
                **EMERGENCY_ESSENTIALS,
                urgency="emergency",
                occurred_at=NOW - timedelta(minutes=5),
                township=officer.township,
            ),
            submit=True,
            now=NOW,
        )

    def test_mail_failure_goes_back_to_the_outbox_then_stops(self, officer, reviewer, monkeypatch):

        self.emergency(officer)
        email = OutboxMessage.objects.get(channel="email")
        monkeypatch.setattr(outbox, "send_mail", mock.Mock(side_effect=OSError("SMTP down")))
        for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
            with pytest.raises(OSError):
                outbox.deliver(message_id=email.pk)
            email.refresh_from_db()
            assert email.attempts == attempt
        assert (email.state, email.last_error) == ("failed", "OSError('SMTP down')")
        # A failed alert no longer comes back in the sweep, so it cannot crowd out newer ones.
        assert outbox.sweep(older_than=timedelta(0)) == 1  # only the in-app one, still pending
        assert len(mail.outbox) == 0

    def test_the_sweep_leaves_a_failed_email_to_its_own_retries(self, officer, reviewer, monkeypatch):
        from django.utils import timezone

        self.emergency(officer)
        email = OutboxMessage.objects.get(channel="email")
        monkeypatch.setattr(outbox, "send_mail", mock.Mock(side_effect=OSError("SMTP down")))
        with pytest.raises(OSError):
            outbox.deliver(message_id=email.pk)  # the task's autoretry takes it from here
        assert outbox.sweep(older_than=timedelta(0)) == 1  # the in-app one, delivered
        for seconds in (30, 60, 300, 590):  # the sweep runs every 30 s meanwhile
            later = timezone.now() + timedelta(seconds=seconds)
            assert outbox.sweep(older_than=timedelta(0), now=later) == 0
        email.refresh_from_db()
        assert (email.state, email.attempts) == ("pending", 1)
        monkeypatch.setattr(outbox, "send_mail", mail.send_mail)
        # Ten quiet minutes: its retry chain is gone (a lost worker), so the sweep takes it up again.
        assert outbox.sweep(older_than=timedelta(0), now=timezone.now() + timedelta(minutes=11)) == 1
        email.refresh_from_db()
        assert (email.state, email.attempts, len(mail.outbox)) == ("sent", 2, 1)

    @pytest.mark.parametrize("error", [socket.gaierror("name lookup failed"), ssl.SSLError("handshake")])
    def test_the_alert_task_retries_every_network_error(self, officer, reviewer, monkeypatch, error):
        from celery.exceptions import Retry

        from unionportal.core import tasks as core_tasks

        self.emergency(officer)
        email = OutboxMessage.objects.get(channel="email")
        monkeypatch.setattr(outbox, "send_mail", mock.Mock(side_effect=error))
        with pytest.raises(Retry):  # run eagerly, the retry Celery would queue shows as this exception
            core_tasks.deliver_message.apply(args=[email.pk], throw=True)
        email.refresh_from_db()
        assert (email.state, email.attempts) == ("pending", 1)

    def test_a_refused_address_stops_at_once(self, officer, reviewer, monkeypatch):

        self.emergency(officer)
        email = OutboxMessage.objects.get(channel="email")
        refused = smtplib.SMTPRecipientsRefused({"r@example.org": (550, b"no such user")})
        monkeypatch.setattr(outbox, "send_mail", mock.Mock(side_effect=refused))
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            outbox.deliver(message_id=email.pk)
        email.refresh_from_db()
        assert (email.state, email.attempts) == ("failed", 1)  # no retries spent on the same refusal
        assert outbox.deliver(message_id=email.pk) is False  # a retry already queued does nothing

    def test_a_claimed_email_is_not_sent_twice_until_its_claim_is_stale(self, officer, reviewer):
        from django.utils import timezone

        self.emergency(officer)
        email = OutboxMessage.objects.get(channel="email")
        OutboxMessage.objects.filter(pk=email.pk).update(state="sending", claimed_at=timezone.now())
        assert outbox.deliver(message_id=email.pk) is False
        assert outbox.sweep(older_than=timedelta(0)) == 1  # the in-app one only
        OutboxMessage.objects.filter(pk=email.pk).update(claimed_at=timezone.now() - timedelta(minutes=11))
        assert outbox.deliver(message_id=email.pk) is True  # its worker died: send it
        assert len(mail.outbox) == 1


class TestReminderClaims:
    def test_a_reminder_whose_worker_died_mid_send_is_taken_up_by_the_sweep(self, county, monkeypatch):
        officer = OfficerFactory(county=county, phone="13815110004")
        month = reminders.current_month()
        CapturingBackend.sent.clear()
        monkeypatch.setattr(outbox, "send_sms", mock.Mock(side_effect=ConnectionError("gateway down")))
        with pytest.raises(reminders.SendLater):
            reminders.remind_officer(officer_id=officer.pk, month=month, kind="quota_20")
        sms = OutboxMessage.objects.get(channel="sms")
        # As if a worker claimed it and died before it could say how the send went.
        OutboxMessage.objects.filter(pk=sms.pk).update(state="sending", claimed_at=timezone.now())
        monkeypatch.undo()
        assert outbox.sweep(older_than=timedelta(0)) == 0  # a live claim is left alone
        died = timezone.now() - outbox.CLAIM_TIMEOUT - timedelta(seconds=1)
        OutboxMessage.objects.filter(pk=sms.pk).update(claimed_at=died)
        assert outbox.sweep(older_than=timedelta(0)) == 1
        sms.refresh_from_db()
        assert (sms.state, sms.attempts, [phone for phone, _ in CapturingBackend.sent]) == ("sent", 2, ["13815110004"])
        assert outbox.sweep(older_than=timedelta(0)) == 0
        assert Notification.objects.filter(kind="reminder").count() == 1

    def test_a_refused_sms_fails_with_its_reason_and_is_not_retried(self, county, monkeypatch):
        officer = OfficerFactory(county=county, phone="13815110004")
        monkeypatch.setattr(outbox, "send_sms", mock.Mock(side_effect=ValueError("号码格式不正确")))
        reminders.remind_officer(officer_id=officer.pk, month=reminders.current_month(), kind="quota_20")
        sms = OutboxMessage.objects.get(channel="sms")
        assert (sms.state, sms.attempts, sms.last_error) == ("failed", 1, "ValueError('号码格式不正确')")
        assert outbox.sweep(older_than=timedelta(0), now=timezone.now() + timedelta(hours=1)) == 0


class TestWriting:
    def test_a_notice_written_twice_is_one_message(self, county):
        officer = OfficerFactory(county=county)
        notice = outbox.Notice(key="test:1", kind="reminder", channel="in_app", recipient=officer.user, title="标题")
        first = outbox.messages_write([notice])
        assert outbox.messages_write([notice]) == first
        assert OutboxMessage.objects.count() == 1
        outbox.deliver_all(first)
        assert outbox.messages_write([notice]) == []  # sent: nothing pending to hand on
        assert Notification.objects.get().title == "标题"

    def test_an_email_without_an_address_is_refused_by_the_database(self, county):
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            OutboxMessage.objects.create(key="x", kind="reminder", channel="email", title="t")
