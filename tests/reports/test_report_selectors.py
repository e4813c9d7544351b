"""reports.selectors.report_for_view and report_panels: a report's lists read only where they have rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import selectors, services
from reports.models import Report
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


def test_a_report_without_rows_in_its_lists_is_one_query_and_its_panels_none(officer, reviewer):
    report = ReportFactory(officer=officer)
    with CaptureQueriesContext(connection) as read:
        shown = selectors.report_for_view(user=reviewer, pk=report.pk)
    with CaptureQueriesContext(connection) as after:
        lists = [list(shown.attachments.all()), list(shown.dispute_cases.all()), list(shown.review_events.all())]
        panels = selectors.report_panels(user=reviewer, report=shown)
    assert lists == [[], [], []]
    assert panels == {"forwards": [], "risk_history": [], "supervision_items": [], "adoptions": [], "instructions": []}
    assert (len(read), len(after)) == (1, 0)


def test_a_reports_filled_lists_are_read(officer, reviewer):
    report = ReportFactory(officer=officer)
    services.report_grade(report=report, reviewer=reviewer, grade="qualified", version=0)
    services.risk_level_set(subject=report, level="red", reason="三十人聚集讨薪", actor=reviewer)
    shown = selectors.report_for_view(user=reviewer, pk=report.pk)
    with CaptureQueriesContext(connection) as after:
        events = [e.action for e in shown.review_events.all()]
        panels = selectors.report_panels(user=reviewer, report=shown)
    assert events == ["grade"]
    assert [a.reason for a in panels["risk_history"]] == ["三十人聚集讨薪"]
    assert [(i.kind, i.state) for i in panels["supervision_items"]] == [("risk", "open")]  # the risk opened its item
    assert (panels["forwards"], panels["adoptions"], panels["instructions"]) == ([], [], [])
    assert len(after) == 2  # the risk levels and the open items; the review history came with the report


def test_a_report_of_another_county_is_refused(officer, foreign_reviewer):
    report = ReportFactory(officer=officer)
    with pytest.raises(Report.DoesNotExist):
        selectors.report_for_view(user=foreign_reviewer, pk=report.pk)


def test_an_officer_reads_instructions_only_on_their_own_report_and_only_when_it_has_some(officer, other_officer):
    report = ReportFactory(officer=officer)
    for user in (officer.user, other_officer.user):
        shown = selectors.report_for_view(user=officer.user, pk=report.pk)
        with CaptureQueriesContext(connection) as read:
            assert selectors.own_report_instructions(user=user, report=shown) == []
        assert len(read) == 0
