from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import override_settings


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_reports_database_down(client):
    with mock.patch("unionportal.core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


@pytest.mark.django_db
def test_healthz_needs_no_login_and_only_get(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz$"])
def test_healthz_is_not_redirected_to_https(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
