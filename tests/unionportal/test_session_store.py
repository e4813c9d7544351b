"""Sessions in Redis read with the bell's count in one round trip (unionportal.core.session_store): what
is stored, what one signed-in page sends to Redis, and when the count read with the session is not used."""

import pickle
from unittest import mock

import pytest
import redis
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.cache import caches
from django.core.cache.backends.redis import RedisSerializer
from django.urls import reverse

from tests.factories import OfficerFactory
from unionportal.core import bell
from unionportal.core.models import Notification
from unionportal.core.session_store import SessionSerializer, SessionStore, joint_read
from unionportal.settings import scaling

pytestmark = pytest.mark.django_db
FLOOR = "/bench/page/"


def session_cache(location, alias_prefix="session"):
    return {
        "BACKEND": scaling.REDIS_CACHE_BACKEND,
        "LOCATION": location,
        "KEY_PREFIX": alias_prefix,
        "OPTIONS": scaling.REDIS_CACHE_OPTIONS | {"serializer": scaling.SESSION_SERIALIZER},
    }


@pytest.fixture
def redis_url(settings):
    if "sessions" not in settings.CACHES or "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        pytest.fail("REDIS_URL 未设置：these tests need the Redis of CI (REDIS_URL)")
    return settings.CACHES["default"]["LOCATION"]


@pytest.fixture
def redis_sessions(settings, redis_url):
    """Production's arrangement when only REDIS_URL is set: the sessions and the cache on one Redis."""
    settings.ROOT_URLCONF = "benchmarks.bench_urls"
    settings.SESSION_TOUCH_SECONDS = 60  # as in production: no session write on the measured request
    settings.CACHES = {**settings.CACHES, "sessions": session_cache(redis_url)}
    settings.SESSION_ENGINE = scaling.SESSION_ENGINE_REDIS
    settings.SESSION_CACHE_ALIAS = "sessions"
    yield
    # No FLUSHDB: CI's one Redis holds the broker too. The counts these tests kept are forgotten.
    caches["default"].delete_many([bell.bell_key(pk) for pk in get_user_model().objects.values_list("pk", flat=True)])


@pytest.fixture
def sent():
    """The Redis commands the portal sends (patched at the client's edge, still sent)."""
    names = []
    real = redis.Redis.execute_command

    def record(client, *args, **options):
        names.append(args[0].upper() if isinstance(args[0], str) else args[0])
        return real(client, *args, **options)

    with mock.patch.object(redis.Redis, "execute_command", record):
        yield names


def badge(response) -> str:
    body = response.content.decode()
    marker = 'data-testid="unread-count">'
    return body.split(marker, 1)[1].split("<", 1)[0] if marker in body else "0"


# ---- what is stored -----------------------------------------------------------------------------


def test_a_signed_in_session_is_stored_with_its_user_id_in_front():
    serializer = SessionSerializer()
    data = {SESSION_KEY: "42", "_touched": 1}
    stored = serializer.dumps(data)
    assert stored.startswith(b"u42:") and pickle.loads(stored[4:]) == data  # noqa: S301 (our own bytes)
    assert serializer.loads(stored) == data


@pytest.mark.parametrize(
    "data",
    [{}, {"_touched": 1}, {SESSION_KEY: "not-a-number"}, {SESSION_KEY: "1" * 20}, {SESSION_KEY: "١٢"}, 7],
    ids=["empty", "anonymous", "odd id", "too long", "other digits", "an int"],
)
def test_anything_else_is_stored_as_django_stores_it(data):
    assert SessionSerializer().dumps(data) == RedisSerializer().dumps(data)
    assert SessionSerializer().loads(RedisSerializer().dumps(data)) == data


def test_a_session_stored_before_still_loads():
    data = {SESSION_KEY: "42"}
    assert SessionSerializer().loads(pickle.dumps(data)) == data


# ---- one round trip -----------------------------------------------------------------------------


def test_a_signed_in_page_reads_its_session_and_the_bell_in_one_round_trip(client, county, redis_sessions, sent):
    user = OfficerFactory(county=county).user
    Notification.objects.create(recipient=user, kind="graded", title="审核结果")
    client.force_login(user)
    assert badge(client.get(FLOOR)) == "1"  # counted, and kept in the cache
    sent.clear()
    response = client.get(FLOOR)
    assert response.status_code == 200 and badge(response) == "1"
    assert sent == ["EVALSHA"]  # the session and the kept count together
    assert caches["default"].get(bell.bell_key(user.pk)) == 1


def test_the_count_read_with_the_session_follows_every_write(client, county, redis_sessions, sent):
    user = OfficerFactory(county=county).user
    client.force_login(user)
    assert badge(client.get(FLOOR)) == "0"
    Notification.objects.create(recipient=user, kind="graded", title="一")
    assert badge(client.get(FLOOR)) == "1"
    Notification.objects.bulk_create([Notification(recipient=user, kind="reminder", title=f"批{i}") for i in range(3)])
    assert badge(client.get(FLOOR)) == "4"
    Notification.objects.filter(recipient=user, title="一").update(read_at="2026-11-01T00:00:00+08:00")
    sent.clear()
    assert badge(client.get(FLOOR)) == "3"
    assert sent[0] == "EVALSHA" and "SET" in sent  # nothing kept after the write: counted and kept again


def signed_in_session_read(user, *, bell_count):
    """A session of ``user`` saved, then read anew (as by the next request), with their bell kept."""
    caches["default"].set(bell.bell_key(user.pk), bell_count)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store.save()
    read = SessionStore(store.session_key)
    assert read[SESSION_KEY] == str(user.pk)
    return read


def test_a_count_forgotten_after_the_session_was_read_is_not_used(county, redis_sessions):
    user = OfficerFactory(county=county).user
    read = signed_in_session_read(user, bell_count=5)
    assert read.prefetched[:2] == (user.pk, 5)
    Notification.objects.create(recipient=user, kind="graded", title="在本次请求中写下")
    assert read.prefetched_bell(user.pk) is bell.NOT_READ  # forgotten since: read again


def test_the_count_is_only_for_the_user_the_session_signed_in(county, redis_sessions):
    user, other = OfficerFactory(county=county).user, OfficerFactory(county=county).user
    assert signed_in_session_read(user, bell_count=5).prefetched_bell(other.pk) is bell.NOT_READ
    read = signed_in_session_read(user, bell_count=5)
    assert read.prefetched_bell(user.pk) == 5
    assert read.prefetched_bell(user.pk) is bell.NOT_READ  # once: a second read in the request asks Redis


def test_sessions_on_another_redis_database_read_the_bell_apart(client, county, redis_sessions, settings, sent):
    other_db = settings.CACHES["default"]["LOCATION"].rsplit("/", 1)[0] + "/13"
    settings.CACHES = {**settings.CACHES, "sessions": session_cache(other_db)}
    assert joint_read(caches["sessions"], caches["default"]) is None
    user = OfficerFactory(county=county).user
    Notification.objects.create(recipient=user, kind="graded", title="审核结果")
    client.force_login(user)
    client.get(FLOOR)
    sent.clear()
    assert badge(client.get(FLOOR)) == "1"
    assert sent == ["GET", "GET"]  # the session, then the bell


def test_a_session_stored_in_the_old_form_still_signs_in(client, county, redis_sessions):
    user = OfficerFactory(county=county).user
    client.force_login(user)
    key = client.cookies["sessionid"].value
    sessions = caches["sessions"]
    cache_key = sessions.make_and_validate_key(SessionStore.cache_key_prefix + key)
    data = sessions.get(SessionStore.cache_key_prefix + key)
    raw = sessions._cache.get_client(write=True)
    raw.set(cache_key, pickle.dumps(data))  # as Django's engine stored it before the upgrade
    response = client.get(FLOOR)
    assert response.status_code == 200 and f'data-testid="current-user">{user.get_full_name()}<' in (
        response.content.decode()
    )


def test_a_redis_that_fails_the_joint_read_signs_nobody_in(client, county, redis_sessions):
    user = OfficerFactory(county=county).user
    client.force_login(user)
    with mock.patch("redis.commands.core.Script.__call__", side_effect=redis.ConnectionError("down")):
        response = client.get(FLOOR)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_redis_that_refuses_scripts_reads_the_two_apart(client, county, redis_sessions, sent):
    user = OfficerFactory(county=county).user
    Notification.objects.create(recipient=user, kind="graded", title="审核结果")
    client.force_login(user)
    refused = redis.ResponseError("NOSCRIPT scripting is disabled")
    with mock.patch("redis.commands.core.Script.__call__", side_effect=refused) as script:
        assert badge(client.get(FLOOR)) == "1"  # signed in: the session read as Django reads it
        sent.clear()
        assert badge(client.get(FLOOR)) == "1"
    assert script.call_count == 1 and sent == ["GET", "GET"]  # not tried again in this process
