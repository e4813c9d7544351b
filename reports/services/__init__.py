"""Writes of the reporting system, one module per concern: each with keyword arguments, one
transaction and full_clean(). ``from reports import services`` still reaches every one."""

from .adoption import report_adopt
from .alerts import alert_recipients, alert_texts, alerts_record
from .commissions import (
    commission_answer_nothing,
    commission_create,
    commission_remind,
    commission_send_down,
    commissions_due_tomorrow,
)
from .imports import report_record_imported
from .review import STALE_MESSAGE, report_grade, report_return
from .stipends import sheet_approve, sheet_reopen
from .submission import (
    EDITABLE_FIELDS,
    emergency_minutes_for,
    report_delete_draft,
    report_save,
    report_withdraw,
)

__all__ = [
    "EDITABLE_FIELDS",
    "STALE_MESSAGE",
    "alert_recipients",
    "alert_texts",
    "alerts_record",
    "commission_answer_nothing",
    "commission_create",
    "commission_remind",
    "commission_send_down",
    "commissions_due_tomorrow",
    "emergency_minutes_for",
    "report_adopt",
    "report_delete_draft",
    "report_grade",
    "report_record_imported",
    "report_return",
    "report_save",
    "report_withdraw",
    "sheet_approve",
    "sheet_reopen",
]
