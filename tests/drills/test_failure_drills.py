"""Failure drills (issue: hardening): Redis down while officers submit, a worker killed in the
middle of a reminder run, and a backup restored into a fresh database."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.utils import timezone

from reports import services
from reports.models import Reminder, Report
from tests.celery_support import wait_until
from tests.factories import EMERGENCY_ESSENTIALS, AdminFactory, OfficerFactory, ReviewerFactory, TownshipFactory
from unionportal.core import outbox
from unionportal.core.models import Notification, OutboxMessage

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_redis_down_while_100_reports_come_in(real_celery, private_redis, county):
    ReviewerFactory(county=county, email="r1@example.org")
    ReviewerFactory(county=county, email="")
    AdminFactory(county=county, email="a@example.org")
    officers = [OfficerFactory(county=county, password=None) for _ in range(20)]
    township = TownshipFactory(county=county)
    private_redis.stop()
    for i in range(100):
        urgency = "emergency" if i % 4 == 0 else "general"
        services.report_save(
            officer=officers[i % 20],
            data={
                "title": f"信息{i}",
                "content": "内容",
                "category": "other",
                "urgency": urgency,
                "township": township,
                "occurred_at": timezone.now() - timedelta(minutes=10),
                **EMERGENCY_ESSENTIALS,
            },
            submit=True,
        )
    assert Report.objects.filter(status="submitted").count() == 100
    # 25 emergencies × (3 in-app + 2 emails), all waiting in the outbox
    assert OutboxMessage.objects.filter(state="pending").count() == 125
    private_redis.start()
    with start_worker(real_celery, pool="solo", perform_ping_check=False, queues=["alerts", "default"]):
        outbox.sweep(older_than=timedelta(0))
        assert wait_until(lambda: not OutboxMessage.objects.exclude(state="sent").exists(), seconds=60)
        outbox.sweep(older_than=timedelta(0))  # a second sweep finds nothing to do
        time.sleep(1)
    assert Notification.objects.filter(kind="emergency").count() == 75
    from django.core import mail

    assert Counter(tuple(m.to) for m in mail.outbox) == {("r1@example.org",): 25, ("a@example.org",): 25}


def _worker(env):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "unionportal",
            "worker",
            "-Q",
            "alerts,default",
            "-c",
            "1",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_worker_killed_in_the_middle_of_a_reminder_run(private_redis, county, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the same database server: set DATABASE_URL to PostgreSQL")
    officers = [OfficerFactory(county=county, password=None) for _ in range(24)]
    db = connection.settings_dict
    sms_log = tmp_path / "sms.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "unionportal.settings.local",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": private_redis.url,
        "SMS_BACKEND": "tests.drills.slow_sms.SlowFileBackend",
        "SLOW_SMS_LOG": str(sms_log),
        "SLOW_SMS_SECONDS": "0.25",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    from unionportal.celery import app

    saved = app.conf.broker_url
    app.conf.broker_url = private_redis.url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        worker = _worker(env)
        app.send_task("reports.tasks.remind_officers", args=["quota_20"])
        assert wait_until(lambda: Reminder.objects.count() >= 6, seconds=60)
        worker.send_signal(signal.SIGKILL)  # no goodbye, mid-run
        worker.wait(timeout=10)
        stopped_at = Reminder.objects.count()
        assert stopped_at < 24
        # The job's next scheduled run (the 20th has three) on a new worker finishes the work.
        worker = _worker(env)
        app.send_task("reports.tasks.remind_officers", args=["quota_20"])
        assert wait_until(lambda: Reminder.objects.count() == 24, seconds=90)
        assert wait_until(lambda: not OutboxMessage.objects.filter(channel="sms", state="pending").exists(), seconds=30)
        worker.terminate()
        worker.wait(timeout=20)
    finally:
        app.conf.broker_url = saved
        app._pool = None
        app.amqp._producer_pool = None
    sent = Counter(sms_log.read_text().split())
    assert max(sent.values()) == 1  # nobody got a second text
    assert set(sent) <= {o.phone for o in officers}
    assert Notification.objects.filter(kind="reminder").count() == 24
    # At most the one SMS being sent at the kill is lost (never sent twice); all others went out.
    assert len(sent) >= 23


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_into_a_fresh_database(county, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore work on PostgreSQL: set DATABASE_URL")
    from datetime import date

    from reports.models import StipendSheet
    from tests.factories import ReportFactory

    for _ in range(3):
        ReportFactory(officer__county=county, status="reviewed", grade="qualified")
    StipendSheet.objects.create(county=county, month=date(2026, 9, 1))
    db = connection.settings_dict
    host, port, user = db["HOST"] or "127.0.0.1", str(db["PORT"] or 5432), db["USER"] or "postgres"
    dump = tmp_path / "portal.dump"
    target = f"{db['NAME']}_restore"
    base = ["-h", host, "-p", port, "-U", user]
    subprocess.run(["pg_dump", *base, "-Fc", "-f", str(dump), db["NAME"]], check=True, timeout=120)
    subprocess.run(["dropdb", *base, "--if-exists", target], check=True, timeout=60)
    subprocess.run(["createdb", *base, target], check=True, timeout=60)
    try:
        subprocess.run(["pg_restore", *base, "-d", target, "--no-owner", str(dump)], check=True, timeout=120)
        counts = subprocess.run(
            [
                "psql",
                *base,
                "-d",
                target,
                "-At",
                "-c",
                "SELECT (SELECT count(*) FROM reports_report), (SELECT count(*) FROM reports_stipendsheet), "
                "(SELECT count(*) FROM officers_officer)",
            ],
            check=True,
            timeout=60,
            capture_output=True,
            text=True,
        ).stdout.strip()
    finally:
        subprocess.run(["dropdb", *base, "--if-exists", target], check=False, timeout=60)
    from officers.models import Officer

    assert counts == f"3|1|{Officer.objects.count()}"
