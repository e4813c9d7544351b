"""The login backend's user query, compiled once: the same user, officer and units as the ORM's
select_related, in one query, and nobody for a stopped or unknown account."""

import pytest
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict

from officers.backends import PortalBackend
from tests.factories import OfficerFactory, RegionalReviewerFactory, ReviewerFactory, unit_tree

pytestmark = pytest.mark.django_db


def orm_user(pk):
    return get_user_model().objects.select_related("officer", "county", "region").get(pk=pk)


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
    same(loaded, orm_user(reviewer.pk))
    same(above, orm_user(city_reviewer.pk))


def test_nobody_for_a_stopped_or_unknown_account(county):
    officer = OfficerFactory(county=county)
    get_user_model().objects.filter(pk=officer.user_id).update(is_active=False)
    assert PortalBackend().get_user(officer.user_id) is None
    assert PortalBackend().get_user(officer.user_id + 10_000) is None
