"""The officers admin site: scoped choices and filters."""

import pytest

from tests.factories import AdminFactory, OfficerFactory, ReviewerFactory, TownshipFactory

pytestmark = pytest.mark.django_db


def test_admin_filters_list_only_own_county(client, county, other_county):
    TownshipFactory(county=other_county, name="阜城街道")
    own = TownshipFactory(county=county, name="东坎街道")
    OfficerFactory(county=county, township=own)
    client.force_login(AdminFactory(county=county))
    body = client.get("/admin/officers/officer/").content.decode()
    assert "东坎街道" in body and "阜城街道" not in body


def test_admin_account_choices_are_the_countys(client, county, other_county):
    ReviewerFactory(county=other_county, full_name="外县审核员")
    OfficerFactory(county=other_county, name="外县信息员")
    client.force_login(AdminFactory(county=county, full_name="本县管理员"))
    body = client.get("/admin/officers/guidance/add/").content.decode()
    assert "本县管理员" in body and "外县审核员" not in body and "外县信息员" not in body
