"""What every paginated list page shares (unionportal/list_views.py)."""

import pytest
from django.urls import reverse

from tests.factories import ReportFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("page", "shown"), [("999", 2), ("abc", 1), ("", 1), ("2", 2)])
def test_a_page_past_the_end_shows_the_last_page(client, county, page, shown):
    ReportFactory.create_batch(21, officer__county=county)
    client.force_login(ReviewerFactory(county=county))
    response = client.get(reverse("reports:queue"), {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == shown
    assert len(response.context["reports"]) == (1 if shown == 2 else 20)


def test_an_officers_own_lists_forgive_too(client, county):
    report = ReportFactory(officer__county=county)
    client.force_login(report.officer.user)
    for name in ("reports:mine", "reports:notifications"):
        response = client.get(reverse(name), {"page": "5"})
        assert (response.status_code, response.context["page_obj"].number) == (200, 1)
