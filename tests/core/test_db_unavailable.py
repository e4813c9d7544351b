"""The 503 page for a lost database connection, each way the error reaches the response
(unionportal.core.db_unavailable). The drill with a real PostgreSQL restart is tests/drills/test_postgres_restart.py."""

import logging
from unittest import mock

import pytest

from tests.drills.test_postgres_restart import LEAKS


def _clean_503(response):
    body = response.content.decode()
    assert response.status_code == 503, (response.status_code, body[:300])
    assert "系统暂时无法连接数据库" in body and response["Retry-After"] == "30"
    assert not [word for word in LEAKS if word in body]
    assert "no-store" in response["Cache-Control"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"] and response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware's headers too
    return body


@pytest.fixture
def officer_client(county):
    from django.test import Client

    from tests.factories import OfficerFactory

    client = Client(raise_request_exception=False)
    client.force_login(OfficerFactory(county=county).user)
    return client


@pytest.mark.django_db
def test_lost_connection_in_a_view_is_a_503(officer_client, caplog):
    from django.db import InterfaceError

    with (
        caplog.at_level(logging.ERROR, logger="django.request"),
        mock.patch("officers.views.selectors.officer_of_user", side_effect=InterfaceError("connection already closed")),
    ):
        _clean_503(officer_client.get("/"))
    # The 500 that became the 503, and the 503, are logged with one 错误编号: several workers' lines
    # interleave in one log, and the drill tells a 500 that stayed one from them by it.
    lines = [record.getMessage() for record in caplog.records if record.name == "django.request"]
    assert len(lines) == 2 and lines[0].startswith("Internal Server Error: / [错误编号 ")
    assert lines[1] == "Service Unavailable: / " + lines[0].removeprefix("Internal Server Error: / ")


@pytest.mark.django_db
def test_lost_connection_while_loading_the_session_is_a_503(officer_client):
    # Raised in SessionMiddleware/AuthenticationMiddleware, before any view: no process_exception sees it.
    from django.db import OperationalError

    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore._get_session_from_db",
        side_effect=OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused'),
    ):
        _clean_503(officer_client.get("/reports/"))


@pytest.mark.django_db
def test_lost_connection_while_saving_the_session_is_a_503_not_a_400(officer_client, settings):
    # The session middleware turns a failed save into SessionInterrupted, a 400 "Bad Request" page.
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    settings.SESSION_SAVE_EVERY_REQUEST = True
    real_execute = CursorWrapper._execute

    def execute(self, sql, *args):
        if sql.startswith('UPDATE "django_session"'):
            raise OperationalError("server closed the connection unexpectedly")
        return real_execute(self, sql, *args)

    with mock.patch.object(CursorWrapper, "_execute", execute):
        _clean_503(officer_client.get("/reports/"))


@pytest.mark.django_db
def test_other_errors_keep_their_pages(officer_client):
    from django.db import IntegrityError

    with mock.patch("officers.views.selectors.officer_of_user", side_effect=IntegrityError("duplicate key")):
        response = officer_client.get("/")
    assert response.status_code == 500 and "系统暂时出现问题" in response.content.decode()
    assert officer_client.get("/no-such-page/").status_code == 404


class FakePostgresError(Exception):
    """What psycopg2 raises, with the SQLSTATE the server sent."""

    def __init__(self, pgcode):
        super().__init__(pgcode)
        self.pgcode = pgcode


@pytest.mark.django_db
@pytest.mark.parametrize("sqlstate", ["57014", "40P01", "40001", "55P03"])
def test_a_timeout_or_deadlock_keeps_the_error_page(officer_client, sqlstate):
    # A statement timeout, a deadlock, a serialization failure, a lock not available: OperationalErrors,
    # but the database is there all along, so nobody is told it cannot be reached.
    from django.db import OperationalError

    error = OperationalError("canceling statement")
    error.__cause__ = FakePostgresError(sqlstate)
    with mock.patch("officers.views.selectors.officer_of_user", side_effect=error):
        response = officer_client.get("/")
    assert response.status_code == 500 and "系统暂时出现问题" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("sqlstate", ["08006", "57P01", "57P03"])
def test_a_connection_the_server_dropped_is_a_503(officer_client, sqlstate):
    from django.db import OperationalError

    error = OperationalError("terminating connection due to administrator command")
    error.__cause__ = FakePostgresError(sqlstate)
    with mock.patch("officers.views.selectors.officer_of_user", side_effect=error):
        _clean_503(officer_client.get("/"))


@pytest.mark.django_db(transaction=True)
def test_any_database_error_on_a_connection_that_broke_is_a_503(officer_client):
    """psycopg2 may answer a server gone mid-result with a bare DatabaseError ("no message from the
    libpq"), no SQLSTATE: the connection it ran on, broken under it, says what happened (seen once as
    a 500 in the restart drill)."""
    from django.db import DatabaseError, connection

    def server_gone(**kwargs):
        connection.ensure_connection()
        connection.connection.close()  # what psycopg2 does to a connection the server dropped
        raise DatabaseError("error with status PGRES_TUPLES_OK and no message from the libpq")

    try:
        with mock.patch("officers.views.selectors.officer_of_user", side_effect=server_gone):
            _clean_503(officer_client.get("/"))
    finally:
        connection.close()  # the test's own clean-up needs a connection again


@pytest.mark.django_db
def test_a_database_error_on_a_working_connection_keeps_the_error_page(officer_client):
    from django.db import DatabaseError

    with mock.patch("officers.views.selectors.officer_of_user", side_effect=DatabaseError("some other failure")):
        response = officer_client.get("/")
    assert response.status_code == 500 and "系统暂时出现问题" in response.content.decode()


@pytest.mark.django_db
def test_a_bare_database_error_while_the_server_is_unreachable_is_a_503(officer_client):
    """The driver's bare DatabaseError on a connection nobody has marked broken yet: the server is
    asked, and a database that does not answer is the 503 page, not a 500."""
    from django.db import DatabaseError, connection

    error = DatabaseError("error with status PGRES_TUPLES_OK and no message from the libpq")
    with mock.patch("officers.views.selectors.officer_of_user", side_effect=error):
        with mock.patch.object(connection, "is_usable", return_value=False) as asked:
            _clean_503(officer_client.get("/"))
    asked.assert_called()


@pytest.mark.django_db
def test_an_integrity_error_is_not_taken_for_a_lost_database(officer_client):
    from django.db import IntegrityError, connection

    with mock.patch("officers.views.selectors.officer_of_user", side_effect=IntegrityError("duplicate key")):
        with mock.patch.object(connection, "is_usable", return_value=False) as asked:
            response = officer_client.get("/")
    assert response.status_code == 500 and "系统暂时出现问题" in response.content.decode()
    asked.assert_not_called()
