"""The reporting system's models, one module per concern; importing from ``reports.models`` still works."""

from ..choices import (
    ADOPTED_GRADES,
    COUNTED_STATUSES,
    RISK_CATEGORIES,
    VALID_GRADES,
    Category,
    Grade,
    Status,
    Tier,
    Urgency,
)
from .adoption import Adoption
from .budget import Budget, BudgetLine
from .forwarding import ForwardedItem
from .reminders import Reminder
from .report import Report, ReportAttachment, ReviewEvent, TimelinessRule
from .stipends import SheetEvent, StipendSetting, StipendSheet, StipendSheetRow

__all__ = [
    "ADOPTED_GRADES",
    "COUNTED_STATUSES",
    "RISK_CATEGORIES",
    "VALID_GRADES",
    "Adoption",
    "Budget",
    "BudgetLine",
    "Category",
    "ForwardedItem",
    "Grade",
    "Reminder",
    "Report",
    "ReportAttachment",
    "ReviewEvent",
    "SheetEvent",
    "Status",
    "StipendSetting",
    "StipendSheet",
    "StipendSheetRow",
    "Tier",
    "TimelinessRule",
    "Urgency",
]
