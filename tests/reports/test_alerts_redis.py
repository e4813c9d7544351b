"""The alert outbox against a real Redis broker and a real Celery worker.

The test runs its own Redis server on a free port (so stopping it disturbs nothing else), stops it
while an officer submits an emergency report, starts it again, and lets a real worker deliver.
"""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from reports import services
from reports.models import Report
from tests.celery_support import wait_until
from tests.factories import EMERGENCY_ESSENTIALS
from unionportal.core import outbox
from unionportal.core.models import Notification, OutboxMessage

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_redis_down_reports_stored_alerts_delivered_once_after_it_returns(
    real_celery, private_redis, officer, reviewer, county_admin
):
    private_redis.stop()
    started = time.monotonic()
    report = services.report_save(
        officer=officer,
        data={
            "title": "外卖骑手反映站点罚款过重",
            "content": "部分骑手考虑集体停工。",
            "category": "mass_incident",
            "urgency": "emergency",
            **EMERGENCY_ESSENTIALS,
            "township": officer.township,
            "occurred_at": timezone.now() - timedelta(minutes=5),
        },
        submit=True,
    )
    # The officer's request did not hang on the missing broker, and the report is stored.
    assert time.monotonic() - started < 10
    assert Report.objects.get(pk=report.pk).status == "submitted"
    assert sorted(OutboxMessage.objects.values_list("channel", "state")) == [
        ("email", "pending"),
        ("in_app", "pending"),
        ("in_app", "pending"),
    ]
    assert Notification.objects.count() == 0

    private_redis.start()
    with start_worker(real_celery, pool="solo", perform_ping_check=False, queues=["alerts", "default"]):
        assert outbox.sweep(older_than=timedelta(0)) == 3
        assert wait_until(lambda: not OutboxMessage.objects.filter(state="pending").exists())
        # A second sweep and a duplicated delivery change nothing.
        assert outbox.sweep(older_than=timedelta(0)) == 0
        for delivery in OutboxMessage.objects.all():
            real_celery.send_task("reports.tasks.deliver_alert", args=[delivery.pk])
        time.sleep(1.0)
    assert sorted(Notification.objects.values_list("recipient__full_name", flat=True)) == ["周管理", "陈审核"]
    assert [m.to for m in mail.outbox] == [["chen@example.org"]]
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}


def test_alert_and_reminder_end_to_end_on_redis_url(celery_on_redis_url, officer, reviewer):
    """Through the Redis that REDIS_URL names, with a real worker: an emergency report's alerts, then
    a reminder run."""
    from reports import reminders
    from reports.models import Reminder

    with start_worker(celery_on_redis_url, pool="solo", perform_ping_check=False, queues=["alerts", "default"]):
        services.report_save(
            officer=officer,
            data={
                "title": "某企业停工",
                "content": "约四十名职工聚集。",
                "category": "mass_incident",
                "urgency": "emergency",
                **EMERGENCY_ESSENTIALS,
                "township": officer.township,
                "occurred_at": timezone.now() - timedelta(minutes=3),
            },
            submit=True,
        )
        assert wait_until(lambda: not OutboxMessage.objects.exclude(state="sent").exists())
        celery_on_redis_url.send_task("reports.tasks.remind_officers", args=["quota_20"])
        # the officer has reported this month: no reminder; the worker ran the job all the same
        time.sleep(1.5)
    assert Notification.objects.filter(kind="emergency").count() == 1
    assert [m.to for m in mail.outbox] == [["chen@example.org"]]
    assert Reminder.objects.filter(recipient=officer.user).count() == 0
    assert reminders.officers_to_remind(month=reminders.current_month()) == []
