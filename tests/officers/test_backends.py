"""The login backend's user query, compiled once: the same user, officer and units as the ORM's
select_related, in one query, and nobody for a stopped or unknown account; on PostgreSQL prepared
once per connection."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from officers.backends import STATEMENT, CompiledUserQuery, PortalBackend
from tests.factories import OfficerFactory, RegionalReviewerFactory, ReviewerFactory, unit_tree

pytestmark = pytest.mark.django_db


def orm_user(pk):
    return get_user_model().objects.select_related("officer", "county__region", "region").get(pk=pk)


def same(loaded, expected):
    assert type(loaded) is type(expected)
    assert model_to_dict(loaded) == model_to_dict(expected)
    assert [getattr(loaded, f.attname) for f in loaded._meta.concrete_fields] == [
        getattr(expected, f.attname) for f in expected._meta.concrete_fields
    ]


def test_an_officer_with_their_county_in_one_query(county, django_assert_num_queries):
    unit_tree(county)
    officer = OfficerFactory(county=county, name="刘洋")
    with django_assert_num_queries(1):
        user = PortalBackend().get_user(officer.user_id)
        loaded = (user.officer.name, user.officer.county_id, user.county_id, user.region)
    assert loaded == ("刘洋", county.pk, None, None)
    same(user, orm_user(officer.user_id))
    same(user.officer, officer)


def test_staff_of_a_county_and_of_a_city(county, django_assert_num_queries):
    units = unit_tree(county)
    reviewer = ReviewerFactory(county=county)
    city_reviewer = RegionalReviewerFactory(region=units["city"])
    with django_assert_num_queries(2):
        loaded = PortalBackend().get_user(reviewer.pk)
        above = PortalBackend().get_user(city_reviewer.pk)
        # no officer: known from the same row, not asked for again
        assert not hasattr(loaded, "officer") and not hasattr(above, "officer")
        assert (loaded.county.code, above.region.code, above.county) == ("320922", "320900", None)
        # The county's city comes with it: the unit a county's report is forwarded to.
        assert (loaded.county.region.code, loaded.county.ancestor_ids()) == (
            "320900",
            (units["city"].pk, units["province"].pk),
        )
    same(loaded, orm_user(reviewer.pk))
    same(loaded.county.region, orm_user(reviewer.pk).county.region)
    same(above, orm_user(city_reviewer.pk))


def test_nobody_for_a_stopped_or_unknown_account(county):
    officer = OfficerFactory(county=county)
    get_user_model().objects.filter(pk=officer.user_id).update(is_active=False)
    assert PortalBackend().get_user(officer.user_id) is None
    assert PortalBackend().get_user(officer.user_id + 10_000) is None


def statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name = %s", [STATEMENT])
        return [name for (name,) in cursor.fetchall()]


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements: PostgreSQL only (CI runs it)")

    def fresh():  # no statement another test prepared on this connection, none left for the next
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        connection._portal_user_statement = (None, None)

    fresh()
    yield
    fresh()


def test_postgresql_prepares_the_query_once_per_connection(county, postgres):
    officer = OfficerFactory(county=county, name="刘洋")
    with CaptureQueriesContext(connection) as first:
        assert PortalBackend().get_user(officer.user_id).officer.name == "刘洋"
    with CaptureQueriesContext(connection) as second:
        assert PortalBackend().get_user(officer.user_id).officer.name == "刘洋"
    # one round trip each: PREPARE with its EXECUTE, then EXECUTE alone
    assert [q["sql"].split()[0] for q in first] == ["PREPARE"]
    assert [q["sql"] for q in second] == [f"EXECUTE {STATEMENT}({officer.user_id})"]
    assert statements() == [STATEMENT]
    same(PortalBackend().get_user(officer.user_id), orm_user(officer.user_id))
    assert PortalBackend().get_user(officer.user_id + 10_000) is None


def test_a_new_connection_prepares_again(county, postgres):
    officer = OfficerFactory(county=county)
    PortalBackend().get_user(officer.user_id)
    old = connection.connection
    with mock.patch.object(connection, "connection", object()):  # as after a reconnection
        assert CompiledUserQuery.statement_for(connection) == "prepare"
    assert connection.connection is old
    assert CompiledUserQuery.statement_for(connection) == "execute"


def test_an_error_on_the_prepared_path_sends_the_sql_whole_from_then_on(county, postgres):
    officer = OfficerFactory(county=county, name="刘洋")
    PortalBackend().get_user(officer.user_id)
    with connection.cursor() as cursor:  # the statement gone behind the backend's back
        cursor.execute(f"DEALLOCATE {STATEMENT}")
    with pytest.raises(DatabaseError, match=STATEMENT), transaction.atomic():
        PortalBackend().get_user(officer.user_id)
    with CaptureQueriesContext(connection) as after:
        assert PortalBackend().get_user(officer.user_id).officer.name == "刘洋"
    assert after[0]["sql"].startswith('SELECT "officers_user"."id"')
    assert statements() == []


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_request_itself_falls_back_to_the_sql_whole(county, postgres):
    officer = OfficerFactory(county=county, name="刘洋")
    PortalBackend().get_user(officer.user_id)
    with connection.cursor() as cursor:
        cursor.execute(f"DEALLOCATE {STATEMENT}")
    with CaptureQueriesContext(connection) as queries:
        assert PortalBackend().get_user(officer.user_id).officer.name == "刘洋"
    assert queries[0]["sql"] == f"EXECUTE {STATEMENT}({officer.user_id})"  # refused: no such statement
    assert queries[1]["sql"].startswith('SELECT "officers_user"."id"')
    assert CompiledUserQuery.statement_for(connection) == "plain"


def test_a_transaction_pooler_gets_the_sql_whole(county, postgres):
    officer = OfficerFactory(county=county, name="刘洋")
    with mock.patch.dict(connection.settings_dict, {"DISABLE_SERVER_SIDE_CURSORS": True}):
        with CaptureQueriesContext(connection) as queries:
            assert PortalBackend().get_user(officer.user_id).officer.name == "刘洋"
    assert queries[0]["sql"].startswith('SELECT "officers_user"."id"')
    assert statements() == []


def kept_connection_new_request():
    """What Django does with a kept connection when a request starts (CONN_HEALTH_CHECKS): the
    connection is to be checked before the request's first query."""
    connection.ensure_connection()
    connection.close_if_unusable_or_obsolete()
    assert connection.health_check_enabled and not connection.health_check_done


@pytest.mark.django_db(transaction=True)
def test_the_user_query_is_the_requests_connection_check(county, postgres):
    officer = OfficerFactory(county=county, name="刘洋")
    PortalBackend().get_user(officer.user_id)
    kept_connection_new_request()
    with mock.patch.object(connection, "is_usable", wraps=connection.is_usable) as is_usable:
        with CaptureQueriesContext(connection) as queries:
            assert PortalBackend().get_user(officer.user_id).officer.name == "刘洋"
        is_usable.assert_not_called()  # no "SELECT 1" before it: the query itself checked
    assert [q["sql"] for q in queries] == [f"EXECUTE {STATEMENT}({officer.user_id})"]
    assert connection.health_check_done  # the request's later queries are not checked either


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_is_replaced_and_the_user_read_again(county, postgres):
    officer = OfficerFactory(county=county, name="刘洋")
    PortalBackend().get_user(officer.user_id)
    old_pid = connection.connection.info.backend_pid
    other = connection.copy()  # another session kills this one's backend, as a server restart would
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    finally:
        other.close()
    kept_connection_new_request()
    assert PortalBackend().get_user(officer.user_id).officer.name == "刘洋"
    assert connection.connection.info.backend_pid != old_pid
    assert CompiledUserQuery.statement_for(connection) == "execute"  # prepared anew on the new one


def test_inside_a_transaction_a_dropped_connection_is_an_error_not_a_silent_reconnection(county, postgres):
    officer = OfficerFactory(county=county)
    PortalBackend().get_user(officer.user_id)
    connection.health_check_done = False
    with mock.patch.object(CompiledUserQuery, "_get", side_effect=DatabaseError("server closed the connection")):
        with mock.patch.object(connection, "is_usable", return_value=False) as is_usable:
            with pytest.raises(DatabaseError, match="server closed"):
                PortalBackend().get_user(officer.user_id)
    is_usable.assert_not_called()  # the test's transaction: nothing to reconnect to
