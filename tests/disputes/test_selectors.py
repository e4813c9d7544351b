"""disputes.selectors.case_detail (and its risk panel): a case's lists read only where they have rows."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes import selectors, services
from disputes.models import DisputeCase, Instalment, MediationExtension, ReturnVisit
from reports import selectors as report_selectors
from reports import services as report_services
from tests.factories import CountyFactory, OfficerFactory, ReportFactory, ReviewerFactory, image_bytes

pytestmark = pytest.mark.django_db

LISTS = ("follow_ups", "outcomes", "extensions", "instalments", "return_visits", "attachments", "handlers", "reports")
TODAY = date(2026, 11, 2)


def registered(county, reviewer):
    return services.case_register(
        county=county, actor=reviewer, dispute_type="other", workers_involved=3, enterprise_name="滨海某厂"
    )


def read(reviewer, case):
    """The case as its page gets it, the queries that took, and what reading its lists took after."""
    with CaptureQueriesContext(connection) as fetched:
        detail = selectors.case_detail(user=reviewer, pk=case.pk)
    with CaptureQueriesContext(connection) as lists:
        rows = {name: list(getattr(detail, name).all()) for name in LISTS}
        officers = [report.officer.name for report in rows["reports"]]
        corrections = [c.reason for o in rows["outcomes"] for c in o.corrections.all()]
        authors = [f.author.get_full_name() for f in rows["follow_ups"]]
        # The rest of what the page shows of them: no column of it may be left to a query of its own.
        shown = [
            *(h.get_full_name() for h in rows["handlers"]),
            *(o.voided_by.get_full_name() for o in rows["outcomes"] if o.voided_by_id),
            *(c.corrected_by.get_full_name() for o in rows["outcomes"] for c in o.corrections.all()),
            *(e.recorded_by.get_full_name() for e in rows["extensions"]),
            *(v.recorded_by.get_full_name() for v in rows["return_visits"]),
            *((r.title, r.submitted_at, r.officer.user_id) for r in rows["reports"]),
        ]
        assert all(shown)
    return rows, len(fetched), len(lists), (officers, corrections, authors)


def test_a_case_without_rows_in_its_lists_is_one_query(county, reviewer):
    case = registered(county, reviewer)
    case.handlers.clear()  # as a case of the ledger import has none
    rows, fetched, after, _ = read(reviewer, case)
    assert rows == {name: [] for name in LISTS}
    assert (fetched, after) == (1, 0)


def test_a_case_reads_the_lists_that_have_rows_and_only_those(county, reviewer):
    case = registered(county, reviewer)
    services.follow_up_add(case=case, actor=reviewer, action="电话联系用人单位")
    services.follow_up_add(case=case, actor=reviewer, action="约谈")
    rows, fetched, after, (_, _, authors) = read(reviewer, case)
    assert [f.action for f in rows["follow_ups"]] == ["电话联系用人单位", "约谈"]  # by day, then as entered
    assert authors == [reviewer.get_full_name()] * 2
    assert rows["handlers"] == [reviewer]  # who registered it
    assert {name: len(r) for name, r in rows.items() if name not in ("follow_ups", "handlers")} == {
        name: 0 for name in LISTS if name not in ("follow_ups", "handlers")
    }
    assert (fetched, after) == (3, 0)  # the case, its follow-ups (with their authors), its handlers


def test_a_case_with_every_list_filled_reads_them_all(county, reviewer):
    officer = OfficerFactory(county=county, name="王信息")
    case = services.case_from_report(
        report=ReportFactory(officer=officer, title="欠薪线索"), actor=reviewer, enterprise_name="滨海某厂"
    )
    handler = ReviewerFactory(county=county, full_name="赵承办")
    case.handlers.add(handler)
    services.follow_up_add(case=case, actor=reviewer, action="电话联系用人单位")
    outcome = services.outcome_add(case=case, actor=reviewer, kind="wages", amount=Decimal("1000"), received_on=TODAY)
    services.outcome_correct(outcome=outcome, actor=reviewer, amount=Decimal("1200"), reason="收据金额有误")
    MediationExtension.objects.create(
        case=case, agreed_on=TODAY, previous_deadline=TODAY, new_deadline=TODAY + timedelta(days=15),
        reason="双方同意延长", recorded_by=reviewer,
    )  # fmt: skip
    Instalment.objects.create(case=case, due_on=TODAY, amount=Decimal("500"), recorded_by=reviewer)
    ReturnVisit.objects.create(
        case=case, closed_on=TODAY, visited_on=TODAY, reached=False, recorded_by=reviewer, note="电话未接"
    )
    services.case_attach(
        case=case, actor=reviewer, files=[SimpleUploadedFile("协议.png", image_bytes(), content_type="image/png")]
    )
    rows, fetched, after, (officers, corrections, _) = read(reviewer, case)
    # Each money entry is also written on the follow-ups; who registered the case handles it too.
    assert {name: len(r) for name, r in rows.items()} == {name: 1 for name in LISTS} | {
        "follow_ups": 3,
        "handlers": 2,
    }
    assert set(rows["handlers"]) == {reviewer, handler}
    assert rows["outcomes"][0].amount == Decimal("1200.00")
    assert rows["return_visits"][0].note == "电话未接"
    assert rows["attachments"][0].original_name == "协议.png"
    assert (officers, corrections) == (["王信息"], ["收据金额有误"])
    # The case; eight lists (the reports with their officers); the outcomes' corrections. Nothing more
    # on reading, the names the page shows included.
    assert (fetched, after) == (10, 0)


def test_another_countys_reviewer_gets_no_case(county, reviewer):
    case = registered(county, reviewer)
    with pytest.raises(DisputeCase.DoesNotExist):
        selectors.case_detail(user=ReviewerFactory(county=CountyFactory()), pk=case.pk)


def test_a_cases_risk_panel_is_read_only_where_it_has_rows(county, reviewer):
    case = registered(county, reviewer)
    quiet = selectors.case_detail(user=reviewer, pk=case.pk)
    with CaptureQueriesContext(connection) as none:
        assert report_selectors.risk_panel(user=reviewer, case=quiet) == {"risk_history": [], "supervision_items": []}
    report_services.risk_level_set(subject=case, level="orange", reason="欠薪人数增加", actor=reviewer)
    risky = selectors.case_detail(user=reviewer, pk=case.pk)
    with CaptureQueriesContext(connection) as some:
        panels = report_selectors.risk_panel(user=reviewer, case=risky)
    assert [a.reason for a in panels["risk_history"]] == ["欠薪人数增加"]
    assert [(i.kind, i.state) for i in panels["supervision_items"]] == [("risk", "open")]
    assert (len(none), len(some)) == (0, 2)


def test_a_case_reads_the_names_it_shows_not_whole_accounts_or_officers(county, reviewer):
    officer = OfficerFactory(county=county, name="王信息", phone="13900001111")
    case = services.case_from_report(
        report=ReportFactory(officer=officer, title="欠薪线索"), actor=reviewer, enterprise_name="滨海某厂"
    )
    voider = ReviewerFactory(county=county, full_name="钱作废")
    outcome = services.outcome_add(case=case, actor=reviewer, kind="wages", amount=Decimal("800"), received_on=TODAY)
    services.outcome_void(outcome=outcome, actor=voider, reason="重复登记")
    MediationExtension.objects.create(
        case=case, agreed_on=TODAY, previous_deadline=TODAY, new_deadline=TODAY + timedelta(days=15),
        reason="双方同意延长", recorded_by=reviewer,
    )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        rows, _, after, (officers, _, authors) = read(reviewer, case)
    assert [o.voided_by.get_full_name() for o in rows["outcomes"]] == ["钱作废"]
    assert officers == ["王信息"] and after == 0
    sql = "\n".join(q["sql"] for q in queries.captured_queries)
    # Neither a password hash nor the rest of an account, nor an officer's phone, for a page that
    # shows their names.
    assert '"officers_user"."password"' not in sql and '"password"' not in sql
    assert '"officers_officer"."phone"' not in sql
    assert '"officers_user"."full_name"' in sql
