"""Forwarding upward (上报) and the decision of the unit above: forwarded, forwarded on, adopted or
refused, and the audited reveal of an officer's identity to their own county's staff.

Who may act is checked here, not only by the pages: a county's staff forward their county's items
to the county's unit above; staff of that unit decide on what reached it and may forward it on to
their own unit above. An adoption goes through the one adoption service (``report_adopt``), which
raises the original report's grade and tells the officer; the county's staff are told of every
decision through the outbox.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from officers.models import Officer, Region, User
from unionportal.core import outbox
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry, Notification

from .. import rules
from ..models import Adoption, ForwardedItem, Report
from .adoption import report_adopt

FORWARD_KIND = "forward"
ALREADY_DECIDED = "该上报信息已处理（{status}），不能再次处理"


def _county_staff(county_id) -> list[User]:
    return list(
        User.objects.filter(
            county_id=county_id, is_active=True, role__in=(User.Role.REVIEWER, User.Role.ADMIN)
        ).order_by("pk")
    )


def _copy_checked(*, title: str, content: str, note: str, officer: Officer) -> tuple[str, str, str]:
    title, content, note = title.strip(), content.strip(), note.strip()
    errors = {}
    if not title:
        errors["title"] = "请填写上报标题"
    if not content:
        errors["content"] = "请填写上报内容"
    if errors:
        raise ValidationError(errors)
    problem = rules.identity_problem(texts=(title, content, note), name=officer.name, phone=officer.phone)
    if problem:
        raise ValidationError(problem, code="identity")
    return title, content, note


def _save_new(item: ForwardedItem, *, unit: Region) -> ForwardedItem:
    item.full_clean(exclude=["adoption"], validate_unique=False, validate_constraints=False)
    if ForwardedItem.objects.filter(report_id=item.report_id, to_region=unit).exists():
        raise ValidationError(f"该信息已上报至{unit.name}，同一信息只能向同一单位上报一次", code="duplicate")
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:  # the same item forwarded at the same moment from another page
        raise ValidationError(f"该信息已上报至{unit.name}，同一信息只能向同一单位上报一次", code="duplicate") from None
    return item


@transaction.atomic
def item_forward(
    *,
    report: Report,
    actor: User,
    title: str,
    content: str,
    note: str = "",
    with_attachments: bool = False,
    request=None,
) -> ForwardedItem:
    """A county's staff forward ``report`` (an edited copy) to the county's unit above."""
    locked = (
        Report.objects.select_for_update(of=("self",)).select_related("county__region", "officer").get(pk=report.pk)
    )
    if not (actor.is_portal_staff and actor.county_id == locked.county_id):
        raise ValidationError("只有本县区的工作人员可以上报该信息", code="forbidden")
    problem = rules.forward_problem(status=locked.status, grade=locked.grade)
    if problem:
        raise ValidationError(problem)
    unit = locked.county.region
    if unit is None:
        raise ValidationError(f"{locked.county.name}尚未设置上级单位（市或省），不能上报；请联系系统管理员")
    title, content, note = _copy_checked(title=title, content=content, note=note, officer=locked.officer)
    item = _save_new(
        ForwardedItem(
            report=locked,
            county=locked.county,
            to_region=unit,
            officer_code=locked.officer.code,
            title=title,
            content=content,
            category=locked.category,
            urgency=locked.urgency,
            note=note,
            with_attachments=with_attachments,
            forwarded_by=actor,
            forwarded_at=timezone.now(),
        ),
        unit=unit,
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.FORWARD,
        report=locked,
        request=request,
        target=f"上报{unit.name}：{title}",
    )
    return item


@transaction.atomic
def item_forward_on(
    *, item: ForwardedItem, actor: User, title: str, content: str, note: str = "", request=None
) -> ForwardedItem:
    """Staff of the unit an item reached forward it again to their own unit above (a city → its province)."""
    item = (
        ForwardedItem.objects.select_for_update(of=("self",))
        .select_related("to_region__parent", "report")
        .get(pk=item.pk)
    )
    unit = item.to_region
    if not (actor.is_portal_staff and actor.region_id == unit.pk):
        raise ValidationError(f"只有{unit.name}的工作人员可以转报该信息", code="forbidden")
    if item.status == ForwardedItem.Status.REFUSED:
        raise ValidationError("该信息已不予采用，不能再转报")
    above = unit.parent
    if above is None:
        raise ValidationError(f"{unit.name}没有上级单位，不能再转报")
    title, content, note = _copy_checked(title=title, content=content, note=note, officer=item.report.officer)
    forwarded = _save_new(
        ForwardedItem(
            report=item.report,
            county_id=item.county_id,
            from_region=unit,
            to_region=above,
            previous=item,
            officer_code=item.officer_code,
            title=title,
            content=content,
            category=item.category,
            urgency=item.urgency,
            note=note,
            with_attachments=item.with_attachments,
            forwarded_by=actor,
            forwarded_at=timezone.now(),
        ),
        unit=above,
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.FORWARD,
        report=item.report,
        request=request,
        target=f"{unit.name}转报{above.name}：{title}",
    )
    return forwarded


def _decision_locked(item: ForwardedItem, actor: User) -> ForwardedItem:
    item = (
        ForwardedItem.objects.select_for_update(of=("self",))
        .select_related("to_region", "report", "county")
        .get(pk=item.pk)
    )
    if not (actor.is_portal_staff and actor.region_id == item.to_region_id):
        raise ValidationError(f"只有{item.to_region.name}的工作人员可以处理该信息", code="forbidden")
    if item.status != ForwardedItem.Status.PENDING:
        raise ValidationError(ALREADY_DECIDED.format(status=item.get_status_display()))
    return item


def _tell_county(*, item: ForwardedItem, title: str, body: str) -> int:
    """The source county's staff learn of the unit's decision: once per decision and person."""
    notices = []
    for person in _county_staff(item.county_id):
        notices += outbox.person_notices(
            key=f"{FORWARD_KIND}:{item.pk}:{item.status}:{person.pk}",
            kind=FORWARD_KIND,
            user=person,
            title=title,
            body=body,
            notification_kind=Notification.Kind.GRADED,
            report=item.report,
        )
    return outbox.messages_write_new(notices) if notices else 0


@transaction.atomic
def item_adopt(
    *, item: ForwardedItem, actor: User, adopted_on, publication: str = "", issue: str = "", request=None
) -> ForwardedItem:
    """The unit adopts the item: the original report becomes 县级以上部门采用 (the adoption service
    tells the officer), the county's staff are told."""
    item = _decision_locked(item, actor)
    unit = item.to_region
    body = rules.unit_body(unit.name)
    adoption, _ = report_adopt(
        report=item.report,
        actor=actor,
        body=body,
        adopted_on=adopted_on,
        source=Adoption.Source.UNIT,
        publication=publication,
        issue=issue,
        region=unit,
        request=request,
    )
    item.status = ForwardedItem.Status.ADOPTED
    item.decided_by, item.decided_at = actor, timezone.now()
    item.publication, item.issue, item.adopted_on = adoption.publication, adoption.issue, adoption.adopted_on
    item.adoption = adoption
    item.full_clean()
    item.save()
    where = "".join(part for part in (item.publication and f"《{item.publication}》", item.issue) if part)
    _tell_county(
        item=item,
        title=f"上报信息“{item.title}”被{body}采用" + (f"（{where}）" if where else ""),
        body=f"采用日期：{item.adopted_on:%Y-%m-%d}。原信息已评定为县级以上部门采用。",
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.DECIDE_FORWARD,
        report=item.report,
        request=request,
        target=f"{body}采用：{item.title}",
    )
    return item


@transaction.atomic
def item_refuse(*, item: ForwardedItem, actor: User, reason: str, request=None) -> ForwardedItem:
    """The unit does not adopt the item, with a reason the county reads; the original's grade stays."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写不予采用的理由"})
    item = _decision_locked(item, actor)
    item.status = ForwardedItem.Status.REFUSED
    item.decided_by, item.decided_at = actor, timezone.now()
    item.refusal_reason = reason
    item.full_clean()
    item.save()
    body = rules.unit_body(item.to_region.name)
    _tell_county(item=item, title=f"上报信息“{item.title}”未被{body}采用", body=f"理由：{reason}")
    audit_record(
        actor=actor,
        action=AuditEntry.Action.DECIDE_FORWARD,
        report=item.report,
        request=request,
        target=f"{body}不予采用：{item.title}",
    )
    return item


def officer_reveal(*, item: ForwardedItem, actor: User, request=None) -> Officer:
    """Resolve an item's officer code to the person, for the county's own staff only, audited."""
    if not (actor.is_portal_staff and actor.county_id is not None and actor.county_id == item.county_id):
        raise ValidationError("只有信息来源县区的工作人员可以查看信息员身份", code="forbidden")
    officer = Officer.objects.get(county_id=item.county_id, code=item.officer_code)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.REVEAL_OFFICER,
        report=item.report,
        request=request,
        target=f"信息员代码 {item.officer_code}",
    )
    return officer
