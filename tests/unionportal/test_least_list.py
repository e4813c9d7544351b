"""The least list pages of benchmarks/bench_urls.py (issue 21's eleventh pass): the reference rows of
load.py show the review queue's first page, under the one scoping rule, or their figures mean nothing."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks import bench_urls
from tests.factories import OfficerFactory, ReportFactory, ReviewerFactory

pytestmark = pytest.mark.django_db
PAGES = ("/bench/list/", "/bench/list-sql/", "/bench/list-prepared/")


@pytest.fixture(autouse=True)
def bench(settings):
    settings.ROOT_URLCONF = "benchmarks.bench_urls"
    bench_urls._compiled.clear()
    yield
    bench_urls._compiled.clear()


def rows_markup(response) -> str:
    body = response.content.decode()
    return body.split('<div class="list-group mb-3">', 1)[1].split("</a></div>", 1)[0]


def shown(response) -> list[str]:
    body = response.content.decode()
    return re.findall(r'<span class="fw-semibold text-break">([^<]*)</span>', body)


def test_both_show_the_review_queues_first_page_with_its_count(client, county, other_county):
    officer = OfficerFactory(county=county)
    for n in range(23):
        ReportFactory(officer=officer, title=f"待审{n:02d}")
    ReportFactory(officer=officer, title="已审", status="reviewed", grade="qualified")
    ReportFactory(officer=officer, title="突发", urgency="emergency", on_time=False, township=None)
    ReportFactory(officer=OfficerFactory(county=other_county), title="外县")
    client.force_login(ReviewerFactory(county=county))
    queue = shown(client.get(reverse("reports:queue")))
    assert len(queue) == 20 and queue[0] == "突发" and "已审" not in queue and "外县" not in queue
    responses = [client.get(page) for page in PAGES]
    for response in responses:
        assert response.status_code == 200
        assert shown(response) == queue
        assert "共 24 条" in response.content.decode()
    # The same rows, badges and details, written from tuples as from reports.
    assert rows_markup(responses[0]) == rows_markup(responses[1]) == rows_markup(responses[2])
    assert "text-bg-danger" in rows_markup(responses[1]) and "超时" in rows_markup(responses[1])


def test_another_countys_reviewer_sees_only_their_own(client, county, other_county):
    ReportFactory(officer=OfficerFactory(county=county), title="本县")
    ReportFactory(officer=OfficerFactory(county=other_county), title="外县")
    reviewer = ReviewerFactory(county=county)
    client.force_login(reviewer)
    assert [shown(client.get(page)) for page in PAGES] == [["本县"]] * 3
    # The same account moved to another county: the kept SQL is not the old county's.
    reviewer.county = other_county
    reviewer.save(update_fields=["county"])
    assert [shown(client.get(page)) for page in PAGES] == [["外县"]] * 3


def test_an_officer_is_refused_and_a_visitor_sent_to_sign_in(client, county):
    ReportFactory(officer=OfficerFactory(county=county), title="本县")
    for page in PAGES:
        assert client.get(page).status_code == 302
    client.force_login(OfficerFactory(county=county).user)
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 403 and "本县" not in response.content.decode()


def test_the_prepared_page_is_planned_once_per_connection(client, county, other_county):
    ReportFactory(officer=OfficerFactory(county=county), title="本县")
    ReportFactory(officer=OfficerFactory(county=other_county), title="外县")
    client.force_login(ReviewerFactory(county=county))
    client.get("/bench/list-prepared/")
    with CaptureQueriesContext(connection) as again:
        assert shown(client.get("/bench/list-prepared/")) == ["本县"]
    sent = [q["sql"] for q in again.captured_queries if "bench_" in q["sql"]]
    assert len(sent) == 2 and all(sql.startswith("EXECUTE bench_") for sql in sent)
    # Another county's reviewer runs the same two statements with their own county.
    client.force_login(ReviewerFactory(county=other_county))
    with CaptureQueriesContext(connection) as theirs:
        assert shown(client.get("/bench/list-prepared/")) == ["外县"]
    assert [q["sql"].split("(")[0] for q in theirs.captured_queries if "bench_" in q["sql"]] == [
        sql.split("(")[0] for sql in sent
    ]
