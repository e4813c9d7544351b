"""Idle expiry: a session lives SESSION_COOKIE_AGE from the last request, written at most once a minute."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """The middleware's clock, moved by hand (Django's own session expiry uses timezone.now())."""
    import unionportal.core.middleware as middleware

    class Clock:
        now = 1_800_000_000.0

        def time(self):
            return self.now

    clock = Clock()
    monkeypatch.setattr(middleware, "time", clock)
    return clock


def expiry(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def test_an_active_session_is_pushed_back_at_most_once_a_minute(client, clock, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.SESSION_TOUCH_SECONDS = 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    client.force_login(OfficerFactory().user)
    assert client.get(reverse("home")).status_code == 200  # first touch: saved
    first = expiry(client)
    clock.now += 30
    client.get(reverse("home"))
    assert expiry(client) == first, "a request within the minute does not write the session"
    clock.now += 31
    client.get(reverse("home"))
    assert expiry(client) > first, "a minute later the expiry moves on"
    assert "sessionid" in client.cookies


def test_anonymous_requests_write_no_session(client, clock):
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("login")).status_code == 200
    assert Session.objects.count() == 0


def test_logout_is_not_undone_by_the_touch(client, clock, settings):
    settings.SESSION_TOUCH_SECONDS = 60
    client.force_login(OfficerFactory().user)
    client.get(reverse("home"))
    clock.now += 120
    client.post(reverse("logout"))
    assert Session.objects.count() == 0
    assert client.get(reverse("home")).status_code == 302


def test_production_relies_on_the_touch_not_on_a_write_per_request():
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_SAVE_EVERY_REQUEST, s.SESSION_COOKIE_AGE, "
        "'unionportal.core.middleware.SessionIdleExpiryMiddleware' in s.MIDDLEWARE, s.SESSION_TOUCH_SECONDS)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "unionportal.settings.production",
        "SECRET_KEY": "s" * 50,
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "28800", "True", "60"]


def test_the_rest_of_a_signed_in_request_gets_the_user_itself(client, county):
    """The idle check loads the user; the middleware then replaces AuthenticationMiddleware's lazy
    wrapper with it (issue 21: some seventy attribute reads a page went through the wrapper)."""
    from officers.models import User

    officer = OfficerFactory(county=county)
    client.force_login(officer.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200 and type(response.wsgi_request.user) is User
    assert response.wsgi_request.user.pk == officer.user.pk
    client.logout()  # no session cookie: nothing loaded, the lazy anonymous user stays as it was
    response = client.get(reverse("login"))
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
