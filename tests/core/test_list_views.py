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


def test_a_filter_form_uses_its_requests_own_fields_shared_with_no_other(county):
    from django.http import QueryDict

    from reports.filters import ReviewQueueFilter

    reviewer = ReviewerFactory(county=county)
    first = ReviewQueueFilter(QueryDict("status=submitted&date_from=2026-11-01"), user=reviewer)
    second = ReviewQueueFilter(QueryDict("date_from=2026-13-01"), user=reviewer)
    # The fields the filters built for this request are the form's own: not deep-copied once more.
    assert all(first.form.fields[name] is first.filters[name].field for name in first.filters)
    # Nothing is shared between two requests' forms, nor with the class's filters.
    assert not {id(f) for f in first.form.fields.values()} & {id(f) for f in second.form.fields.values()}
    assert all("_field" not in base.__dict__ for base in ReviewQueueFilter.base_filters.values())
    first.form.fields["date_from"].widget.attrs["data-x"] = "1"
    assert "data-x" not in second.form.fields["date_from"].widget.attrs
    assert "data-x" not in ReviewQueueFilter.base_filters["date_from"].extra["widget"].attrs
    # Each form still validates its own data.
    assert first.form.is_valid() and not second.form.is_valid()
    assert list(second.form.errors) == ["date_from"]
    # Its model choices are the user's county's, read per request.
    assert list(first.form.fields["township"].queryset) == list(second.form.fields["township"].queryset)
