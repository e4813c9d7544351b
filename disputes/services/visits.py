"""The return visit (回访) after a case is closed: due 30 days on, recorded with its answers; 不满意
or money not arrived reopens the case for review, with the reason on the timeline."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from unionportal.core import outbox
from unionportal.core.models import Notification

from .. import rules, selectors
from ..models import CaseStatus, DisputeCase, FollowUp, MoneyArrived, ReturnVisit, Satisfaction

VISIT_KIND = "return_visit"


@transaction.atomic
def return_visit_record(
    *,
    case: DisputeCase,
    actor,
    visited_on: date,
    reached: bool,
    money: str = "",
    satisfaction: str = "",
    note: str = "",
    today: date | None = None,
) -> ReturnVisit:
    today = today or timezone.localdate()
    case = DisputeCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.CLOSED or case.closed_on is None:
        raise ValidationError("只有已结案的案件可以登记回访")
    if visited_on > today:
        raise ValidationError({"visited_on": "回访日期不能晚于今天"})
    if visited_on < case.closed_on:
        raise ValidationError({"visited_on": f"回访日期不能早于结案日期 {case.closed_on:%Y-%m-%d}"})
    if reached:
        if satisfaction not in Satisfaction.values:
            raise ValidationError({"satisfaction": "联系上劳动者的，请选择满意度"})
        if money not in MoneyArrived.values:
            raise ValidationError({"money": "联系上劳动者的，请选择款项到位情况"})
    else:
        money, satisfaction = "", ""
    reason = rules.reopen_reason(reached=reached, money=money, satisfaction=satisfaction)
    visit = ReturnVisit(
        case=case,
        closed_on=case.closed_on,
        visited_on=visited_on,
        reached=reached,
        money=money,
        satisfaction=satisfaction,
        note=note.strip(),
        reopened=reason is not None,
        recorded_by=actor,
    )
    visit.full_clean()
    visit.save()
    if not reached:
        text = "回访：未联系上劳动者"
    else:
        text = f"回访：{visit.get_satisfaction_display()}，款项{visit.get_money_display()}"
    if visit.note:
        text += f"。{visit.note}"
    if reason:
        # Back to where it was before closing, for review; a new closing starts a new visit's clock.
        case.status = rules.status_before_closing(
            mediation_result=case.mediation_result, transferred_to=case.transferred_to
        )
        case.closed_on = None
        text += f"。因{reason}，案件重新打开复查"
    case.last_activity_at = timezone.now()
    case.full_clean()
    case.save()
    FollowUp.objects.create(case=case, happened_on=visited_on, action=text, author=actor)
    return visit


@transaction.atomic
def return_visit_reminders_send(*, today: date | None = None) -> int:
    """Remind each closed case's handlers (the county's staff when it has none) that its return visit
    is due: once per closing (unique outbox keys), so running it twice sends nothing twice."""
    today = today or timezone.localdate()
    User = get_user_model()
    notices = []
    for case in selectors.return_visits_due(DisputeCase.objects.all(), today=today).select_related("enterprise"):
        people = list(case.handlers.filter(is_active=True)) or list(
            User.objects.filter(
                county_id=case.county_id, role__in=[User.Role.REVIEWER, User.Role.ADMIN], is_active=True
            )
        )
        title = f"结案回访：{case.number}"
        body = (
            f"案件 {case.number}（{case.enterprise.name}）已于 {case.closed_on:%Y-%m-%d} 结案，"
            f"请于 {rules.return_visit_due_on(case.closed_on):%Y-%m-%d} 起回访劳动者：款项是否到位、是否满意。"
        )
        for user in people:
            notices += outbox.person_notices(
                key=f"revisit:{case.pk}:{case.closed_on:%Y%m%d}:{user.pk}",
                kind=VISIT_KIND,
                user=user,
                title=title,
                body=body,
                notification_kind=Notification.Kind.REMINDER,
            )
    return outbox.messages_write_new(notices)
