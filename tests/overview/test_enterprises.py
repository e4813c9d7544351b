"""The enterprise risk ledger: the county's enterprises by current risk then recent activity, filtered
by township and industry, exported with text escaped and numbers as numbers; one enterprise's page over
time; staff only, another county's enterprise not found."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disputes import services as dispute_services
from reports import services as report_services
from tests.factories import EnterpriseFactory, OfficerFactory, ReportFactory, ReviewerFactory, TownshipFactory
from unionportal.overview.enterprises import enterprise_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(county):
    return ReviewerFactory(county=county, full_name="陈审核")


@pytest.fixture
def world(county, reviewer):
    dongkan = TownshipFactory(county=county, name="东坎街道")
    wuxun = TownshipFactory(county=county, name="五汛镇")
    quiet = EnterpriseFactory(county=county, name="安静机械厂", township=dongkan, industry="制造业")
    textile = EnterpriseFactory(county=county, name="=华强纺织", township=dongkan, industry="纺织业")
    courier = EnterpriseFactory(county=county, name="顺达快递网点", township=wuxun, industry="快递物流")
    officer = OfficerFactory(county=county)
    now = timezone.now()
    for days in (5, 30, 200):
        ReportFactory(
            officer=officer,
            enterprise=textile,
            status="reviewed",
            submitted_at=now - timedelta(days=days),
            occurred_at=now - timedelta(days=days, hours=1),
            title=f"华强{days}天前",
        )
    recent = ReportFactory(
        officer=officer,
        enterprise=courier,
        status="submitted",
        submitted_at=now - timedelta(hours=2),
        occurred_at=now - timedelta(hours=3),
        title="快递员派费下调",
    )
    report_services.risk_level_set(subject=recent, level="orange", reason="派费下调引发议论", actor=reviewer)
    case = dispute_services.case_register(
        county=county, actor=reviewer, dispute_type="wage_arrears", workers_involved=3, enterprise=textile
    )
    report_services.risk_level_set(subject=case, level="red", reason="欠薪百人", actor=reviewer)
    dispute_services.outcome_add(
        case=case, actor=reviewer, kind="wages", amount=Decimal("12345.60"), received_on=timezone.localdate()
    )
    return {"quiet": quiet, "textile": textile, "courier": courier, "dongkan": dongkan, "case": case}


def test_ordered_by_current_risk_then_recent_activity(client, reviewer, world):
    client.force_login(reviewer)
    rows = list(client.get(reverse("overview:enterprises")).context["enterprises"])
    assert [
        (e.name, e.risk_level, e.report_count, e.recent_reports, e.case_count, e.open_supervision) for e in rows
    ] == [
        ("=华强纺织", "red", 3, 2, 1, 1),
        ("顺达快递网点", "orange", 1, 1, 0, 1),
        ("安静机械厂", "", 0, 0, 0, 0),
    ]
    assert rows[0].money_recovered == Decimal("12345.60")


def test_filtered_by_township_and_industry(client, reviewer, world):
    client.force_login(reviewer)
    page = client.get(reverse("overview:enterprises"), {"township": world["dongkan"].pk})
    assert [e.name for e in page.context["enterprises"]] == ["=华强纺织", "安静机械厂"]
    page = client.get(reverse("overview:enterprises"), {"industry": "快递物流"})
    assert [e.name for e in page.context["enterprises"]] == ["顺达快递网点"]


def test_export_escapes_text_and_keeps_numbers(client, reviewer, world):
    client.force_login(reviewer)
    response = client.get(reverse("overview:enterprise_export"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("单位名称", "统一社会信用代码", "镇区街道", "所属行业", "当前风险等级")
    assert rows[1][0] == "'=华强纺织" and rows[1][4] == "红色"
    assert rows[1][5:10] == (3, 2, 1, 12345.6, 1)  # numbers, not text
    text = client.get(reverse("overview:enterprise_export"), {"format": "csv"}).content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1][:2] == ["'=华强纺织", world["textile"].credit_code]


def test_an_enterprises_page_over_time(client, reviewer, world):
    client.force_login(reviewer)
    page = client.get(reverse("overview:enterprise", args=[world["textile"].pk]))
    assert page.status_code == 200
    assert page.context["repeated"] is True and len(page.context["recent_reports"]) == 2
    assert page.context["money"]["total"] == Decimal("12345.60")
    kinds = [kind for kind, _, _ in page.context["timeline"]]
    assert sorted(kinds) == ["case", "report", "report", "report", "risk"]
    body = page.content.decode()
    assert "被重复报送" in body and "12,345.60" in body and world["case"].number in body
    assert [i.kind for i in page.context["items"]] == ["risk"]


def test_an_enterprises_page_reads_who_set_each_level_and_who_owns_each_item_by_name(reviewer, world):
    with CaptureQueriesContext(connection) as read:
        ledger = enterprise_ledger(user=reviewer, pk=world["textile"].pk)
    with CaptureQueriesContext(connection) as after:
        shown = (
            [(r.level, r.set_by.get_full_name(), r.case.number) for r in ledger["risks"]],
            [(i.kind, i.owner.get_full_name()) for i in ledger["items"]],
        )
    assert shown == ([("red", "陈审核", world["case"].number)], [("risk", "陈审核")])
    assert len(after) == 0
    named = [q["sql"] for q in read.captured_queries if '"officers_user"' in q["sql"]]
    assert len(named) == 2  # the levels with their setters, the open items with their owners
    for sql in named:
        assert '"officers_user"."full_name"' in sql and '"officers_user"."password"' not in sql


def test_officers_are_refused_and_other_counties_not_found(client, world, officer, other_county):
    client.force_login(officer.user)
    for url in (
        reverse("overview:enterprises"),
        reverse("overview:enterprise_export"),
        reverse("overview:enterprise", args=[world["textile"].pk]),
    ):
        assert client.get(url).status_code == 403
    client.force_login(ReviewerFactory(county=other_county))
    assert client.get(reverse("overview:enterprise", args=[world["textile"].pk])).status_code == 404
    assert list(client.get(reverse("overview:enterprises")).context["enterprises"]) == []


@pytest.fixture
def officer(county):
    return OfficerFactory(county=county)


def test_the_monthly_summary_lists_items_closed_late_and_still_open(county, reviewer):
    from datetime import date, datetime

    from unionportal.core.clock import BEIJING
    from unionportal.overview import summaries

    report = ReportFactory(officer=OfficerFactory(county=county), status="submitted")
    opened = datetime(2026, 10, 5, 9, tzinfo=BEIJING)

    def item(key, days):
        return report_services.supervision_open(
            subject=report,
            kind="other",
            owner=reviewer,
            due_at=opened + timedelta(days=days),
            title=key,
            cause_key=key,
            now=opened,
        )[0]

    late, in_time, still_open = item("逾期办结", 1), item("按期办结", 5), item("尚未办结", 3)
    report_services.supervision_close(item=late, actor=reviewer, note="已处置", now=opened + timedelta(days=3))
    report_services.supervision_close(item=in_time, actor=reviewer, note="已处置", now=opened + timedelta(days=2))
    report_services.supervision_sweep(now=datetime(2026, 10, 31, 12, tzinfo=BEIJING))
    f = summaries.summary_figures(county=county, month=date(2026, 10, 1))
    assert f["supervision_closed_late"] == [["逾期办结", "其他督办", "陈审核", "10-06 09:00", "10-08 09:00", late.pk]]
    assert f["supervision_open"] == [
        ["尚未办结", "其他督办", "陈审核", "10-08 09:00", "红色（严重逾期）", still_open.pk]
    ]


def test_an_events_risk_counts_for_the_enterprise_its_initial_report_names(client, county, reviewer, world):
    """The 初报 of an emergency names 安静机械厂: the event, its 红 and its item are the enterprise's."""
    officer = OfficerFactory(county=county, township=world["dongkan"])
    initial = report_services.report_save(
        officer=officer,
        data={
            "title": "机械厂职工聚集",
            "content": "约二十名职工聚集。",
            "category": "mass_incident",
            "urgency": "emergency",
            "occurred_at": timezone.now() - timedelta(minutes=10),
            "township": world["dongkan"],
            "enterprise": world["quiet"],
            "workers_involved": 20,
            "demands": "要求补缴社保",
        },
        submit=True,
    )
    event = initial.event_entry.event
    assert event.enterprise == world["quiet"]
    report_services.risk_level_set(subject=event, level="red", reason="聚集人数多", actor=reviewer)
    client.force_login(reviewer)
    rows = {e.name: e for e in client.get(reverse("overview:enterprises")).context["enterprises"]}
    quiet = rows["安静机械厂"]
    assert (quiet.risk_level, quiet.open_supervision, quiet.report_count) == ("red", 1, 1)
    page = client.get(reverse("overview:enterprise", args=[world["quiet"].pk]))
    assert sorted(kind for kind, _, _ in page.context["timeline"]) == ["event", "report", "risk"]
    assert [i.event for i in page.context["items"]] == [event]
    body = page.content.decode()
    assert f'突发事件：<a href="{reverse("reports:event", args=[event.pk])}">机械厂职工聚集</a>' in body
