"""Supervision items (督办): opening one for a subject, responding, closing, extensions (asked with a
reason, decided by a county admin), and the colour sweep that tells the county's admins and its staff
groups once when an item turns red."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from officers.channels import selectors as channel_selectors
from unionportal.core import outbox
from unionportal.core.clock import BEIJING
from unionportal.core.models import Notification

from .. import rules
from ..models import (
    SUBJECT_FIELDS,
    ExtensionState,
    SupervisionExtension,
    SupervisionItem,
    SupervisionLog,
    SupervisionState,
)

ESCALATION_KIND = "supervision"
GROUP_TITLE = "【信息员工作平台】红色督办提醒"
Log = SupervisionLog.Action


def subject_field(subject) -> str:
    """The FK of SupervisionItem (and RiskAssessment) that points at ``subject``: the field whose
    related model is the subject's. Adding a kind of subject adds nothing here."""
    for name in SUBJECT_FIELDS:
        if SupervisionItem._meta.get_field(name).related_model is type(subject):
            return name
    raise ValueError(f"督办不支持此类对象：{subject._meta.label}")


def _colour(item: SupervisionItem, now: datetime) -> str:
    return rules.supervision_colour(
        opened_at=item.opened_at,
        due_at=item.due_at,
        now=now,
        response_due_at=item.response_due_at,
        responded_at=item.responded_at,
    )


def _log(item, action, *, actor=None, note="", from_colour="", to_colour="", at=None):
    SupervisionLog.objects.create(
        item=item,
        action=action,
        actor=actor,
        note=note[:300],
        from_colour=from_colour,
        to_colour=to_colour,
        at=at or timezone.now(),
    )


def _locked(item: SupervisionItem) -> SupervisionItem:
    return SupervisionItem.objects.select_for_update().get(pk=item.pk)


@transaction.atomic
def supervision_open(
    *,
    subject,
    kind: str,
    owner,
    due_at: datetime,
    title: str,
    cause_key: str,
    response_due_at: datetime | None = None,
    opened_by=None,
    now: datetime | None = None,
) -> tuple[SupervisionItem, bool]:
    """Open an item about ``subject`` (a report, a case; later an event or an instruction), or return
    the one already open for ``cause_key`` (False): opening twice, or from two workers, opens one."""
    now = now or timezone.now()
    existing = SupervisionItem.objects.select_for_update().filter(cause_key=cause_key, state=SupervisionState.OPEN)
    if (item := existing.first()) is not None:
        return item, False
    if not getattr(owner, "is_portal_staff", False):
        raise ValidationError({"owner": "督办责任人须为本县区工作人员（审核人员或管理员）"})
    item = SupervisionItem(
        county_id=subject.county_id,
        kind=kind,
        cause_key=cause_key,
        title=title[:200],
        owner=owner,
        opened_by=opened_by,
        opened_at=now,
        response_due_at=response_due_at,
        due_at=due_at,
        colour_since=now,
        **{subject_field(subject): subject},
    )
    if owner.county_id != item.county_id and not owner.is_superuser:
        raise ValidationError({"owner": "督办责任人须为本县区工作人员"})
    if due_at <= now and kind == SupervisionItem.Kind.RISK:
        raise ValidationError({"due_at": "办结时限须晚于现在"})
    item.colour = _colour(item, now)
    item.full_clean(exclude=["cause_key"])
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:  # another worker opened it between our look and our write
        return SupervisionItem.objects.get(cause_key=cause_key, state=SupervisionState.OPEN), False
    _log(item, Log.OPENED, actor=opened_by, note=f"责任人：{owner.get_full_name()}", to_colour=item.colour, at=now)
    if item.colour == rules.RED:  # opened already a day late (a cause found late): told at once
        _escalate(item)
        item.save(update_fields=["escalated_due_at"])
    return item, True


@transaction.atomic
def supervision_deadlines_reset(
    *, item: SupervisionItem, due_at: datetime, response_due_at: datetime | None, actor, note: str, now=None
) -> SupervisionItem:
    """New deadlines for an open item (its risk level changed): counted again from now."""
    now = now or timezone.now()
    item = _locked(item)
    if not item.is_open:
        raise ValidationError("督办事项已办结")
    item.opened_at, item.due_at, item.response_due_at = now, due_at, response_due_at
    item.responded_at = None
    _recolour(item, now=now, actor=actor)
    item.save()
    _log(item, Log.DEADLINE, actor=actor, note=note, at=now)
    return item


@transaction.atomic
def supervision_respond(*, item: SupervisionItem, actor, note: str = "", now=None) -> SupervisionItem:
    """The owner (or the county's staff) answered: the response deadline no longer colours it."""
    now = now or timezone.now()
    item = _locked(item)
    if not item.is_open:
        raise ValidationError("督办事项已办结，无需响应")
    if item.responded_at is not None:
        raise ValidationError("已响应，无需重复登记")
    item.responded_at = now
    _recolour(item, now=now, actor=actor)
    item.save()
    _log(item, Log.RESPONDED, actor=actor, note=note.strip(), at=now)
    return item


@transaction.atomic
def supervision_close(*, item: SupervisionItem, actor, note: str, now=None) -> SupervisionItem:
    now = now or timezone.now()
    item = _locked(item)
    if not item.is_open:
        raise ValidationError("督办事项已办结")
    if not (note or "").strip():
        raise ValidationError({"note": "请填写办结情况"})
    return _close(item, actor=actor, note=note.strip(), now=now)


def _close(item, *, actor, note, now):
    item.colour = _colour(item, now)  # the colour it closed in: 红 or 黄 when closed late
    item.state, item.closed_at, item.closed_by, item.close_note = SupervisionState.CLOSED, now, actor, note
    item.full_clean(exclude=["cause_key"])
    item.save()
    SupervisionExtension.objects.filter(item=item, state=ExtensionState.PENDING).update(
        state=ExtensionState.REFUSED, decided_at=now, decision_note="事项已办结"
    )
    late = "（逾期办结）" if rules.closed_late(closed_at=now, due_at=item.due_at) else ""
    _log(item, Log.CLOSED, actor=actor, note=f"{note}{late}", at=now)
    return item


@transaction.atomic
def supervision_close_cause(*, cause_key: str, note: str, now=None) -> SupervisionItem | None:
    """Close the open item of ``cause_key`` because its cause is cured (the worker told, the money
    paid): by the portal, not a person. None when nothing was open."""
    now = now or timezone.now()
    item = SupervisionItem.objects.select_for_update().filter(cause_key=cause_key, state=SupervisionState.OPEN).first()
    if item is None:
        return None
    return _close(item, actor=None, note=note, now=now)


@transaction.atomic
def extension_request(
    *, item: SupervisionItem, actor, new_due_at: datetime, reason: str, now=None
) -> SupervisionExtension:
    now = now or timezone.now()
    item = _locked(item)
    if not item.is_open:
        raise ValidationError("督办事项已办结，不能申请延期")
    if item.extensions.filter(state=ExtensionState.PENDING).exists():
        raise ValidationError("已有一项延期申请待审批")
    problem = rules.extension_problem(current_due=item.due_at, new_due=new_due_at, now=now, reason=reason)
    if problem:
        raise ValidationError({"reason" if "理由" in problem else "new_due_at": problem})
    extension = SupervisionExtension(
        item=item,
        previous_due_at=item.due_at,
        new_due_at=new_due_at,
        reason=reason.strip(),
        requested_by=actor,
        requested_at=now,
    )
    extension.full_clean()
    extension.save()
    _log(item, Log.EXTENSION_ASKED, actor=actor, note=f"申请延至 {_when(new_due_at)}：{extension.reason}", at=now)
    return extension


@transaction.atomic
def extension_decide(
    *, extension: SupervisionExtension, actor, approve: bool, note: str = "", now=None
) -> SupervisionExtension:
    """A county admin approves (the item's deadline moves, its colour follows) or refuses, with a note."""
    now = now or timezone.now()
    extension = SupervisionExtension.objects.select_for_update().select_related("item").get(pk=extension.pk)
    item = _locked(extension.item)
    if not (getattr(actor, "is_portal_admin", False) and (actor.is_superuser or actor.county_id == item.county_id)):
        raise ValidationError("只有本县区的管理员可以审批延期")
    if extension.state != ExtensionState.PENDING:
        raise ValidationError(f"该申请已{extension.get_state_display()}")
    if not item.is_open:
        raise ValidationError("督办事项已办结")
    if not approve and not (note or "").strip():
        raise ValidationError({"note": "不批准时请填写理由"})
    extension.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, now, (note or "").strip()
    extension.save()
    if approve:
        item.due_at = extension.new_due_at
        _recolour(item, now=now, actor=actor)
        item.save()
        _log(
            item,
            Log.EXTENSION_APPROVED,
            actor=actor,
            note=f"延至 {_when(item.due_at)}。{extension.decision_note}",
            at=now,
        )
    else:
        _log(item, Log.EXTENSION_REFUSED, actor=actor, note=extension.decision_note, at=now)
    return extension


# ---- the colour sweep -----------------------------------------------------------------------------


def _recolour(item: SupervisionItem, *, now, actor=None) -> bool:
    """Set the colour the clock gives (on a locked row); log a change, escalate a turn to red once
    per due date. True when the colour changed."""
    new = _colour(item, now)
    if new == item.colour:
        return False
    old, item.colour, item.colour_since = item.colour, new, now
    _log(item, Log.COLOUR, actor=actor, from_colour=old, to_colour=new, at=now)
    if rules.escalation_due(old=old, new=new):
        _escalate(item)
    return True


def supervision_sweep(*, now: datetime | None = None) -> int:
    """Colour every open item from the clock and act only on a change: safe to run twice, or on two
    workers at once (each change is made under the item's row lock, after reading it again, and the
    red notices have unique outbox keys). Returns how many items changed colour."""
    now = now or timezone.now()
    changed = 0
    rows = SupervisionItem.objects.open().values_list(
        "pk", "opened_at", "due_at", "response_due_at", "responded_at", "colour"
    )
    for pk, opened_at, due_at, response_due_at, responded_at, colour in rows.iterator(chunk_size=2000):
        new = rules.supervision_colour(
            opened_at=opened_at, due_at=due_at, now=now, response_due_at=response_due_at, responded_at=responded_at
        )
        if new != colour:
            changed += _sweep_one(pk, now)
    return changed


@transaction.atomic
def _sweep_one(pk: int, now) -> int:
    item = SupervisionItem.objects.select_for_update().filter(pk=pk, state=SupervisionState.OPEN).first()
    if item is None or not _recolour(item, now=now):
        return 0  # closed meanwhile, or another worker got there first
    item.save(update_fields=["colour", "colour_since", "escalated_due_at"])
    return 1


# ---- telling the leaders --------------------------------------------------------------------------


def _when(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def escalation_recipients(county_id: int):
    """The owner's leaders: the county's admins."""
    User = get_user_model()
    return User.objects.filter(county_id=county_id, role=User.Role.ADMIN, is_active=True).order_by("pk")


def group_text(item: SupervisionItem, link: str) -> str:
    """For a staff work-chat group: the kind of item, how late, and the link. Never the report's
    content or title, never a person's name."""
    return (
        f"{item.county.name}有一项督办事项（{item.get_kind_display()}）已逾期超过1天，转为红色督办，"
        f"办结时限为 {_when(item.due_at)}。请尽快登录平台处理：{link}"
    )


def _escalate(item: SupervisionItem) -> int:
    """Write the red notices for the item's current due date, once (item.escalated_due_at and the
    outbox's unique keys): the county's admins in the bell and by email, and the county's staff groups
    that take supervision notices. Returns how many were new."""
    if item.escalated_due_at == item.due_at:
        return 0
    item.escalated_due_at = item.due_at
    stamp = item.due_at.astimezone(BEIJING).strftime("%Y%m%d%H%M")
    key = f"{ESCALATION_KIND}:{item.pk}:red-{stamp}"
    link = f"{settings.PORTAL_BASE_URL}{reverse('reports:supervision_detail', args=[item.pk])}"
    # The bell and email say what kind of item, whose, and how late, not the subject's title or content
    # (an email leaves the portal): the page behind the link shows the rest.
    title = f"红色督办：{item.get_kind_display()}（{item.subject_label}）"
    body = (
        f"一项{item.subject_label}的督办事项（{item.get_kind_display()}，责任人：{item.owner.get_full_name()}）"
        f"办结时限为 {_when(item.due_at)}，已逾期超过1天，转为红色督办，请督促办理：{link}"
    )
    notices = []
    for user in escalation_recipients(item.county_id):
        notices += outbox.person_notices(
            key=f"{key}:{user.pk}",
            kind=ESCALATION_KIND,
            user=user,
            title=title,
            body=body,
            notification_kind=Notification.Kind.REMINDER,
        )
    for channel in channel_selectors.channels_for(county_id=item.county_id, notice_kind=ESCALATION_KIND):
        notices.append(
            outbox.Notice(
                key=f"{key}:channel:{channel.pk}",
                kind=ESCALATION_KIND,
                channel=channel.outbox_channel,
                channel_setting=channel.pk,
                address=channel.name,
                title=GROUP_TITLE,
                body=group_text(item, link),
            )
        )
    _log(item, Log.ESCALATED, note=f"已通知本县区管理员{'和工作群' if any(n.channel_setting for n in notices) else ''}")
    return outbox.messages_write_new(notices)
