"""reports.selectors.report_for_view and report_panels: a report's lists read only where they have rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disputes import services as disputes_services
from officers.backends import PortalBackend
from reports import selectors, services
from reports.models import Report
from tests.factories import ReportFactory, unit_tree

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
        # The names the risk panel shows come with its two queries.
        names = [a.set_by.get_full_name() for a in panels["risk_history"]]
        names += [i.owner.get_full_name() for i in panels["supervision_items"]]
    assert events == ["grade"]
    assert [a.reason for a in panels["risk_history"]] == ["三十人聚集讨薪"]
    assert [(i.kind, i.state) for i in panels["supervision_items"]] == [("risk", "open")]  # the risk opened its item
    assert (panels["forwards"], panels["adoptions"], panels["instructions"]) == ([], [], [])
    assert names == [reviewer.get_full_name()] * 2
    assert len(after) == 2  # the risk levels and the open items; the review history came with the report
    panel_sql = "\n".join(q["sql"] for q in after.captured_queries)
    assert '"officers_user"."password"' not in panel_sql and '"officers_user"."full_name"' in panel_sql


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


def test_the_page_reads_only_what_it_shows_of_its_cases_and_of_who_reviewed(client, county, officer, reviewer):
    report = ReportFactory(officer=officer, title="工资拖欠")
    services.report_grade(report=report, reviewer=reviewer, grade="qualified", version=0)
    case = disputes_services.case_register(
        county=county,
        actor=reviewer,
        dispute_type="wage_arrears",
        workers_involved=3,
        description="三名职工讨薪",
        enterprise_name="华强纺织",
        reports=[report],
    )
    with CaptureQueriesContext(connection) as read:
        shown = selectors.report_for_view(user=reviewer, pk=report.pk)
    with CaptureQueriesContext(connection) as after:
        cases = [(c.number, c.get_status_display()) for c in shown.dispute_cases.all()]
        history = [(e.get_action_display(), e.actor.get_full_name()) for e in shown.review_events.all()]
    assert cases == [(case.number, case.get_status_display())]
    assert history == [("评定", reviewer.get_full_name())]
    assert len(after) == 0  # nothing deferred is read by what the page shows
    case_sql, history_sql = (q["sql"] for q in read.captured_queries[1:])
    assert '"disputes_disputecase"."description"' not in case_sql and '"number"' in case_sql
    assert '"officers_user"."password"' not in history_sql and '"officers_user"."full_name"' in history_sql
    client.force_login(reviewer)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert f"{case.number}（{case.get_status_display()}）" in page
    assert f"{reviewer.get_full_name()} 评定" in page


def test_a_countys_staff_take_the_reports_county_and_city_from_their_account(county, officer, reviewer):
    unit_tree(county)
    report = ReportFactory(officer=officer)
    staff = PortalBackend().get_user(reviewer.pk)  # as every request reads its user
    with CaptureQueriesContext(connection) as read:
        shown = selectors.report_for_view(user=staff, pk=report.pk)
        above = shown.county.region.name  # the unit the page forwards to
    assert (shown.county is staff.county, above) == (True, "盐城市")
    assert len(read) == 1 and '"officers_county"' not in read.captured_queries[0]["sql"]
    # An officer's read (their account has no county of its own) joins them.
    author = PortalBackend().get_user(officer.user_id)
    with CaptureQueriesContext(connection) as theirs:
        mine = selectors.report_for_view(user=author, pk=report.pk)
        assert (mine.county_id, mine.county.region.name) == (county.pk, "盐城市")
    assert len(theirs) == 1 and '"officers_county"' in theirs.captured_queries[0]["sql"]
