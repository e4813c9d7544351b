"""Money recovered for the workers: recording a payment, correcting it, voiding it.

Every figure (the case page, 争议统计, ``dispute_stats``, the dashboard, the ledger export) adds up
``Outcome.objects.counted()``: a voided payment stays as history and counts nowhere; a corrected one
counts at its new amount, its earlier amounts kept in ``OutcomeCorrection``.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry

from .. import rules
from ..models import DisputeCase, FollowUp, Outcome, OutcomeCorrection
from .supervision import case_supervision_refresh

CONFIRM_HINT = "请核对金额；确认无误请勾选“确认金额无误”并写明原因"


def remaining_due(case: DisputeCase) -> Decimal | None:
    """What remains to be paid on the case's instalment schedule: its total less the payments counted
    (those matched against it, voided ones left out); None when the case has no schedule."""
    total = case.instalments.aggregate(total=Sum("amount"))["total"]
    if total is None:
        return None
    paid = Outcome.objects.counted().filter(case=case).aggregate(paid=Sum("amount"))["paid"]
    return total - (paid or Decimal("0"))


def _check_limit(
    *,
    case: DisputeCase,
    amount: Decimal,
    confirmed: bool,
    reason: str,
    reason_field: str,
    remaining: Decimal | None = None,
) -> str:
    """The reason the recorder gave for an amount above the limit ('' when within it). An unconfirmed
    amount above it is refused with code ``needs_confirmation``, for the page to ask."""
    problem = rules.money_over_limit(amount=Decimal(amount), claimed=case.amount_claimed, remaining_due=remaining)
    if problem is None:
        return ""
    if not confirmed:
        raise ValidationError({"confirm": ValidationError(f"{problem}。{CONFIRM_HINT}", code="needs_confirmation")})
    if not reason.strip():
        raise ValidationError({reason_field: "请写明金额超出的原因"})
    return reason.strip()


def _record(*, outcome: Outcome, actor, text: str, audit: bool = True, request=None, on: date | None = None):
    # Money paid may cure an overdue instalment: its 支付令 item closes itself.
    case_supervision_refresh(case=outcome.case)
    """The case's timeline and (for what changes money already counted, or confirms money above the
    limit) the audit log say the same thing."""
    case = outcome.case
    FollowUp.objects.create(case=case, happened_on=on or timezone.localdate(), author=actor, action=text)
    DisputeCase.objects.filter(pk=case.pk).update(last_activity_at=timezone.now())
    if not audit:
        return
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CHANGE_CASE,
        county=case.county_id,
        target=f"{case.number} {text}"[:200],
        request=request,
    )


@transaction.atomic
def outcome_add(
    *,
    case: DisputeCase,
    actor,
    kind: str,
    amount,
    received_on: date,
    note: str = "",
    confirmed: bool = False,
    confirm_reason: str = "",
    request=None,
) -> Outcome:
    """Record money obtained for the workers: one instalment. An amount above the case's claim (or
    above rules.MONEY_CEILING without a claim, or above what remains due on the instalment schedule)
    needs ``confirmed`` and a reason, kept on the row."""
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "金额应大于 0"})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "日期不能晚于今天"})
    case = DisputeCase.objects.select_for_update().get(pk=case.pk)  # one payment at a time per case
    outcome = Outcome(case=case, kind=kind, amount=amount, received_on=received_on, note=note, recorded_by=actor)
    outcome.full_clean()
    remaining = remaining_due(case)
    outcome.over_limit_reason = _check_limit(
        case=case,
        amount=outcome.amount,
        confirmed=confirmed,
        reason=confirm_reason,
        reason_field="confirm_reason",
        remaining=remaining,
    )
    outcome.save()
    detail = f"登记{outcome.get_kind_display()} {outcome.amount:.2f} 元" + (f"（{note}）" if note else "")
    if outcome.over_limit_reason:
        above_claim = rules.money_over_limit(amount=outcome.amount, claimed=case.amount_claimed)
        what = "诉求金额" if above_claim else "协议分期剩余应付金额"
        detail += f"；超出{what}，确认原因：{outcome.over_limit_reason}"
    _record(
        outcome=outcome,
        actor=actor,
        text=detail,
        audit=bool(outcome.over_limit_reason),
        request=request,
        on=received_on,
    )
    return outcome


def _locked(outcome: Outcome) -> Outcome:
    # The case first, then the payment: the order outcome_add locks in.
    DisputeCase.objects.select_for_update().get(pk=outcome.case_id)
    return Outcome.objects.select_for_update().select_related("case").get(pk=outcome.pk)


@transaction.atomic
def outcome_correct(
    *,
    outcome: Outcome,
    actor,
    amount,
    reason: str,
    confirmed: bool = False,
    seen_amount=None,
    request=None,
) -> Outcome:
    """Change a payment's amount, keeping the amount it had. ``seen_amount``: the amount the page
    showed; a payment changed since is refused rather than overwritten."""
    outcome = _locked(outcome)
    if outcome.is_voided:
        raise ValidationError("该笔金额已作废，不能更正")
    if seen_amount is not None and Decimal(seen_amount) != outcome.amount:
        raise ValidationError("该笔金额刚被他人更正过，请查看最新金额后再操作", code="stale")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请写明更正原因"})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "金额应大于 0；整笔登记错误请作废"})
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount == outcome.amount:
        raise ValidationError({"amount": "金额与原金额相同，无需更正"})
    _check_limit(
        case=outcome.case,
        amount=amount,
        confirmed=confirmed,
        reason=reason,
        reason_field="reason",
    )
    correction = OutcomeCorrection(
        outcome=outcome, old_amount=outcome.amount, new_amount=amount, reason=reason, corrected_by=actor
    )
    correction.full_clean()
    correction.save()
    outcome.amount = amount
    outcome.full_clean()
    outcome.save(update_fields=["amount"])
    text = (
        f"更正{outcome.get_kind_display()}（{outcome.received_on:%Y-%m-%d}）："
        f"{correction.old_amount:.2f} 元 → {amount:.2f} 元。原因：{reason}"
    )
    _record(outcome=outcome, actor=actor, text=text, request=request)
    return outcome


@transaction.atomic
def outcome_void(*, outcome: Outcome, actor, reason: str, request=None) -> Outcome:
    """Take a payment out of every figure (entered twice, on the wrong case, never paid). The row
    stays, with who voided it, when and why."""
    outcome = _locked(outcome)
    if outcome.is_voided:
        raise ValidationError("该笔金额已作废")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请写明作废原因"})
    outcome.voided_at, outcome.voided_by, outcome.void_reason = timezone.now(), actor, reason
    outcome.full_clean()
    outcome.save(update_fields=["voided_at", "voided_by", "void_reason"])
    text = f"作废{outcome.get_kind_display()}（{outcome.received_on:%Y-%m-%d}）{outcome.amount:.2f} 元。原因：{reason}"
    _record(outcome=outcome, actor=actor, text=text, request=request)
    return outcome
