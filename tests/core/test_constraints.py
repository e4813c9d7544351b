"""full_clean() asks all check constraints of a model in one query and reports the same errors as Django."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.db.models import CheckConstraint
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.models import Report
from tests.factories import OfficerFactory, ReportFactory

pytestmark = pytest.mark.django_db


def django_errors(report, exclude=None):
    """What Django itself would say: each constraint through its own validate()."""
    errors = []
    for constraint in Report._meta.constraints:
        if isinstance(constraint, CheckConstraint):
            try:
                constraint.validate(Report, report, exclude=exclude)
            except ValidationError as exc:
                errors += exc.messages
    return sorted(errors)


def portal_errors(report, exclude=None):
    try:
        report.validate_constraints(exclude=exclude)
    except ValidationError as exc:
        return sorted(exc.message_dict[NON_FIELD_ERRORS])
    return []


NOW = timezone.now()


@pytest.mark.parametrize(
    "changes, violated",
    [
        ({}, []),
        ({"status": "lost"}, ["report_status_valid"]),
        ({"grade": "gold", "urgency": "later"}, ["report_grade_valid", "report_urgency_valid"]),
        ({"amount_involved": Decimal("-1")}, ["report_amount_not_negative"]),
        ({"amount_involved": None}, []),
        ({"submitted_at": NOW - timedelta(days=2), "occurred_at": NOW}, ["report_submitted_after_occurred"]),
        ({"status": "submitted", "submitted_at": None}, ["report_submitted_has_times"]),
        ({"grade": "county_adopted", "adopted_by": ""}, ["report_adoption_names_body"]),
    ],
)
def test_same_errors_as_django(changes, violated):
    report = ReportFactory(officer=OfficerFactory())
    for name, value in changes.items():
        setattr(report, name, value)
    assert portal_errors(report) == django_errors(report)
    expected = sorted(f"约束 “{name}” 是无效的" for name in violated)
    assert portal_errors(report) == expected


def test_excluded_fields_skip_their_constraints_as_in_django():
    report = ReportFactory(officer=OfficerFactory())
    report.status, report.grade = "lost", "gold"
    assert portal_errors(report, exclude={"status"}) == django_errors(report, exclude={"status"})
    assert portal_errors(report, exclude={"status"}) == ["约束 “report_grade_valid” 是无效的"]


def test_one_query_in_one_savepoint_inside_a_transaction():
    report = ReportFactory(officer=OfficerFactory())
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        report.validate_constraints()
    sql = [q["sql"] for q in ctx.captured_queries]
    assert len(sql) == 3 and sql[0].startswith("SAVEPOINT") and sql[2].startswith("RELEASE SAVEPOINT"), sql


def test_a_query_the_database_refuses_falls_back_to_one_constraint_at_a_time(monkeypatch):
    from django.db import DatabaseError
    from django.db.models.sql.compiler import SQLCompiler

    report = ReportFactory(officer=OfficerFactory())
    report.status = "lost"
    real = SQLCompiler.execute_sql
    calls = []

    def refuse_the_combined_query(self, *args, **kwargs):
        calls.append(len(self.query.annotation_select))
        if len(calls) == 1:
            raise DatabaseError("could not evaluate")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "execute_sql", refuse_the_combined_query)
    assert portal_errors(report) == ["约束 “report_status_valid” 是无效的"]
    checks = [c for c in report._meta.constraints if isinstance(c, CheckConstraint)]
    assert len(checks) == 10  # the report's CHECK constraints (issue 16 added the two of 线索合并)
    assert len(calls) == 1 + len(checks)  # the combined query, then Django's one per constraint
