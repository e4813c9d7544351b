"""Writes of the dispute module: each with keyword arguments, one transaction and full_clean().

``cases``: registering, correcting, moving and documenting a case; ``money``: the payments
recovered for its workers, their corrections and voiding; ``mediation``: the law's clock, 告知,
extensions, instalments; ``visits``: the return visit after closing."""

from .agreement import (
    agreement_document,
    agreement_record,
    agreement_template_save,
    agreement_template_text,
    court_confirmation_record,
)
from .cases import (
    CORRECTABLE,
    STATUS_LABELS,
    case_attach,
    case_correct,
    case_facts_from_report,
    case_facts_token,
    case_from_report,
    case_link_report,
    case_move,
    case_number_next,
    case_register,
    employer_resolve,
    follow_up_add,
    foreign_credit_code_message,
)
from .mediation import case_tell_arbitration, instalments_set, mediation_extend, mediation_warnings_send
from .money import outcome_add, outcome_correct, outcome_void
from .supervision import case_supervision_refresh, case_supervisor, cases_supervise, remedy_key, untold_key
from .visits import return_visit_record, return_visit_reminders_send

__all__ = [
    "case_supervision_refresh",
    "case_supervisor",
    "cases_supervise",
    "remedy_key",
    "untold_key",
    "agreement_document",
    "agreement_record",
    "agreement_template_save",
    "agreement_template_text",
    "court_confirmation_record",
    "CORRECTABLE",
    "STATUS_LABELS",
    "case_attach",
    "case_correct",
    "case_facts_from_report",
    "case_facts_token",
    "case_from_report",
    "case_link_report",
    "case_move",
    "case_number_next",
    "case_register",
    "case_tell_arbitration",
    "employer_resolve",
    "follow_up_add",
    "foreign_credit_code_message",
    "instalments_set",
    "mediation_extend",
    "mediation_warnings_send",
    "outcome_add",
    "outcome_correct",
    "outcome_void",
    "return_visit_record",
    "return_visit_reminders_send",
]
