"""Writes of the reporting system, one module per concern: each with keyword arguments, one
transaction and full_clean(). ``from reports import services`` still reaches every one."""

from .adoption import report_adopt
from .alerts import alert_recipients, alert_texts, alerts_record
from .bulletins import (
    issue_create,
    issue_sign,
    issue_update,
    item_add,
    item_remove,
    item_update,
    may_edit_publication,
    publication_create,
    unit_candidates,
)
from .commissions import (
    commission_answer_nothing,
    commission_create,
    commission_remind,
    commission_send_down,
    commissions_due_tomorrow,
)
from .events import (
    event_entry_confirm,
    event_entry_file,
    event_followups_check,
    event_open,
    events_to_check,
    followup_hour_for,
)
from .forwarding import item_adopt, item_forward, item_forward_on, item_refuse, officer_reveal
from .imports import report_record_imported
from .instructions import follow_up_feedback, instruction_record, owner_choices
from .merge import report_merge
from .review import MERGED_NOT_ADOPTED, STALE_MESSAGE, report_grade, report_return
from .risk import risk_cause_key, risk_level_set
from .stipends import sheet_approve, sheet_reopen
from .submission import (
    EDITABLE_FIELDS,
    emergency_minutes_for,
    report_delete_draft,
    report_record_phone,
    report_save,
    report_withdraw,
)
from .supervision import (
    escalation_recipients,
    extension_decide,
    extension_request,
    subject_field,
    supervision_close,
    supervision_close_cause,
    supervision_deadlines_reset,
    supervision_open,
    supervision_respond,
    supervision_sweep,
)

__all__ = [
    "EDITABLE_FIELDS",
    "MERGED_NOT_ADOPTED",
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
    "follow_up_feedback",
    "instruction_record",
    "issue_create",
    "issue_sign",
    "issue_update",
    "item_add",
    "item_adopt",
    "item_forward",
    "item_forward_on",
    "item_refuse",
    "item_remove",
    "item_update",
    "may_edit_publication",
    "officer_reveal",
    "owner_choices",
    "publication_create",
    "unit_candidates",
    "event_entry_confirm",
    "event_entry_file",
    "event_followups_check",
    "event_open",
    "events_to_check",
    "followup_hour_for",
    "report_adopt",
    "report_delete_draft",
    "report_grade",
    "report_merge",
    "report_record_imported",
    "report_return",
    "report_record_phone",
    "report_save",
    "report_withdraw",
    "escalation_recipients",
    "extension_decide",
    "extension_request",
    "risk_cause_key",
    "risk_level_set",
    "sheet_approve",
    "subject_field",
    "supervision_close",
    "supervision_close_cause",
    "supervision_deadlines_reset",
    "supervision_open",
    "supervision_respond",
    "supervision_sweep",
    "sheet_reopen",
]
