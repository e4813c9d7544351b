"""The mediation agreement (调解协议书): recording it, its court confirmation (司法确认), the county's
template, and the document written from them."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry

from .. import rules
from ..agreement_docx import agreement_docx_bytes
from ..models import Agreement, AgreementTemplate, CaseStatus, DisputeCase, FollowUp, MediationResult
from .supervision import case_supervision_refresh


def _locked(case: DisputeCase) -> DisputeCase:
    return DisputeCase.objects.select_for_update().get(pk=case.pk)


def _agreement(case: DisputeCase) -> Agreement | None:
    return Agreement.objects.filter(case=case).first()


@transaction.atomic
def agreement_record(
    *, case: DisputeCase, actor, workers: str, terms: str, amount, signed_on: date, today: date | None = None
) -> Agreement:
    """Record (or correct) what a successful mediation agreed; the employer is the case's enterprise
    and the schedule its instalments. The change is written to the timeline."""
    today = today or timezone.localdate()
    case = _locked(case)
    if case.mediation_result != MediationResult.SUCCESS or case.status not in (CaseStatus.SUCCEEDED, CaseStatus.CLOSED):
        raise ValidationError("只有调解成功的案件可以登记调解协议")
    if amount is None or Decimal(amount) < 0:
        raise ValidationError({"amount": "协议金额不能为负数"})
    if signed_on > today:
        raise ValidationError({"signed_on": "签订日期不能晚于今天"})
    agreement = _agreement(case) or Agreement(case=case)
    replaced = agreement.pk is not None
    agreement.workers, agreement.terms = (workers or "").strip(), (terms or "").strip()
    agreement.amount, agreement.signed_on = amount, signed_on
    agreement.recorded_by, agreement.recorded_at = actor, timezone.now()
    agreement.full_clean()
    agreement.save()
    FollowUp.objects.create(
        case=case,
        happened_on=min(signed_on, today),
        action=(
            f"{'更正' if replaced else '登记'}调解协议：协议金额 {agreement.amount:,.2f} 元，"
            f"签订日期 {signed_on:%Y-%m-%d}"
        ),
        author=actor,
    )
    return agreement


@transaction.atomic
def court_confirmation_record(
    *,
    case: DisputeCase,
    actor,
    court: str,
    applied_on: date,
    confirmed_on: date | None = None,
    court_case_number: str = "",
    today: date | None = None,
) -> Agreement:
    """司法确认: the court applied to and when; once confirmed, the date and the court's case number.
    A confirmed agreement makes an overdue instalment 可申请强制执行 (rules.overdue_remedy)."""
    today = today or timezone.localdate()
    case = _locked(case)
    agreement = _agreement(case)
    if agreement is None:
        raise ValidationError("请先登记调解协议，再登记司法确认")
    court, court_case_number = (court or "").strip(), (court_case_number or "").strip()
    if not court:
        raise ValidationError({"court": "请填写确认法院"})
    if applied_on > today:
        raise ValidationError({"applied_on": "申请日期不能晚于今天"})
    if applied_on < agreement.signed_on:
        raise ValidationError({"applied_on": "申请日期不能早于协议签订日期"})
    if confirmed_on is not None:
        if confirmed_on > today:
            raise ValidationError({"confirmed_on": "确认日期不能晚于今天"})
        if confirmed_on < applied_on:
            raise ValidationError({"confirmed_on": "确认日期不能早于申请日期"})
        if not court_case_number:
            raise ValidationError({"court_case_number": "已确认的，请填写法院案号"})
    agreement.court, agreement.court_applied_on = court, applied_on
    agreement.court_confirmed_on, agreement.court_case_number = confirmed_on, court_case_number
    agreement.full_clean()
    agreement.save()
    text = f"向{court}申请司法确认（{applied_on:%Y-%m-%d}）"
    if confirmed_on:
        text += f"；{confirmed_on:%Y-%m-%d} 经法院确认有效，案号 {court_case_number}"
    FollowUp.objects.create(case=case, happened_on=confirmed_on or applied_on, action=text, author=actor)
    DisputeCase.objects.filter(pk=case.pk).update(last_activity_at=timezone.now())
    case_supervision_refresh(case=case)  # 支付令 becomes 强制执行
    return agreement


def agreement_template_text(county) -> str:
    """The county's wording of the agreement, or the default one."""
    template = AgreementTemplate.objects.filter(county=county).first()
    return template.text if template else rules.DEFAULT_AGREEMENT_TEMPLATE


@transaction.atomic
def agreement_template_save(*, county, actor, text: str, request=None) -> AgreementTemplate:
    """A county admin's wording of the 调解协议书; refused, naming it, when a placeholder is unknown."""
    text = (text or "").replace("\r\n", "\n").strip()
    problem = rules.template_problem(text)
    if problem:
        raise ValidationError({"text": problem})
    template = AgreementTemplate.objects.select_for_update().filter(county=county).first()
    template = template or AgreementTemplate(county=county)
    template.text, template.updated_by, template.updated_at = text, actor, timezone.now()
    template.full_clean()
    template.save()
    audit_record(
        actor=actor, action=AuditEntry.Action.CHANGE_TEMPLATE, county=county, target="调解协议书模板", request=request
    )
    return template


def agreement_document(*, case: DisputeCase) -> bytes:
    """The 调解协议书 of a case with a recorded agreement, as DOCX, in its county's wording."""
    agreement = _agreement(case)
    if agreement is None:
        raise ValidationError("本案尚未登记调解协议")
    return agreement_docx_bytes(
        case=case,
        agreement=agreement,
        schedule=[(i.due_on, i.amount) for i in case.instalments.order_by("due_on")],
        template_text=agreement_template_text(case.county),
    )
