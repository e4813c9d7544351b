"""Leader instructions (领导批示) and their follow-ups (落实).

Recording an instruction tells the county that sent the item (its staff) and the officer, through
the one outbox (the officer reads the text only when staff chose so), and opens a follow-up with an
owner and a due date; the follow-up ends when its feedback (反馈) is recorded.
"""

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from officers.models import User
from unionportal.core import outbox
from unionportal.core.attachments import check_uploads, clean_name
from unionportal.core.audit import audit_record
from unionportal.core.clock import BEIJING
from unionportal.core.models import AuditEntry, Notification

from ..choices import SupervisionKind
from ..models import BulletinItem, FollowUp, Instruction, Report
from .supervision import supervision_close_cause, supervision_open

NOTICE_KIND = "instruction"


def owner_choices(*, report: Report | None = None, actor: User, county_ids=()):
    """Who may own the follow-up: the staff of the county that sent the item (or of any of
    ``county_ids``, for a form covering several items), and the recorder's own unit's staff."""
    staff = User.objects.filter(is_active=True, role__in=[User.Role.REVIEWER, User.Role.ADMIN])
    counties = {report.county_id} if report is not None else set(county_ids)
    own = staff.filter(county_id__in=counties)
    if actor.region_id:
        own = own | staff.filter(region_id=actor.region_id)
    return own.select_related("county", "region").order_by("county_id", "full_name", "pk")


@transaction.atomic
def instruction_record(
    *,
    report: Report,
    actor: User,
    leader: str,
    rank: str,
    text: str,
    given_on,
    owner: User,
    due_on,
    officer_sees_text: bool = False,
    bulletin_item: BulletinItem | None = None,
    forwarded_item=None,
    scan=None,
    request=None,
) -> Instruction:
    """Record an instruction on ``report`` (or on its ``bulletin_item``, or on the ``forwarded_item`` a
    unit above received) and open its follow-up."""
    if bulletin_item is not None and bulletin_item.report_id != report.pk:
        raise ValidationError("批示所在的刊物条目与信息不一致")
    if forwarded_item is not None and forwarded_item.report_id != report.pk:
        raise ValidationError("批示所在的上报信息与原信息不一致")
    if given_on and given_on > timezone.localdate():
        raise ValidationError({"given_on": "批示日期不能晚于今天"})
    if due_on and given_on and due_on < given_on:
        raise ValidationError({"due_on": "反馈期限不能早于批示日期"})
    if owner is None or not owner_choices(report=report, actor=actor).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": "落实责任人应为报送县区或本单位的工作人员"})
    instruction = Instruction(
        report=report,
        bulletin_item=bulletin_item,
        forwarded_item=forwarded_item,
        county_id=report.county_id,
        recorded_region=actor.region if actor.county_id is None and actor.region_id else None,
        leader=(leader or "").strip(),
        rank=rank,
        text=(text or "").strip(),
        given_on=given_on,
        officer_sees_text=officer_sees_text,
        recorded_by=actor,
    )
    if scan is not None:
        [(content, found)] = check_uploads([scan])
        instruction.scan.save(f"instruction{found.extension}", content, save=False)
        instruction.scan_name, instruction.scan_type = clean_name(scan.name), found.content_type
    instruction.full_clean()
    instruction.save()
    follow_up = FollowUp(instruction=instruction, owner=owner, due_on=due_on)
    follow_up.full_clean()
    follow_up.save()
    if owner.county_id == instruction.county_id:
        # The follow-up is also supervised (督办): it changes colour on the clock, and red reaches the
        # county's leaders, as every other item does. Due at the end of its day, Beijing time.
        supervision_open(
            subject=instruction,
            kind=SupervisionKind.INSTRUCTION,
            owner=owner,
            due_at=datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=BEIJING),
            title=f"领导批示落实：{report.title}",
            cause_key=f"instruction:{instruction.pk}",
            opened_by=actor,
        )

    headline = f"“{report.title}”获{instruction.leader}（{instruction.get_rank_display()}）批示"
    notices = []
    staff = User.objects.filter(
        county_id=report.county_id, is_active=True, role__in=[User.Role.REVIEWER, User.Role.ADMIN]
    )
    for person in staff:
        notices += outbox.person_notices(
            key=f"instruction:{instruction.pk}:{person.pk}",
            kind=NOTICE_KIND,
            user=person,
            title=headline,
            body=f"批示内容：{instruction.text}\n落实责任人：{owner.get_full_name()}，"
            f"请于{due_on:%Y-%m-%d}前反馈落实情况。",
            notification_kind=Notification.Kind.GRADED,
            report=report,
        )
    officer_user = report.officer.user
    notices += outbox.person_notices(
        key=f"instruction:{instruction.pk}:{officer_user.pk}",
        kind=NOTICE_KIND,
        user=officer_user,
        title=f"您报送的{headline}",
        body=f"批示内容：{instruction.text}" if officer_sees_text else "感谢您的报送，县总工会将抓好落实。",
        notification_kind=Notification.Kind.GRADED,
        report=report,
    )
    outbox.messages_write_new(notices)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.GRADE,
        report=report,
        request=request,
        target=f"登记领导批示：{instruction.leader}（{instruction.get_rank_display()}）"[:200],
    )
    return instruction


@transaction.atomic
def follow_up_feedback(*, follow_up: FollowUp, actor: User, feedback: str, request=None) -> FollowUp:
    """反馈: what was done. The owner or any staff of the county that sent the item records it, once."""
    locked = FollowUp.objects.select_for_update(of=("self",)).select_related("instruction").get(pk=follow_up.pk)
    if locked.feedback_at is not None:
        raise ValidationError("该批示的落实情况已反馈")
    if actor.pk != locked.owner_id and actor.county_id != locked.instruction.county_id:
        raise ValidationError("只有落实责任人或报送县区的工作人员可以反馈落实情况")
    if not (feedback or "").strip():
        raise ValidationError({"feedback": "请填写落实情况"})
    locked.feedback = feedback.strip()
    locked.feedback_by = actor
    locked.feedback_at = timezone.now()
    locked.full_clean()
    locked.save()
    supervision_close_cause(cause_key=f"instruction:{locked.instruction_id}", note="已反馈落实情况")
    audit_record(
        actor=actor,
        action=AuditEntry.Action.GRADE,
        report=locked.instruction.report,
        request=request,
        target="批示落实情况已反馈",
    )
    return locked
