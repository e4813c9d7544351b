"""A case's flags become supervision items for its handler (reports.services.supervision_open), and
close themselves when the cause is cured:

- past the mediation deadline without the worker told of arbitration (rules.untold_overdue): an item
  due at the end of the deadline's day, closed once 告知 is recorded or the case has moved on;
- an instalment overdue beyond the county's grace days (rules.overdue_remedy): 可申请支付令, or
  可申请强制执行 after 司法确认, closed once the overdue money is paid (or the remedy changes)."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from reports import services as report_services
from reports.models import SupervisionItem, SupervisionState
from unionportal.core.clock import BEIJING

from .. import rules, selectors
from ..models import DisputeCase, Outcome


def untold_key(case) -> str:
    return f"untold:case:{case.pk}"


def remedy_key(case, remedy: str) -> str:
    return f"remedy:case:{case.pk}:{remedy}"


def case_supervisor(case: DisputeCase):
    """Who owns the case's items: its first handler among the county's staff, else whoever registered
    it (staff), else the county's first admin; None when the county has no staff at all."""
    for handler in sorted(case.handlers.all(), key=lambda u: u.pk):
        if handler.is_portal_staff and handler.county_id == case.county_id:
            return handler
    if case.created_by is not None and case.created_by.is_portal_staff:
        return case.created_by
    User = get_user_model()
    return User.objects.filter(county_id=case.county_id, role=User.Role.ADMIN, is_active=True).order_by("pk").first()


def _day_end(day) -> datetime:
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=BEIJING)


def _load(case_pk: int) -> DisputeCase:
    return (
        DisputeCase.objects.select_related("agreement", "created_by")
        .prefetch_related("handlers", "instalments", Prefetch("outcomes", queryset=Outcome.objects.counted()))
        .get(pk=case_pk)
    )


@transaction.atomic
def case_supervision_refresh(*, case: DisputeCase, now: datetime | None = None) -> dict:
    """Open or close the case's untold and remedy items as the case stands now. Safe to run any number
    of times (one open item per cause). Returns {"opened": n, "closed": n}."""
    now = now or timezone.now()
    today = now.astimezone(BEIJING).date()
    case = _load(case.pk)
    opened = closed = 0
    owner = None

    def open_item(kind, key, title, due_at):
        nonlocal opened, owner
        owner = owner or case_supervisor(case)
        if owner is None:
            return
        _, created = report_services.supervision_open(
            subject=case, kind=kind, owner=owner, due_at=due_at, title=title, cause_key=key, now=now
        )
        opened += created

    def close_item(key, note):
        nonlocal closed
        closed += report_services.supervision_close_cause(cause_key=key, note=note, now=now) is not None

    if rules.untold_overdue(
        status=case.status, deadline=case.mediation_deadline, told_on=case.arbitration_told_on, today=today
    ):
        open_item(
            SupervisionItem.Kind.UNTOLD,
            untold_key(case),
            f"调解期满未告知仲裁权利：案件 {case.number}",
            _day_end(case.mediation_deadline),
        )
    elif case.arbitration_told_on is not None:
        close_item(untold_key(case), f"已于 {case.arbitration_told_on:%Y-%m-%d} 告知劳动者可申请仲裁（自动办结）")
    else:
        close_item(untold_key(case), f"案件已{case.get_status_display()}，无需再告知（自动办结）")

    remedy = selectors.agreement_progress(case=case, today=today)["remedy"]
    for kind in (rules.PAYMENT_ORDER, rules.ENFORCEMENT):
        key = remedy_key(case, kind)
        if kind == remedy:
            open_item(
                SupervisionItem.Kind.REMEDY,
                key,
                f"{rules.REMEDY_LABELS[kind]}：案件 {case.number}",
                now + timedelta(days=rules.REMEDY_SUPERVISION_DAYS),
            )
        elif remedy is None:
            close_item(key, "逾期分期已付清或仍在宽限期内（自动办结）")
        else:
            close_item(key, f"协议已司法确认，改为{rules.REMEDY_LABELS[remedy]}（自动办结）")
    return {"opened": opened, "closed": closed}


def cases_supervise(*, now: datetime | None = None) -> dict:
    """The daily job: every case that may need an item (untold past the deadline, an agreement with
    instalments) or that has one open, refreshed one by one (each in its own transaction)."""
    now = now or timezone.now()
    today = now.astimezone(BEIJING).date()
    flagged = Q(pk__in=selectors.untold_overdue(DisputeCase.objects.all(), today=today).values("pk"))
    scheduled = Q(instalments__due_on__lt=today)
    supervised = Q(
        pk__in=SupervisionItem.objects.filter(
            state=SupervisionState.OPEN, kind__in=[SupervisionItem.Kind.UNTOLD, SupervisionItem.Kind.REMEDY]
        ).values("case_id")
    )
    ids = DisputeCase.objects.filter(flagged | scheduled | supervised).values_list("pk", flat=True).distinct()
    totals = {"opened": 0, "closed": 0}
    for pk in ids.order_by("pk"):
        result = case_supervision_refresh(case=DisputeCase(pk=pk), now=now)
        totals = {k: totals[k] + result[k] for k in totals}
    return totals
