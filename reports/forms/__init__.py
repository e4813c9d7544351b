"""The reports app's forms, by what they are for: ``report`` (an officer's report and its review),
``network`` (forwarding, commissions) and ``events`` (events, merging, risk and supervision)."""

from .events import (
    EventEntryForm,
    ExtensionDecisionForm,
    MergeForm,
    PhoneInitialForm,
    RiskLevelForm,
    SupervisionCloseForm,
    SupervisionExtensionForm,
    SupervisionNoteForm,
)
from .network import (
    CommissionForm,
    ForwardAdoptForm,
    ForwardForm,
    ForwardOnForm,
    ForwardRefuseForm,
    NothingToReportForm,
)
from .report import DATETIME_INPUT, REQUIRED_TO_SUBMIT, GradeForm, ReportForm, ReturnForm, SheetReopenForm

__all__ = [
    "DATETIME_INPUT",
    "REQUIRED_TO_SUBMIT",
    "CommissionForm",
    "EventEntryForm",
    "ExtensionDecisionForm",
    "ForwardAdoptForm",
    "ForwardForm",
    "ForwardOnForm",
    "ForwardRefuseForm",
    "GradeForm",
    "MergeForm",
    "NothingToReportForm",
    "PhoneInitialForm",
    "ReportForm",
    "ReturnForm",
    "RiskLevelForm",
    "SheetReopenForm",
    "SupervisionCloseForm",
    "SupervisionExtensionForm",
    "SupervisionNoteForm",
]
