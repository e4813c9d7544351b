"""Writes of the monthly analysis meeting: its record and its follow-up actions. Each change is
attributed to its author and written to the audit log."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from officers.models import Officer, User
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry, Notification

from .models import SummaryAction


def action_owner_choices(*, county_id):
    """Who can own a follow-up action: the county's staff and its 在岗 officers."""
    return User.objects.filter(
        Q(county_id=county_id, role__in=[User.Role.REVIEWER, User.Role.ADMIN])
        | Q(officer__county_id=county_id, officer__status=Officer.Status.ACTIVE),
        is_active=True,
    ).order_by("role", "full_name")


def _summary_label(summary) -> str:
    return f"{summary.month.year}年{summary.month.month}月分析研判"


@transaction.atomic
def meeting_record(*, summary, actor, meeting_on, attendees: str, conclusions: str, request=None):
    summary.meeting_on, summary.attendees, summary.conclusions = meeting_on, attendees.strip(), conclusions.strip()
    summary.meeting_recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    summary.full_clean()
    summary.save(update_fields=["meeting_on", "attendees", "conclusions", "meeting_recorded_by"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CHANGE_SUMMARY,
        county=summary.county_id,
        target=f"{_summary_label(summary)}：记录分析会（{meeting_on:%Y-%m-%d}）",
        request=request,
    )
    return summary


@transaction.atomic
def action_add(*, summary, actor, description: str, owner, due_on, request=None):
    if not action_owner_choices(county_id=summary.county_id).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": "责任人须为本县区的工作人员或在岗信息员"})
    action = SummaryAction(
        summary=summary,
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    action.full_clean()
    action.save()
    Notification.objects.create(
        recipient=owner,
        kind=Notification.Kind.SUMMARY,
        title=f"分析会交办：{action.description}"[:200],
        body=f"完成期限 {due_on:%Y-%m-%d}",
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CHANGE_SUMMARY,
        county=summary.county_id,
        target=f"{_summary_label(summary)}：交办“{action.description}”给{owner.full_name}"[:200],
        request=request,
    )
    return action


@transaction.atomic
def action_done(*, action, actor):
    if action.done_at is not None:
        raise ValidationError("该措施已标记完成")
    action.done_at, action.done_by = timezone.now(), actor
    action.save(update_fields=["done_at", "done_by"])
    return action
