"""Events in the figures: the dashboard and the monthly summary show open events and 续报 on time,
late and missed (漏报), from the same selector."""

import io
from datetime import date, datetime, timedelta
from unittest import mock

import docx
import openpyxl
import pytest
from django.urls import reverse

from reports import services, tasks
from tests.factories import EMERGENCY_ESSENTIALS, OfficerFactory, ReviewerFactory, TownshipFactory
from unionportal.core.clock import BEIJING
from unionportal.overview import summaries
from unionportal.overview.dashboard import dashboard
from unionportal.overview.summary_export import docx_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def bj(*args):
    return datetime(*args, tzinfo=BEIJING)


def frozen(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def october_events(county):
    """Two events opened in October 2026: one closed after an on-time 续报, one still open with a late
    续报 and a 漏报; the 17:00 due hour."""
    township = TownshipFactory(county=county, name="八巨镇")
    liu = OfficerFactory(county=county, township=township, name="刘洋")
    zhao = OfficerFactory(county=county, township=township, name="赵敏")

    def open_event(officer, at, title):
        data = {
            "title": title,
            "content": "职工聚集",
            "category": "mass_incident",
            "urgency": "emergency",
            "occurred_at": at - timedelta(minutes=10),
            "township": township,
            **EMERGENCY_ESSENTIALS,
        }
        with frozen(at):
            return services.report_save(officer=officer, data=data, submit=True, now=at).event_entry.event

    first = open_event(liu, bj(2026, 10, 12, 10, 0), "服装厂聚集")
    services.event_entry_file(
        event=first, kind="followup", actor=liu.user, data={"situation": "好转"}, now=bj(2026, 10, 13, 16, 0)
    )
    services.event_entry_file(
        event=first, kind="final", actor=liu.user, data={"outcome": "已解决"}, now=bj(2026, 10, 14, 9, 0)
    )
    second = open_event(zhao, bj(2026, 10, 30, 9, 0), "工地讨薪")
    with frozen(bj(2026, 11, 1, 17, 30)):  # the 31st's and the 1st's 续报 were not filed
        tasks.sweep_event_followups()
    services.event_entry_file(
        event=second, kind="followup", actor=zhao.user, data={"situation": "僵持"}, now=bj(2026, 11, 1, 18, 0)
    )
    return county


def test_the_monthly_summary_counts_events_and_followups(october_events):
    figures = summaries.summary_figures(county=october_events, month=date(2026, 10, 1))
    assert figures["events"] == {
        "open": 1,  # at the month's end
        "opened": 2,
        "closed": 1,
        "followups_on_time": 1,
        "followups_late": 0,  # the late one came in November
        "missed": 0,  # the 31st's due time was answered late (迟报) on the 1st
    }
    november = summaries.summary_figures(county=october_events, month=date(2026, 11, 1))["events"]
    assert (november["followups_late"], november["missed"], november["open"]) == (1, 1, 1)
    with frozen(bj(2026, 11, 2, 9, 0)):
        summary = summaries.summary_build(county=october_events, month=date(2026, 10, 1))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(docx_bytes(summary))).paragraphs)
    assert "本月新发生突发事件 2 起，终报 1 起，月末仍在处置 1 起；续报按时 1 次、逾期 0 次、漏报 0 次。" in text
    rows = dict(list(openpyxl.load_workbook(io.BytesIO(xlsx_bytes(summary)))["概况"].iter_rows(values_only=True))[1:])
    assert (rows["新发生突发事件"], rows["按时续报"], rows["续报漏报"]) == (2, 1, 0)


def test_the_dashboard_shows_open_events_and_followups(client, october_events):
    reviewer = ReviewerFactory(county=october_events)
    with frozen(bj(2026, 11, 2, 9, 0)):
        figures = dashboard(user=reviewer, year=2026)["events"]
        client.force_login(reviewer)
        body = client.get(reverse("dashboard"), {"year": "2026"}).content.decode()
    assert figures == {
        "open": 1,
        "opened": 2,
        "closed": 1,
        "followups_on_time": 1,
        "followups_late": 1,
        "missed": 1,
    }
    assert 'data-testid="d-events-open">1<' in body and 'data-testid="d-followups-missed">1<' in body
