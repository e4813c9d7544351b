"""The reports' scoping rule (``Report.objects.visible_to``): a draft is its author's alone. The author
is known from the officer record that came with the account (every request's user), so staff get no
clause for drafts and an officer a comparison with their own id; an account read without its record
still gets the subquery."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from officers.backends import PortalBackend
from officers.scoping import UNKNOWN, loaded_officer
from reports.models import Report
from tests.factories import OfficerFactory, ReportFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(county):
    author, other = OfficerFactory(county=county), OfficerFactory(county=county)
    return {
        "author": author,
        "other": other,
        "submitted": ReportFactory(officer=other, title="已报送"),
        "own_draft": ReportFactory(officer=author, title="本人草稿", status="draft", submitted_at=None, on_time=None),
        "others_draft": ReportFactory(officer=other, title="他人草稿", status="draft", submitted_at=None, on_time=None),
    }


def read(user) -> tuple[set[str], str]:
    with CaptureQueriesContext(connection) as ctx:
        titles = set(Report.objects.visible_to(user).values_list("title", flat=True))
    (query,) = ctx.captured_queries
    return titles, query["sql"]


def test_staff_read_by_the_backend_see_no_draft_with_no_officer_subquery(county, reports):
    reviewer = PortalBackend().get_user(ReviewerFactory(county=county).pk)
    assert loaded_officer(reviewer) is None
    titles, sql = read(reviewer)
    assert titles == {"已报送"}
    assert '"officers_officer"' not in sql


def test_an_officer_read_by_the_backend_sees_their_draft_by_their_own_id(county, reports):
    author = reports["author"]
    user = PortalBackend().get_user(author.user_id)
    assert loaded_officer(user) == author
    titles, sql = read(user)
    assert titles == {"本人草稿"}  # an officer sees only what they own: their draft, not another's report
    assert f'"reports_report"."officer_id" = {author.pk}' in sql and '"officers_officer" U0' not in sql


@pytest.mark.parametrize("who", ["author", "reviewer"])
def test_an_account_read_without_its_officer_record_asks_in_a_subquery(county, reports, who):
    pk = reports["author"].user_id if who == "author" else ReviewerFactory(county=county).pk
    user = get_user_model().objects.get(pk=pk)
    assert loaded_officer(user) is UNKNOWN
    titles, sql = read(user)
    assert titles == ({"本人草稿"} if who == "author" else {"已报送"})
    assert '"officers_officer" U0' in sql
