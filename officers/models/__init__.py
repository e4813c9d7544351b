"""The registry's models, one module per concern; importing from ``officers.models`` still works."""

from ..account_safety import PasswordHistory, SignInFailure
from ..channels.models import ChannelSetting
from .accounts import User
from .clock import DeadlineSetting, WorkCalendarDay
from .officer import Officer, OfficerStatusChange, VettingNote
from .privacy import CorrectionRequest, NoticeConsent, ProcessingNotice
from .registry import County, Enterprise, Region, Township, county_code_validator, phone_validator, validate_credit_code
from .security import SecurityPolicy
from .training import Activity, Attendance, Commendation, Guidance, SignInCode, Suggestion

__all__ = [
    "Activity",
    "Attendance",
    "ChannelSetting",
    "Commendation",
    "CorrectionRequest",
    "County",
    "DeadlineSetting",
    "Enterprise",
    "Guidance",
    "Officer",
    "OfficerStatusChange",
    "NoticeConsent",
    "PasswordHistory",
    "ProcessingNotice",
    "SecurityPolicy",
    "Region",
    "SignInCode",
    "SignInFailure",
    "Suggestion",
    "Township",
    "User",
    "VettingNote",
    "WorkCalendarDay",
    "county_code_validator",
    "phone_validator",
    "validate_credit_code",
]
