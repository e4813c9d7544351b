"""The county dashboard: every number on a fixed data set, scoping, and a fixed query count."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disputes import services as dispute_services
from officers import services as officer_services
from officers.models import Officer
from officers.rules import officer_code
from officers.services import officer_serials_reserve
from reports.models import Budget, BudgetLine, StipendSetting
from tests.factories import AdminFactory, EnterpriseFactory, OfficerFactory, ReportFactory, ReviewerFactory, UserFactory
from unionportal.overview.dashboard import dashboard

BJ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(month, day):
    return datetime(2026, month, day, 10, 0, tzinfo=BJ)


@pytest.fixture
def year_data(county, other_county):
    wang = OfficerFactory(county=county, name="王建国", category="union_committee", password=None)
    liu = OfficerFactory(county=county, name="刘洋", category="new_form", key_group="courier", password=None)
    OfficerFactory(county=county, name="候选人", status="candidate", password=None)
    reviewed = {"status": "reviewed"}
    ReportFactory(officer=wang, submitted_at=at(1, 5), occurred_at=at(1, 5), grade="qualified", **reviewed)
    ReportFactory(
        officer=wang,
        submitted_at=at(1, 20),
        occurred_at=at(1, 20),
        grade="county_adopted",
        adopted_by="县总工会",
        category="worker_sentiment",
        **reviewed,
    )
    ReportFactory(
        officer=liu,
        submitted_at=at(1, 9),
        occurred_at=at(1, 9),
        urgency="emergency",
        on_time=False,
        category="mass_incident",
    )
    ReportFactory(
        officer=liu,
        submitted_at=at(3, 3),
        occurred_at=at(3, 3),
        grade="above_adopted",
        adopted_by="市总工会",
        **reviewed,
    )
    ReportFactory(
        officer=liu,
        submitted_at=datetime(2025, 12, 31, 23, 0, tzinfo=BJ),
        occurred_at=datetime(2025, 12, 31, 22, 0, tzinfo=BJ),
    )  # last year
    ReportFactory(officer=wang, submitted_at=at(2, 2), occurred_at=at(2, 2), status="withdrawn")  # not counted
    OfficerFactory(county=other_county, password=None)
    ReportFactory(officer__county=other_county, submitted_at=at(1, 5), occurred_at=at(1, 5))  # other county
    StipendSetting.objects.create(county=county, effective_from=date(2026, 3, 1), quota=2)
    reviewer = ReviewerFactory(county=county)
    case = dispute_services.case_register(
        county=county,
        actor=reviewer,
        dispute_type="wage_arrears",
        workers_involved=10,
        enterprise=EnterpriseFactory(county=county),
        registered_on=date(2026, 2, 1),
    )
    dispute_services.case_move(case=case, to_status="mediating", actor=reviewer, on=date(2026, 2, 2))
    dispute_services.case_move(case=case, to_status="succeeded", actor=reviewer, on=date(2026, 2, 10))
    dispute_services.outcome_add(
        case=case, actor=reviewer, kind="wages", amount=Decimal("30000"), received_on=date(2026, 2, 12)
    )
    Budget.objects.create(county=county, year=2026, amount=Decimal("285000"))
    BudgetLine.objects.create(
        county=county, kind="stipend", spent_on=date(2026, 1, 1), amount=Decimal("300"), description="1月补助"
    )
    BudgetLine.objects.create(
        county=county, kind="equipment", spent_on=date(2026, 4, 1), amount=Decimal("899"), description="设备"
    )
    activity = officer_services.activity_create(
        county=county, actor=None, kind="central_training", held_on=date(2026, 4, 8), topic="集中培训"
    )
    officer_services.attendance_mark(activity=activity, officers=[wang, liu], actor=None)
    officer_services.activity_create(
        county=county, actor=None, kind="hearing", held_on=date(2026, 5, 8), topic="观摩庭审"
    )
    officer_services.guidance_record(officer=liu, given_by=None, problem="问题", suggestions="建议一\n建议二")
    return reviewer


def test_every_number(county, year_data):
    d = dashboard(user=year_data, year=2026)
    officers = d["officers"]
    assert (officers["active"], officers["candidates"]) == (2, 1)
    assert {label: n for _, label, n in officers["by_category"]}["新就业形态劳动者"] == 1
    assert {label: n for _, label, n in officers["by_key_group"]}["快递员"] == 1
    r = d["reports"]
    assert (r["total"], r["on_time"], r["county_adopted"], r["above_adopted"], r["emergencies"], r["risks"]) == (
        4,
        3,
        1,
        1,
        1,
        3,
    )
    assert r["on_time_rate"] == 0.75
    assert r["per_month"] == [3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    # As the stipend rule counts: valid reports only. January: 王建国 (two valid); 刘洋's report is
    # still pending. March: 刘洋 has one valid report but the quota is now 2.
    assert d["meeting_quota"] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert (d["disputes"]["successful"], d["disputes"]["success_rate"], d["disputes"]["wages_recovered"]) == (
        1,
        1.0,
        Decimal("30000.00"),
    )
    assert (d["budget"]["amount"], d["budget"]["spent"]) == (Decimal("285000"), Decimal("1199"))
    assert d["budget"]["stipends_per_month"][0] == Decimal("300")
    t = d["training"]
    assert (t["activities"], t["person_times"], t["suggestions"]) == (2, 2, 2)
    assert {label: n for _, label, n in t["by_kind"]}["观摩庭审/调解"] == 1


def test_page_scoping_and_links(client, county, other_county, year_data):
    client.force_login(year_data)
    response = client.get(reverse("dashboard"), {"year": "2026"})
    assert response.status_code == 200 and not response.context["multi"]
    body = response.content.decode()
    assert 'data-testid="d-reports">4<' in body
    assert "/reports/review/?on_time=1&date_from=2026-01-01&date_to=2026-12-31" in body
    assert '<script id="dashboard-data" type="application/json">' in body
    client.force_login(ReviewerFactory(county=other_county))
    assert client.get(reverse("dashboard"), {"year": "2026"}).context["d"]["reports"]["total"] == 1
    client.force_login(OfficerFactory(county=county).user)
    assert client.get(reverse("dashboard")).status_code == 403


def test_multi_county_admin_gets_a_row_per_county(client, county, other_county, year_data):
    client.force_login(UserFactory(county=None, is_superuser=True, is_staff=True, role="admin"))
    response = client.get(reverse("dashboard"), {"year": "2026"})
    assert response.context["multi"] is True
    rows = {
        r["county"].code: (r["officers"], r["reports"], r["on_time"], r["adopted"], r["resolved"])
        for r in response.context["rows"]
    }
    assert rows == {"320922": (2, 4, 3, 2, 1), "320923": (2, 1, 1, 0, 0)}
    assert response.context["d"]["reports"]["total"] == 5


def test_query_count_is_the_same_for_10_and_1000_officers(client, county):
    admin = AdminFactory(county=county)
    client.force_login(admin)

    def add(n, start):
        serials = officer_serials_reserve(county_id=county.pk, count=n)
        Officer.objects.bulk_create(
            [
                Officer(
                    name=f"批量{i}",
                    phone=f"150{start + i:08d}",
                    county=county,
                    category="frontline",
                    serial=serial,
                    code=officer_code(county.code, serial),
                )
                for i, serial in zip(range(n), serials, strict=True)
            ]
        )
        for officer in Officer.objects.filter(county=county).order_by("-pk")[:5]:
            ReportFactory(officer=officer, submitted_at=at(1, 3), occurred_at=at(1, 3))

    def count():
        client.get(reverse("dashboard"), {"year": "2026"})  # the steady state: the bell's count kept
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("dashboard"), {"year": "2026"}).status_code == 200
        return len(ctx)

    add(10, 0)
    small = count()
    add(990, 10)
    assert Officer.objects.count() == 1000
    assert count() == small


@pytest.fixture
def dashboard_cache(settings):
    # A cache of the test's own (clearing the Redis one would empty a database other tests use).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dash"}}
    settings.DASHBOARD_CACHE_SECONDS = 300


def test_figures_are_shared_through_the_cache_until_refreshed(client, county, year_data, dashboard_cache):
    from django.core.cache import cache

    client.force_login(year_data)
    first = client.get(reverse("dashboard"), {"year": "2026"})
    assert first.context["d"]["reports"]["total"] == 4
    assert "每 5 分钟更新" in first.content.decode()
    refreshed = client.get(reverse("dashboard"), {"year": "2026", "refresh": "1"})
    assert refreshed.status_code == 302 and refreshed["Location"] == "/dashboard/?year=2026"
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(reverse("dashboard"), {"year": "2026"})
    ReportFactory(officer=Officer.objects.get(name="王建国"), submitted_at=at(4, 1), occurred_at=at(4, 1))
    # Another member of staff of the same county reads the same figures, without the aggregates.
    client.force_login(ReviewerFactory(county=county))
    with CaptureQueriesContext(connection) as warm:
        cached = client.get(reverse("dashboard"), {"year": "2026"})
    assert cached.context["d"]["reports"]["total"] == 4
    assert len(warm) < len(cold) - 10
    refreshed = client.get(reverse("dashboard"), {"year": "2026", "refresh": "1"}, follow=True)
    assert refreshed.context["d"]["reports"]["total"] == 5
    assert client.get(reverse("dashboard"), {"year": "2026"}).context["d"]["reports"]["total"] == 5
    # Another year is another entry.
    assert client.get(reverse("dashboard"), {"year": "2025"}).context["d"]["reports"]["total"] == 1


def test_cached_money_stays_with_admins(client, county, year_data, dashboard_cache):
    admin = AdminFactory(county=county)
    client.force_login(admin)
    assert client.get(reverse("dashboard"), {"year": "2026"}).context["d"]["budget"]["spent"] == Decimal("1199")
    client.force_login(year_data)  # a reviewer, after the admin filled the cache
    page = client.get(reverse("dashboard"), {"year": "2026"})
    assert page.context["d"]["budget"]["spent"] is None and "1199" not in page.content.decode()
    client.force_login(admin)
    assert client.get(reverse("dashboard"), {"year": "2026"}).context["d"]["budget"]["spent"] == Decimal("1199")


def test_a_cache_that_is_down_costs_only_the_recomputation(client, county, year_data, dashboard_cache, monkeypatch):
    from django.core.cache.backends.locmem import LocMemCache

    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(LocMemCache, "get", broken)
    monkeypatch.setattr(LocMemCache, "set", broken)
    client.force_login(year_data)
    response = client.get(reverse("dashboard"), {"year": "2026"})
    assert response.status_code == 200 and response.context["d"]["reports"]["total"] == 4


def test_multi_county_rows_come_back_from_the_cache_with_their_counties(
    client, county, other_county, year_data, dashboard_cache
):
    client.force_login(UserFactory(county=None, is_superuser=True, is_staff=True, role="admin"))
    client.get(reverse("dashboard"), {"year": "2026"})
    rows = client.get(reverse("dashboard"), {"year": "2026"}).context["rows"]
    assert [(r["county"].name, r["reports"]) for r in rows] == [("滨海县", 4), ("阜宁县", 1)]


@pytest.mark.parametrize("url", ["/dashboard/", "/reports/budget/"])
def test_unicode_digits_in_year_are_explained(client, county, url):
    client.force_login(AdminFactory(county=county))
    response = client.get(url, {"year": "²"})
    assert response.status_code == 200
    assert "年度应为2000–2100之间的四位数字，已显示今年" in response.content.decode()


def test_reviewer_sees_no_money(client, county):
    client.force_login(ReviewerFactory(county=county))
    body = client.get("/dashboard/").content.decode()
    assert "补助发放与预算" not in body
