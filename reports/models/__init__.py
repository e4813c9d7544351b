"""The reporting system's models, one module per concern; importing from ``reports.models`` still works."""

from ..choices import (
    ADOPTED_GRADES,
    COUNTED_STATUSES,
    RISK_CATEGORIES,
    VALID_GRADES,
    Category,
    EntryKind,
    EntrySource,
    EventState,
    ExtensionState,
    Grade,
    RiskLevel,
    Status,
    SupervisionColour,
    SupervisionKind,
    SupervisionState,
    Tier,
    Urgency,
)
from .adoption import Adoption
from .budget import Budget, BudgetLine
from .bulletins import BulletinIssue, BulletinItem, Publication
from .commissions import Audience, Commission, CommissionRecipient
from .events import Event, EventEntry, Lead, MissedFollowup
from .forwarding import ForwardedItem
from .instructions import FollowUp, Instruction
from .points import PointsTable
from .reminders import Reminder
from .report import Report, ReportAttachment, ReviewEvent, TimelinessRule
from .stipends import BackPay, SheetEvent, StipendSetting, StipendSheet, StipendSheetRow
from .supervision import (
    SUBJECT_FIELDS,
    SUBJECT_LABELS,
    RiskAssessment,
    SupervisionExtension,
    SupervisionItem,
    SupervisionLog,
)

__all__ = [
    "ADOPTED_GRADES",
    "Audience",
    "Commission",
    "CommissionRecipient",
    "PointsTable",
    "COUNTED_STATUSES",
    "RISK_CATEGORIES",
    "VALID_GRADES",
    "Adoption",
    "BackPay",
    "BulletinIssue",
    "BulletinItem",
    "FollowUp",
    "Instruction",
    "Publication",
    "Budget",
    "BudgetLine",
    "Category",
    "ForwardedItem",
    "EntryKind",
    "EntrySource",
    "Event",
    "EventEntry",
    "EventState",
    "ExtensionState",
    "RiskAssessment",
    "RiskLevel",
    "SUBJECT_FIELDS",
    "SUBJECT_LABELS",
    "SupervisionColour",
    "SupervisionExtension",
    "SupervisionItem",
    "SupervisionKind",
    "SupervisionLog",
    "SupervisionState",
    "Grade",
    "Lead",
    "MissedFollowup",
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
