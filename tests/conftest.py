import importlib
import os
import shutil

import pytest

pytest_plugins = ["tests.celery_support"]

SKIP_REASONS = []


def pytest_collection_modifyitems(config, items):
    """Tests that need a service this machine lacks are skipped, with the reason said plainly."""
    no_redis = not os.environ.get("REDIS_URL")
    no_chromium = not os.path.exists("/usr/bin/chromium") and not shutil.which("chromium")
    for item in items:
        if no_redis and "redis" in item.keywords:
            item.add_marker(pytest.mark.skip(reason="REDIS_URL 未设置：跳过需要 Redis 的测试 (no Redis server)"))
        if no_chromium and "browser" in item.keywords:
            item.add_marker(
                pytest.mark.skip(reason="未安装 Debian chromium (/usr/bin/chromium)：跳过浏览器测试 (no Chromium)")
            )


def pytest_runtest_logreport(report):
    if report.skipped:
        SKIP_REASONS.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    # In CI every service exists, so a skipped test means something is broken: fail the run.
    if os.environ.get("CI") and SKIP_REASONS and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if os.environ.get("CI") and SKIP_REASONS:
        terminalreporter.write_line(
            f"CI: {len(SKIP_REASONS)} test(s) skipped, which fails the run: " + ", ".join(SKIP_REASONS[:10]), red=True
        )


@pytest.fixture
def county(db):
    from tests.factories import CountyFactory

    return CountyFactory(code="320922", name="滨海县")


@pytest.fixture
def other_county(db):
    from tests.factories import CountyFactory

    return CountyFactory(code="320923", name="阜宁县")


# The periodic schedules the migrations install (app, migration, the function that installs them).
SCHEDULE_STEPS = (
    ("reports", "0007_default_schedules", "install"),
    ("core", "0004_deliveries_into_the_outbox", "sweep_schedule_renamed"),
    ("overview", "0003_summary_jobs_renamed", "forward"),
    ("disputes", "0005_mediation_clock_instalments_return_visits", "install_schedule"),
    ("reports", "0020_commission_reminder_schedule", "install_schedule"),
    ("overview", "0006_ranking_notice_schedule", "install_schedule"),
    ("reports", "0018_event_followup_schedule", "install"),
    ("reports", "0015_supervision_sweep_schedule", "install"),
    ("disputes", "0007_case_supervision_schedule", "install_schedule"),
    ("reports", "0016_anonymisation_schedule", "install"),
)


@pytest.fixture
def installed_schedules(db):
    """The schedules as the migrations install them. A transactional test that ran before (a browser
    test, the migration test) empties every table when it ends, migration data included, so they are
    installed again here by the migrations' own code (each installer leaves existing rows alone)."""
    from django.apps import apps as live_apps
    from django.db import connection

    for app, name, step in SCHEDULE_STEPS:
        module = importlib.import_module(f"{live_apps.get_app_config(app).module.__name__}.migrations.{name}")
        getattr(module, step)(live_apps, connection.schema_editor())


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the bell's counts, dashboard figures): a test database is
    new each run, so a user's id may be one a cached count of an earlier run speaks of."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def second_factor_passed_on_force_login(monkeypatch):
    """``client.force_login(staff)`` stands for a login that passed both factors: the account gets a
    confirmed TOTP device and the session names it, as ``django_otp.login`` does after a right code.
    Logins through the login page (client.post to it) still meet the second factor for real, and
    production code is untouched."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if getattr(user, "needs_second_factor", False):
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
                user=user, name="测试设备", confirmed=True
            )
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)
