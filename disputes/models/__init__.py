"""Labour-dispute cases (``cases``) and what runs to a date on them (``mediation``)."""

from .agreement import Agreement, AgreementTemplate
from .cases import (
    CaseAttachment,
    CaseCounter,
    CaseStatus,
    DisputeCase,
    DisputeType,
    FollowUp,
    MediationResult,
    Outcome,
    OutcomeCorrection,
    TellMethod,
    TransferTarget,
)
from .mediation import Instalment, MediationExtension, MoneyArrived, ReturnVisit, Satisfaction

__all__ = [
    "Agreement",
    "AgreementTemplate",
    "CaseAttachment",
    "CaseCounter",
    "CaseStatus",
    "DisputeCase",
    "DisputeType",
    "FollowUp",
    "Instalment",
    "MediationExtension",
    "MediationResult",
    "MoneyArrived",
    "Outcome",
    "OutcomeCorrection",
    "ReturnVisit",
    "Satisfaction",
    "TellMethod",
    "TransferTarget",
]
