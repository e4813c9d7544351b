"""Pages of the dispute module: ``cases`` (list, ledger export, registration, the case page and its
actions, statistics), ``money`` (payments: record, correct, void), ``links`` (link another report),
``mediation`` (告知, extensions, instalments, 回访)."""

from .agreement import AgreementDocxView, AgreementTemplateView, AgreementView, CourtConfirmView
from .cases import (
    AttachView,
    CaseActionView,
    CaseAttachmentView,
    CaseCorrectView,
    CaseCreateView,
    CaseDetailView,
    CaseFromReportView,
    CaseListView,
    CaseMoveView,
    CaseScopedMixin,
    DisputeStatsView,
    FollowUpView,
)
from .links import LinkReportView
from .mediation import CaseExtendView, CaseRiskView, CaseTellView, InstalmentsView, ReturnVisitView
from .money import OutcomeCorrectView, OutcomeView, OutcomeVoidView

__all__ = [
    "AgreementDocxView",
    "AgreementTemplateView",
    "AgreementView",
    "CourtConfirmView",
    "AttachView",
    "CaseActionView",
    "CaseRiskView",
    "CaseAttachmentView",
    "CaseCorrectView",
    "CaseCreateView",
    "CaseDetailView",
    "CaseExtendView",
    "CaseFromReportView",
    "CaseListView",
    "CaseMoveView",
    "CaseScopedMixin",
    "CaseTellView",
    "DisputeStatsView",
    "FollowUpView",
    "InstalmentsView",
    "LinkReportView",
    "OutcomeCorrectView",
    "OutcomeView",
    "OutcomeVoidView",
    "ReturnVisitView",
]
