"""Risk levels (红橙黄蓝) set by staff on a report, an event or a case, with a reason: every change
kept, and the subject supervised to closure by a risk item whose deadlines are the county's for the
level (officers.selectors.risk_deadlines: calendar or working time)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from officers import selectors as officer_selectors
from officers.rules import RISK_LEVEL_LABELS

from .. import rules
from ..models import RiskAssessment, RiskLevel, SupervisionItem, SupervisionState
from .supervision import subject_field, supervision_deadlines_reset, supervision_open


def risk_cause_key(subject) -> str:
    return f"risk:{subject_field(subject)}:{subject.pk}"


def _subject_title(subject) -> str:
    """A short name of the subject for the item's title (staff pages only; never sent out)."""
    number = getattr(subject, "number", "")
    if number:
        return f"案件 {number}"
    prefix = "事件" if subject_field(subject) == "event" else ""
    return f"{prefix}“{str(subject)[:60]}”"


@transaction.atomic
def risk_level_set(*, subject, level: str, reason: str, actor, owner=None, now=None) -> RiskAssessment:
    """Set (or change) the subject's risk level. The level before is kept, superseded; the subject's
    risk item is opened with the level's deadlines, or, if open, given the new level's deadlines
    counted from now."""
    now = now or timezone.now()
    problem = rules.risk_setter_problem(
        is_staff=getattr(actor, "is_portal_staff", False),
        is_superuser=actor.is_superuser,
        own_county=actor.county_id == subject.county_id,
    )
    if problem:
        raise ValidationError(problem)
    if level not in RiskLevel.values:
        raise ValidationError({"level": "请选择风险等级（红、橙、黄、蓝）"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写设定或调整风险等级的理由"})
    field = subject_field(subject)
    current = RiskAssessment.objects.select_for_update().filter(superseded_at__isnull=True, **{field: subject}).first()
    if current is not None and current.level == level:
        raise ValidationError({"level": f"当前已是{current.get_level_display()}风险，无需调整"})
    response_due, handling_due = officer_selectors.risk_deadlines(county_id=subject.county_id, level=level, start=now)
    if current is not None:
        current.superseded_at = now
        current.save(update_fields=["superseded_at"])
    assessment = RiskAssessment(
        county_id=subject.county_id,
        level=level,
        previous_level=current.level if current is not None else "",
        reason=reason,
        response_due_at=response_due,
        handling_due_at=handling_due,
        set_by=actor,
        set_at=now,
        **{field: subject},
    )
    assessment.full_clean()
    assessment.save()
    label = RISK_LEVEL_LABELS[level]
    title = f"{label}风险处置：{_subject_title(subject)}"
    key = risk_cause_key(subject)
    item = SupervisionItem.objects.filter(cause_key=key, state=SupervisionState.OPEN).first()
    if item is None:
        supervision_open(
            subject=subject,
            kind=SupervisionItem.Kind.RISK,
            owner=owner or actor,
            due_at=handling_due,
            response_due_at=response_due,
            title=title,
            cause_key=key,
            opened_by=actor,
            now=now,
        )
    else:
        before = RISK_LEVEL_LABELS.get(current.level, "") if current is not None else ""
        item.title = title[:200]
        item.save(update_fields=["title"])
        supervision_deadlines_reset(
            item=item,
            due_at=handling_due,
            response_due_at=response_due,
            actor=actor,
            note=f"风险等级{before}→{label}，时限自调整时起重新计算",
            now=now,
        )
    return assessment
