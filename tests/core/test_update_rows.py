"""core.imports.writing.update_rows: the fields of saved rows written back in one statement a batch,
with the values Django's bulk_update would write (text, numbers, money, dates, times, booleans, NULL)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.models import Report
from tests.factories import OfficerFactory, ReportFactory
from unionportal.core.imports.writing import update_rows

pytestmark = pytest.mark.django_db

FIELDS = ["title", "amount_involved", "adopted_on", "reviewed_at", "on_time", "workers_involved", "version"]


def test_the_same_rows_as_bulk_update_in_one_statement_a_batch(county):
    officer = OfficerFactory(county=county)
    mine = [ReportFactory(officer=officer, title=f"原{i}") for i in range(5)]
    theirs = [ReportFactory(officer=officer, title=f"原{i}") for i in range(5)]
    moment = timezone.now() - timedelta(hours=3)
    for rows in (mine, theirs):
        for i, report in enumerate(rows):
            report.title = f"改'{i}\"；"  # quotes travel as parameters
            report.amount_involved = Decimal("1234.50") if i % 2 else None
            report.adopted_on = date(2026, 11, i + 1)
            report.reviewed_at = moment
            report.on_time = bool(i % 2)
            report.workers_involved = None if i == 0 else i * 10
            report.version += 3
    with CaptureQueriesContext(connection) as queries:
        assert update_rows(Report, mine, FIELDS, batch_size=2) == 5
    Report.objects.bulk_update(theirs, FIELDS)
    assert len(queries) == (3 if connection.vendor == "postgresql" else len(queries))  # batches of 2, 2 and 1

    def stored(rows):
        return list(Report.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk").values_list(*FIELDS))

    assert stored(mine) == stored(theirs)
    assert stored(mine)[1] == ("改'1\"；", Decimal("1234.50"), date(2026, 11, 2), moment, True, 10, mine[1].version)


def test_nothing_to_write():
    assert update_rows(Report, [], FIELDS) == 0
