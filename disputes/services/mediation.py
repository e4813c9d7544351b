"""The law's clock on a case: telling the worker of arbitration (告知), extensions the parties agree,
the day-12 and deadline warnings, and the agreement's instalment schedule."""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from unionportal.core import outbox
from unionportal.core.models import Notification

from .. import rules
from ..models import CaseStatus, DisputeCase, FollowUp, Instalment, MediationExtension, TellMethod
from .supervision import case_supervision_refresh

WARNING_KIND = "mediation"


def _locked(case: DisputeCase) -> DisputeCase:
    return DisputeCase.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def case_tell_arbitration(*, case: DisputeCase, actor, told_on: date, how: str, today: date | None = None):
    """Record that the worker was told of the right to apply for arbitration (§14), once."""
    today = today or timezone.localdate()
    case = _locked(case)
    if case.mediation_accepted_on is None:
        raise ValidationError("案件尚未受理调解，无需告知")
    if case.arbitration_told_on is not None:
        raise ValidationError(f"已于 {case.arbitration_told_on:%Y-%m-%d} 告知，不能重复登记")
    if how not in TellMethod.values:
        raise ValidationError({"how": "请选择告知方式"})
    if told_on > today:
        raise ValidationError({"told_on": "告知日期不能晚于今天"})
    if told_on < case.mediation_accepted_on:
        raise ValidationError({"told_on": "告知日期不能早于受理调解日期"})
    case.arbitration_told_on, case.arbitration_told_how = told_on, how
    case.last_activity_at = timezone.now()
    case.full_clean()
    case.save()
    FollowUp.objects.create(
        case=case,
        happened_on=told_on,
        action=f"已告知劳动者可申请劳动争议仲裁（{case.get_arbitration_told_how_display()}）",
        author=actor,
    )
    case_supervision_refresh(case=case)  # the untold item, if any, closes itself
    return case


@transaction.atomic
def mediation_extend(
    *, case: DisputeCase, actor, agreed_on: date, new_deadline: date, reason: str, today: date | None = None
) -> MediationExtension:
    """The parties agreed to mediate until ``new_deadline``: kept in history and on the timeline."""
    today = today or timezone.localdate()
    case = _locked(case)
    if case.status != CaseStatus.MEDIATING or case.mediation_deadline is None:
        raise ValidationError("只有调解中的案件可以延长调解期限")
    problem = rules.extension_problem(
        current_deadline=case.mediation_deadline, new_deadline=new_deadline, agreed_on=agreed_on, today=today
    )
    if problem:
        raise ValidationError({"agreed_on" if "约定" in problem else "new_deadline": problem})
    extension = MediationExtension(
        case=case,
        agreed_on=agreed_on,
        previous_deadline=case.mediation_deadline,
        new_deadline=new_deadline,
        reason=reason.strip(),
        recorded_by=actor,
    )
    extension.full_clean()
    extension.save()
    case.mediation_deadline = rules.mediation_deadline(
        case.mediation_accepted_on, list(case.extensions.values_list("new_deadline", flat=True))
    )
    case.last_activity_at = timezone.now()
    case.save(update_fields=["mediation_deadline", "last_activity_at"])
    FollowUp.objects.create(
        case=case,
        happened_on=agreed_on,
        action=(
            f"经双方同意延长调解期限：{extension.previous_deadline:%Y-%m-%d} → {new_deadline:%Y-%m-%d}。"
            f"{extension.reason}"
        ),
        author=actor,
    )
    case_supervision_refresh(case=case)
    return extension


def _recipients(case: DisputeCase):
    User = get_user_model()
    staff = User.objects.filter(
        county_id=case.county_id, role__in=[User.Role.REVIEWER, User.Role.ADMIN], is_active=True
    )
    people = {u.pk: u for u in staff}
    for handler in case.handlers.filter(is_active=True):
        people.setdefault(handler.pk, handler)
    return [people[pk] for pk in sorted(people)]


def _warning(case: DisputeCase, warning: str, today: date) -> tuple[str, str, str]:
    """(key part, title, body) of a warning."""
    deadline = case.mediation_deadline
    if warning == rules.DAY12:
        left = rules.days_left(deadline, today)
        return (
            "day12",
            f"调解期限将满：{case.number}",
            f"案件 {case.number}（{case.enterprise.name}）于 {case.mediation_accepted_on:%Y-%m-%d} 受理调解，"
            f"调解期限至 {deadline:%Y-%m-%d}，还剩 {left} 天。期满未达成协议的，应告知劳动者可申请仲裁。",
        )
    return (
        f"expired-{deadline:%Y%m%d}",
        f"调解期限已满：{case.number}",
        f"案件 {case.number}（{case.enterprise.name}）的调解期限已于 {deadline:%Y-%m-%d} 届满，未达成调解协议。"
        "请告知劳动者可依法申请劳动争议仲裁，或经双方同意延长调解期限。",
    )


@transaction.atomic
def mediation_warnings_send(*, today: date | None = None) -> int:
    """Warn county staff and the handlers of every case in mediation on its 12th day and when its
    deadline has passed: once each (unique outbox keys), so running it twice sends nothing twice.
    Returns the number of messages newly written."""
    today = today or timezone.localdate()
    notices = []
    cases = DisputeCase.objects.filter(status=CaseStatus.MEDIATING, mediation_deadline__isnull=False).select_related(
        "enterprise"
    )
    for case in cases:
        warning = rules.warn_due(accepted_on=case.mediation_accepted_on, deadline=case.mediation_deadline, today=today)
        if warning is None:
            continue
        part, title, body = _warning(case, warning, today)
        for user in _recipients(case):
            notices += outbox.person_notices(
                key=f"mediation:{case.pk}:{part}:{user.pk}",
                kind=WARNING_KIND,
                user=user,
                title=title,
                body=body,
                notification_kind=Notification.Kind.REMINDER,
            )
    return outbox.messages_write_new(notices)


@transaction.atomic
def instalments_set(*, case: DisputeCase, actor, schedule: list[tuple[date, Decimal]]) -> list[Instalment]:
    """Record the agreement's instalment schedule (due dates and amounts) of a successful mediation,
    replacing an earlier one; the change is written to the timeline."""
    case = _locked(case)
    if case.status not in (CaseStatus.SUCCEEDED, CaseStatus.CLOSED) or case.mediation_result != "success":
        raise ValidationError("只有调解成功的案件可以登记协议分期")
    if not schedule:
        raise ValidationError({"schedule": "请至少填写一期"})
    days = [d for d, _ in schedule]
    if len(set(days)) != len(days):
        raise ValidationError({"schedule": "同一天只能有一期"})
    rows = [Instalment(case=case, due_on=d, amount=a, recorded_by=actor) for d, a in sorted(schedule)]
    for row in rows:
        if row.amount <= 0:
            raise ValidationError({"schedule": f"{row.due_on:%Y-%m-%d} 一期的金额须大于 0"})
        row.full_clean(exclude=["case"])
    replaced = case.instalments.exists()
    case.instalments.all().delete()
    Instalment.objects.bulk_create(rows)
    total = sum((a for _, a in schedule), Decimal("0"))
    FollowUp.objects.create(
        case=case,
        action=f"{'更新' if replaced else '登记'}调解协议分期：共 {len(rows)} 期，合计 {total:,.2f} 元",
        author=actor,
    )
    case_supervision_refresh(case=case)
    return rows
