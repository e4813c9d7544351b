"""The signed-in floor (issue 21): sessions in Redis, the bell's count from a per-user cache entry, the
user's officer and county loaded with the user; and what must still take effect on the next request."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from officers.backends import STATEMENT
from officers.scoping import scope_for
from tests.factories import OfficerFactory, ReportFactory, ReviewerFactory
from unionportal.core import outbox
from unionportal.core.bell import bell_key
from unionportal.core.models import Notification, OutboxMessage
from unionportal.core.notifications import notifications_mark_read, unread_notifications

pytestmark = pytest.mark.django_db
FLOOR = "/bench/page/"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def floor_urls(settings):
    settings.ROOT_URLCONF = "benchmarks.bench_urls"
    settings.SESSION_TOUCH_SECONDS = 60  # as in production: a session is written once a minute


@pytest.fixture
def redis_sessions(settings):
    """Sessions as production keeps them whenever REDIS_URL is set: Django's cache engine on Redis."""
    if "sessions" not in settings.CACHES:
        pytest.skip("REDIS_URL 未设置 (no Redis)")
    settings.SESSION_ENGINE = "unionportal.core.session_store"
    settings.SESSION_CACHE_ALIAS = "sessions"


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def unread_badge(client) -> str:
    body = client.get(reverse("home")).content.decode()
    marker = 'data-testid="unread-count">'
    return body.split(marker, 1)[1].split("<", 1)[0] if marker in body else "0"


def session_engine(**env):
    """SESSION_ENGINE as the production settings read it from ``env``."""
    keep = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SESSION_STORE", "SESSION_REDIS_URL")}
    code = "import django; django.setup(); from django.conf import settings; print(settings.SESSION_ENGINE)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=keep
        | {
            "DJANGO_SETTINGS_MODULE": "unionportal.settings.production",
            "SECRET_KEY": "k3#v9!q" * 10,
            "ALLOWED_HOSTS": "portal.example.org",
            "DATABASE_URL": "sqlite:////tmp/unionportal-session-check.sqlite3",
        }
        | env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_sessions_are_in_redis_whenever_redis_url_is_set_and_the_database_stays_selectable():
    assert session_engine(REDIS_URL="redis://127.0.0.1:6379/8") == "unionportal.core.session_store"
    assert session_engine() == "django.contrib.sessions.backends.db"
    assert (
        session_engine(REDIS_URL="redis://127.0.0.1:6379/8", SESSION_STORE="database")
        == "django.contrib.sessions.backends.db"
    )


@pytest.mark.redis
def test_the_floor_costs_one_query_with_redis_sessions(client, county, floor_urls, redis_sessions):
    officer = OfficerFactory(county=county)
    client.force_login(officer.user)
    client.get(FLOOR)  # the steady state: the bell's count kept, the session touched this minute
    sql = queries(client, FLOOR)
    assert len(sql) == 1, sql  # the user, with their officer and county in the same query
    if connection.vendor == "postgresql":  # prepared once per connection (officers.backends)
        assert sql[0] == f"EXECUTE {STATEMENT}({officer.user_id})"
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [STATEMENT])
            sql = [cursor.fetchone()[0]]
    assert "officers_officer" in sql[0] and "officers_county" in sql[0]


def test_the_floor_with_database_sessions_costs_the_session_and_the_user(client, county, floor_urls):
    client.force_login(OfficerFactory(county=county).user)
    client.get(FLOOR)
    sql = queries(client, FLOOR)
    assert len(sql) == 2 and "django_session" in sql[0], sql


def test_the_officer_is_loaded_with_the_user_and_the_scope_once(client, county):
    officer = OfficerFactory(county=county)
    client.force_login(officer.user)
    client.get(reverse("reports:mine"))
    sql = queries(client, reverse("reports:mine"))
    assert not any(q.lstrip().startswith('SELECT "officers_officer"') for q in sql), sql
    user = officer.user
    first = scope_for(user)
    assert scope_for(user) is first  # memoised on the request's user object
    user.role = "reviewer"  # ... but not past a change on the same object
    user.county = county
    assert scope_for(user).county_id == county.pk and scope_for(user) is not first


@pytest.mark.parametrize("store", ["database", "redis"])
def test_logout_deactivation_and_role_change_take_effect_on_the_next_request(client, county, settings, store):
    if store == "redis":
        if "sessions" not in settings.CACHES:
            pytest.skip("REDIS_URL 未设置 (no Redis)")
        settings.SESSION_ENGINE = "unionportal.core.session_store"
        settings.SESSION_CACHE_ALIAS = "sessions"
    queue = reverse("reports:queue")
    reviewer = ReviewerFactory(county=county)
    client.force_login(reviewer)
    assert client.get(queue).status_code == 200
    # A role change: the next request is refused.
    reviewer.role = "officer"
    reviewer.save(update_fields=["role"])
    assert client.get(queue).status_code == 403
    reviewer.role = "reviewer"
    reviewer.save(update_fields=["role"])
    assert client.get(queue).status_code == 200
    # A deactivation: the next request is signed out.
    reviewer.is_active = False
    reviewer.save(update_fields=["is_active"])
    response = client.get(queue)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    reviewer.is_active = True
    reviewer.save(update_fields=["is_active"])
    # A logout: the old session cookie no longer signs anyone in.
    client.force_login(reviewer)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/logout/")
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = client.get(queue)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_bell_reads_a_cached_count_that_every_write_forgets(client, county, django_capture_on_commit_callbacks):
    officer = OfficerFactory(county=county)
    user = officer.user
    client.force_login(user)
    assert unread_badge(client) == "0"
    # Created one by one (the review service, the in-app delivery of the outbox)
    Notification.objects.create(recipient=user, kind="graded", title="审核结果")
    assert unread_badge(client) == "1"
    with django_capture_on_commit_callbacks(execute=True):
        ids = outbox.messages_write(
            outbox.person_notices(key="t:1", kind="reminder", user=user, title="提醒", notification_kind="reminder")
        )
        for pk in ids:
            outbox.deliver(message_id=pk)
    assert OutboxMessage.objects.get(key="t:1:in_app").state == "sent"
    assert unread_badge(client) == "2"
    # in bulk
    Notification.objects.bulk_create(
        [Notification(recipient=user, kind="reminder", title=f"批量{i}") for i in range(3)]
    )
    assert unread_badge(client) == "5"
    # marked read through a queryset
    report = ReportFactory(officer=officer)
    Notification.objects.create(recipient=user, kind="graded", title="关于报告", report=report)
    assert unread_badge(client) == "6"
    client.get(reverse("reports:detail", args=[report.pk]))  # opening the report marks its notice read
    assert unread_badge(client) == "5"
    Notification.objects.filter(recipient=user, title="批量0").update(read_at="2026-11-01T00:00:00+08:00")
    assert unread_badge(client) == "4"
    Notification.objects.filter(recipient=user, title="批量1").delete()
    assert unread_badge(client) == "3"
    client.post(reverse("reports:notifications"))  # 全部标为已读
    assert unread_badge(client) == "0"
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0


def test_the_bell_counts_once_then_reads_the_cache(county):
    from django.core.cache import cache

    user = OfficerFactory(county=county).user
    Notification.objects.create(recipient=user, kind="graded", title="一条")
    with CaptureQueriesContext(connection) as ctx:
        assert unread_notifications(user=user) == 1
        assert unread_notifications(user=user) == 1
    assert len(ctx) == 1 and cache.get(bell_key(user.pk)) == 1


def test_nothing_to_mark_read_sends_no_statement(county):
    user = OfficerFactory(county=county).user
    unread_notifications(user=user)  # the bell was shown: 0 kept
    with CaptureQueriesContext(connection) as ctx:
        assert notifications_mark_read(user=user) == 0
    assert len(ctx) == 0


def test_the_report_page_writes_its_audit_row_and_marks_read_only_what_is_unread(client, county):
    officer = OfficerFactory(county=county)
    reviewer = ReviewerFactory(county=county)
    report = ReportFactory(officer=officer)
    client.force_login(reviewer)
    url = reverse("reports:detail", args=[report.pk])
    client.get(url)

    def writes():
        sql = queries(client, url)
        return [
            # the audit row: one statement (core migration 0014's function locks, chains and inserts)
            "audit row"
            if "portal_audit_append" in q
            else q.split()[0] + " " + q.split()[2 if q.startswith("INSERT") else 1]
            for q in sql
            if (q.startswith(("INSERT", "UPDATE")) or "portal_audit_append" in q) and "django_session" not in q
        ]

    assert writes() == ["audit row"]  # the bell says nothing is unread: no UPDATE
    Notification.objects.create(recipient=reviewer, kind="emergency", title="突发", report=report)
    assert writes() == ["audit row", 'UPDATE "reports_notification"']
    assert not Notification.objects.filter(recipient=reviewer, read_at__isnull=True).exists()
    assert writes() == ["audit row"]
