"""Staff grading and returning reports."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from officers.models import User
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry, Notification

from .. import rules
from ..models import (
    ADOPTED_GRADES,
    Grade,
    Report,
    ReviewEvent,
    Status,
    Urgency,
)
from ..selectors.back_pay import locked_month
from ..selectors.reports import open_emergencies_forget

logger = logging.getLogger(__name__)

MERGED_NOT_ADOPTED = rules.MERGED_NOT_ADOPTED
STALE_MESSAGE = "该信息在您打开后已被其他人审核或修改，请刷新页面查看最新结果后再操作。"


def _locked_for_review(report: Report, version: int) -> Report:
    locked = Report.objects.select_for_update(of=("self",)).select_related("officer__user").get(pk=report.pk)
    if locked.version != version:
        raise ValidationError(STALE_MESSAGE, code="stale")
    if not rules.staff_may_review(status=locked.status):
        raise ValidationError(f"该信息当前状态为“{locked.get_status_display()}”，不能审核")
    # The period lock (contract section 3): an approved month's grades are read-only.
    month = locked_month(county_id=locked.county_id, moment=locked.submitted_at)
    if month is not None:
        raise ValidationError(rules.locked_grade_message(month), code="locked")
    if locked.urgency == Urgency.EMERGENCY:
        open_emergencies_forget(county_id=locked.county_id)  # reviewed or returned: off the red banner
    return locked


@transaction.atomic
def report_grade(
    *,
    report: Report,
    reviewer: User,
    grade: str,
    version: int,
    comment: str = "",
    adopted_by: str = "",
    adopted_on=None,
    adoption_doc_no: str = "",
    request=None,
) -> Report:
    """Grade a report (分析研判). ``version`` is what the reviewer saw: a report changed since is refused.
    The returned report's ``officer_notified`` says whether the officer was told (a new grade or comment)."""
    locked = _locked_for_review(report, version)
    if grade not in Grade.values or grade == Grade.PENDING:
        raise ValidationError({"grade": "请选择审核结果"})
    if grade in ADOPTED_GRADES and locked.merged_at is not None:
        raise ValidationError({"grade": MERGED_NOT_ADOPTED})
    if grade in ADOPTED_GRADES and not adopted_by.strip():
        raise ValidationError({"adopted_by": "采用的信息请填写采用单位"})
    if grade in ADOPTED_GRADES and adopted_on:
        if adopted_on > timezone.localdate():
            raise ValidationError({"adopted_on": "采用日期不能晚于今天"})
        reported_on = timezone.localdate(locked.submitted_at)
        if adopted_on < reported_on:
            raise ValidationError({"adopted_on": f"采用日期不能早于报送日期（{reported_on:%Y-%m-%d}）"})
    # The officer hears of a new grade or a new comment, not of every save of the same review.
    tell_officer = (locked.grade, locked.review_comment) != (grade, comment)
    ReviewEvent.objects.create(
        report=locked,
        action=ReviewEvent.Action.GRADE,
        from_grade=locked.grade,
        to_grade=grade,
        comment=comment,
        actor=reviewer,
    )
    adopted = grade in ADOPTED_GRADES
    locked.grade = grade
    locked.status = Status.REVIEWED
    locked.adopted_by = adopted_by.strip() if adopted else ""
    locked.adopted_on = adopted_on if adopted else None
    locked.adoption_doc_no = adoption_doc_no.strip() if adopted else ""
    locked.review_comment = comment
    locked.reviewed_by = reviewer
    locked.reviewed_at = timezone.now()
    locked.version += 1
    locked.full_clean()
    locked.save()
    locked.officer_notified = tell_officer
    if tell_officer:
        Notification.objects.create(
            recipient=locked.officer.user,
            kind=Notification.Kind.GRADED,
            title=f"您报送的“{locked.title}”审核结果：{locked.get_grade_display()}",
            body=comment,
            report=locked,
        )
    audit_record(
        actor=reviewer,
        action=AuditEntry.Action.GRADE,
        report=locked,
        request=request,
        target=f"{locked.get_grade_display()}",
    )
    return locked


@transaction.atomic
def report_return(*, report: Report, reviewer: User, reason: str, version: int, request=None) -> Report:
    """Send a report back to its officer for revision, with the reason."""
    locked = _locked_for_review(report, version)
    if not reason.strip():
        raise ValidationError({"reason": "请填写退回原因，告诉信息员需要补充或修改什么"})
    ReviewEvent.objects.create(
        report=locked,
        action=ReviewEvent.Action.RETURN,
        from_grade=locked.grade,
        to_grade=Grade.PENDING,
        comment=reason,
        actor=reviewer,
    )
    locked.status = Status.RETURNED
    locked.grade = Grade.PENDING
    locked.adopted_by, locked.adopted_on, locked.adoption_doc_no = "", None, ""
    locked.return_reason = reason.strip()
    locked.reviewed_by = reviewer
    locked.reviewed_at = timezone.now()
    locked.version += 1
    locked.save()
    Notification.objects.create(
        recipient=locked.officer.user,
        kind=Notification.Kind.RETURNED,
        title=f"您报送的“{locked.title}”被退回修改",
        body=reason.strip(),
        report=locked,
    )
    audit_record(actor=reviewer, action=AuditEntry.Action.RETURN, report=locked, request=request)
    return locked
