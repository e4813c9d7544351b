"""Reports brought in from past ledgers."""

import logging

from django.db import transaction

from .. import rules
from ..models import (
    Grade,
    Report,
    ReviewEvent,
    Status,
)
from .submission import emergency_minutes_for

logger = logging.getLogger(__name__)


@transaction.atomic
def report_record_imported(*, report: Report, actor=None) -> Report:
    """Store a report brought in from a past ledger: its status follows its grade, its timeliness
    is computed as for a report made in the portal, and a grade on a new row is kept in history."""
    is_new = report.pk is None
    previous_grade = None if is_new else Report.objects.values_list("grade", flat=True).get(pk=report.pk)
    report.county_id = report.county_id or report.officer.county_id
    if is_new and report.township_id is None:
        report.township_id = report.officer.township_id
    report.status = Status.SUBMITTED if report.grade == Grade.PENDING else Status.REVIEWED
    report.on_time = rules.is_on_time(
        urgency=report.urgency,
        occurred_at=report.occurred_at,
        submitted_at=report.submitted_at,
        emergency_minutes=emergency_minutes_for(report.county_id),
    )
    if report.grade != previous_grade:
        report.version += 1
    report.full_clean()
    report.save()
    if report.grade != (previous_grade or Grade.PENDING):
        ReviewEvent.objects.create(
            report=report,
            action=ReviewEvent.Action.GRADE,
            from_grade=previous_grade or Grade.PENDING,
            to_grade=report.grade,
            comment="台账导入",
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
    return report
