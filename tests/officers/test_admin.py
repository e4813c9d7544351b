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


def test_county_name_and_code_are_the_superusers_to_change(client, county):
    """Issue 14 item 13: a county admin renamed the county to a formula that headed the stipend sheet."""
    from officers.models import County, User

    client.force_login(AdminFactory(county=county))
    url = f"/admin/officers/county/{county.pk}/change/"
    body = client.get(url).content.decode()
    assert 'name="name"' not in body and 'name="code"' not in body
    inline = {
        "townships-TOTAL_FORMS": "0",
        "townships-INITIAL_FORMS": "0",
        "townships-MIN_NUM_FORMS": "0",
        "townships-MAX_NUM_FORMS": "1000",
    }
    formula = '=HYPERLINK("http://x","滨海县")'
    response = client.post(url, {"name": formula, "code": "320999", **inline})
    assert response.status_code == 302
    county.refresh_from_db()
    assert (county.name, county.code) == ("滨海县", "320922")

    root = User.objects.create_superuser(username="13900000000", password="Root-pass-2026")
    client.force_login(root)
    response = client.post(url, {"name": "滨海县（新）", "code": "320922", "city": "", "province": "", **inline})
    assert response.status_code == 302
    assert County.objects.get(pk=county.pk).name == "滨海县（新）"
