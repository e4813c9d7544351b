"""officers/auth_forms.py PortalLogoutView: signing out clears what the phone holds."""

import pytest

from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def test_logging_out_clears_the_site_data(client, county):
    officer = OfficerFactory(county=county)
    client.force_login(officer.user)
    response = client.post("/accounts/logout/")
    assert response.status_code in (200, 302)
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session


def test_the_logout_form_is_marked_for_the_script(client, county):
    client.force_login(OfficerFactory(county=county).user)
    assert 'action="/accounts/logout/" data-logout>' in client.get("/").content.decode()
