"""The alert outbox against a real Redis broker and a real Celery worker.

The test runs its own Redis server on a free port (so stopping it disturbs nothing else), stops it
while an officer submits an emergency report, starts it again, and lets a real worker deliver.
"""

import shutil
import socket
import subprocess
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from reports import services
from reports.models import AlertDelivery, Notification, Report
from unionportal.celery import app

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port) -> bool:
    result = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True, timeout=5)
    return result.stdout.strip() == "PONG"


def _wait(predicate, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed (CI installs it)")
    port = _free_port()

    def start():
        subprocess.run(
            ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
             "--appendonly", "no", "--dir", str(tmp_path), "--pidfile", str(tmp_path / "redis.pid")],
            check=True, capture_output=True, timeout=10,
        )  # fmt: skip
        assert _wait(lambda: _answers(port))

    def stop():
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True, timeout=10)
        assert _wait(lambda: not _answers(port))

    start()
    yield SimpleNamespace(url=f"redis://127.0.0.1:{port}/0", start=start, stop=stop)
    if _answers(port):
        stop()


@pytest.fixture
def real_celery(private_redis):
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}

    def forget_connections():
        # Celery caches its connection and producer pools per app; drop them so the new URL is used.
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.update(broker_url=private_redis.url, task_always_eager=False)
    forget_connections()
    yield app
    app.conf.update(saved)
    forget_connections()


def test_redis_down_reports_stored_alerts_delivered_once_after_it_returns(
    real_celery, private_redis, officer, reviewer, county_admin
):
    private_redis.stop()
    started = time.monotonic()
    report = services.report_save(
        officer=officer,
        data={"title": "外卖骑手反映站点罚款过重", "content": "部分骑手考虑集体停工。", "category": "mass_incident",
              "urgency": "emergency", "occurred_at": timezone.now() - timedelta(minutes=5)},
        submit=True,
    )  # fmt: skip
    # The officer's request did not hang on the missing broker, and the report is stored.
    assert time.monotonic() - started < 10
    assert Report.objects.get(pk=report.pk).status == "submitted"
    assert sorted(AlertDelivery.objects.values_list("channel", "state")) == [
        ("email", "pending"), ("in_app", "pending"), ("in_app", "pending")
    ]  # fmt: skip
    assert Notification.objects.count() == 0

    private_redis.start()
    with start_worker(real_celery, pool="solo", perform_ping_check=False, queues=["alerts", "default"]):
        assert services.alerts_sweep(older_than=timedelta(0)) == 3
        assert _wait(lambda: not AlertDelivery.objects.filter(state="pending").exists())
        # A second sweep and a duplicated delivery change nothing.
        assert services.alerts_sweep(older_than=timedelta(0)) == 0
        for delivery in AlertDelivery.objects.all():
            real_celery.send_task("reports.tasks.deliver_alert", args=[delivery.pk])
        time.sleep(1.0)
    assert sorted(Notification.objects.values_list("recipient__full_name", flat=True)) == ["周管理", "陈审核"]
    assert [m.to for m in mail.outbox] == [["chen@example.org"]]
    assert set(AlertDelivery.objects.values_list("attempts", flat=True)) == {1}
