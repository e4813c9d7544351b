"""Events (突发事件): opening one with the 初报, filing 续报 and the 终报, confirming a phone report,
and the 续报 clock's sweep (漏报: the reporting officer is told, then the county's admins).

Every notice goes through the one outbox with a unique key, so a sweep run twice sends nothing new."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from officers.models import Officer, User
from unionportal.core import outbox
from unionportal.core.models import Notification

from .. import rules
from ..models import EntryKind, EntrySource, Event, EventEntry, EventState, MissedFollowup, Report, TimelinessRule

EVENT_KIND = "event"
CLOSED_MESSAGE = "该事件已终报（或已并入其他事件），不能再报送续报或终报"
ENTRY_FIELDS = ("workers_involved", "demands", "measures", "situation", "outcome")


def followup_hour_for(county_id) -> int:
    hour = TimelinessRule.objects.filter(county_id=county_id).values_list("followup_hour", flat=True).first()
    return rules.DEFAULT_FOLLOWUP_HOUR if hour is None else hour


def event_link(event: Event) -> str:
    return f"{settings.PORTAL_BASE_URL}{reverse('reports:event', args=[event.pk])}"


def event_open(*, report: Report, recorded_by: User | None = None) -> Event:
    """A 突发 report submitted for the first time opens its event, in the report's transaction: the
    report is the 初报, and the first 续报 is due by the county's hour on the next day. A 初报 staff
    recorded from the officer's call (``recorded_by``) is a phone report the officer is asked to confirm."""
    event = Event(
        county_id=report.county_id,
        officer=report.officer,
        title=report.title,
        township_id=report.township_id,
        enterprise_id=report.enterprise_id,
        enterprise_name=report.enterprise_name,
        occurred_at=report.occurred_at,
        opened_at=report.submitted_at,
        next_due_at=rules.next_followup_due(after=report.submitted_at, hour=followup_hour_for(report.county_id)),
    )
    event.full_clean()
    event.save()
    entry = EventEntry(
        event=event,
        kind=EntryKind.INITIAL,
        report=report,
        officer=report.officer,
        recorded_by=recorded_by or report.officer.user,
        source=EntrySource.PHONE if recorded_by else EntrySource.PORTAL,
        reported_at=report.submitted_at,
        workers_involved=report.workers_involved,
        demands=report.demands,
        situation=report.content,
    )
    entry.full_clean()
    entry.save()
    if recorded_by is not None:
        _tell_about_entry(entry=entry, actor=recorded_by)
    return event


def event_withdraw_initial(*, report: Report) -> None:
    """The officer withdraws the 突发 report that opened an event: nothing more is due. Refused once
    anyone has reported into the event (the chain is no longer the officer's alone)."""
    event = Event.objects.select_for_update().filter(entries__report=report, entries__kind=EntryKind.INITIAL).first()
    if event is None:
        return
    if event.entries.exclude(kind=EntryKind.INITIAL).exists() or event.state != EventState.OPEN:
        raise ValidationError("该突发信息的事件已有续报或终报，不能撤回；事件处置完毕请报送终报")
    event.state = EventState.WITHDRAWN
    event.next_due_at = None
    event.full_clean()
    event.save()


def _entry_problems(kind: str, data: dict) -> dict[str, str]:
    problems = {}
    if kind == EntryKind.FOLLOWUP and not (data.get("situation") or "").strip():
        problems["situation"] = "请填写事态进展（与上次报告相比有哪些变化）"
    if kind == EntryKind.FINAL and not (data.get("outcome") or "").strip():
        problems["outcome"] = "终报请填写处置结果"
    return problems


def _who_files(*, event: Event, actor: User, officer: Officer | None, phone: bool) -> tuple[Officer | None, str]:
    """(the reporting officer, the entry's source) for ``actor``: an officer files as themself; staff
    record a phone report on an officer's behalf, or an entry of their own."""
    if getattr(actor, "is_officer", False):
        own = Officer.objects.filter(user=actor).first()
        if own is None or own.county_id != event.county_id:
            raise ValidationError("只能向本县区的事件报送续报")
        return own, EntrySource.PORTAL
    if not actor.is_portal_staff:
        raise ValidationError("没有报送续报的权限")
    if phone:
        if officer is None:
            raise ValidationError({"officer": "电话报告请选择来电的信息员"})
        if officer.county_id != event.county_id:
            raise ValidationError({"officer": "所选信息员不属于该事件所在县区"})
        if officer.user_id is None or not officer.user.is_active:
            # The officer confirms the phone report in the portal: without an account they could not.
            raise ValidationError({"officer": "该信息员没有可用的平台账号，不能代录电话报告（信息员需登录确认）"})
        return officer, EntrySource.PHONE
    return None, EntrySource.STAFF


@transaction.atomic
def event_entry_file(
    *,
    event: Event,
    kind: str,
    actor: User,
    data: dict,
    officer: Officer | None = None,
    phone: bool = False,
    reported_at: datetime | None = None,
    now: datetime | None = None,
) -> EventEntry:
    """File a 续报 (``kind`` followup) or the 终报 (final) into an open event.

    A 续报 answers the event's oldest due time: on time when reported by it, late otherwise (and then
    the 漏报 of that due time becomes 迟报). The next due time is the county's hour on the day after.
    The 终报 closes the event with its outcome; nothing is due after it."""
    now = now or timezone.now()
    if kind not in (EntryKind.FOLLOWUP, EntryKind.FINAL):
        raise ValidationError("只能报送续报或终报")
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.state != EventState.OPEN:
        raise ValidationError(CLOSED_MESSAGE)
    officer, source = _who_files(event=event, actor=actor, officer=officer, phone=phone)
    # Only a phone report carries a time of its own (the call's); anything else is reported now.
    reported_at = reported_at if (source == EntrySource.PHONE and reported_at) else now
    errors = _entry_problems(kind, data)
    errors.update(rules.entry_time_problems(reported_at=reported_at, opened_at=event.opened_at, now=now))
    if errors:
        raise ValidationError(errors)
    entry = EventEntry(
        event=event,
        kind=kind,
        officer=officer,
        recorded_by=actor,
        source=source,
        reported_at=reported_at,
        **{field: data.get(field) for field in ENTRY_FIELDS if data.get(field) not in (None, "")},
    )
    if kind == EntryKind.FOLLOWUP:
        event.followup_count += 1
        entry.number = event.followup_count
        entry.due_at = event.next_due_at
        entry.on_time = rules.followup_on_time(reported_at=reported_at, due_at=event.next_due_at)
        hour = followup_hour_for(event.county_id)
        event.next_due_at = max(event.next_due_at, rules.next_followup_due(after=reported_at, hour=hour))
    else:
        event.state = EventState.CLOSED
        event.closed_at = reported_at
        event.outcome = data["outcome"].strip()
        event.next_due_at = None
    entry.full_clean()
    entry.save()
    if kind == EntryKind.FOLLOWUP and not entry.on_time:
        MissedFollowup.objects.filter(event=event, due_at=entry.due_at, answered_by__isnull=True).update(
            answered_by=entry
        )
    event.full_clean()
    event.save()
    _tell_about_entry(entry=entry, actor=actor)
    return entry


def _tell_about_entry(*, entry: EventEntry, actor: User) -> None:
    """An officer's 续报 or 终报 tells the county's staff (the bell, email); a phone report tells the
    officer it was recorded for them to confirm."""
    event = entry.event
    link = event_link(event)
    if entry.source == EntrySource.PHONE:
        notices = outbox.person_notices(
            key=f"{EVENT_KIND}:entry:{entry.pk}:confirm",
            kind=EVENT_KIND,
            user=entry.officer.user,
            title=f"请确认电话报告：{event.title}（{entry.label}）",
            body=f"县总工会工作人员已根据您的电话记录了“{event.title}”的{entry.label}，请登录核对并确认：{link}",
            notification_kind=Notification.Kind.REMINDER,
        )
    elif entry.source == EntrySource.PORTAL:
        notices = []
        for user in User.objects.filter(
            county_id=event.county_id, role__in=[User.Role.REVIEWER, User.Role.ADMIN], is_active=True
        ).order_by("pk"):
            notices += outbox.person_notices(
                key=f"{EVENT_KIND}:entry:{entry.pk}:staff:{user.pk}",
                kind=EVENT_KIND,
                user=user,
                title=f"【{entry.label}】{event.title}",
                body=f"{entry.officer.name}报送了“{event.title}”的{entry.label}，请登录查看：{link}",
                notification_kind=Notification.Kind.EMERGENCY,
            )
    else:
        return
    outbox.messages_write_new(notices)


@transaction.atomic
def event_entry_confirm(*, entry: EventEntry, officer: Officer, now: datetime | None = None) -> EventEntry:
    """The officer confirms a report staff recorded from their phone call (电话报告)."""
    entry = EventEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.source != EntrySource.PHONE or entry.officer_id != officer.pk:
        raise ValidationError("只能确认工作人员为您代录的电话报告")
    if entry.confirmed_at is not None:
        raise ValidationError("该电话报告已经确认过了")
    entry.confirmed_at = now or timezone.now()
    entry.save(update_fields=["confirmed_at"])
    return entry


# ---- the 续报 clock ------------------------------------------------------------------------------


def events_to_check(*, now: datetime | None = None) -> list[int]:
    """Open events whose oldest due 续报 time has passed (one query on the (state, next_due_at) index):
    each has a 漏报 to record, or one still to tell the admins of."""
    now = now or timezone.now()
    return list(
        Event.objects.filter(state=EventState.OPEN, next_due_at__lt=now).order_by("pk").values_list("pk", flat=True)
    )


def _due_text(due_at: datetime) -> str:
    return timezone.localtime(due_at).strftime("%m月%d日 %H:%M")


@transaction.atomic
def event_followups_check(*, event_id: int, now: datetime | None = None) -> int:
    """Record each passed due time with no 续报 (漏报) once, tell the reporting officer of it once,
    and the county's admins once when it is still unanswered ``rules.ESCALATE_AFTER`` later.
    Returns how many notices were new: a second run returns 0."""
    now = now or timezone.now()
    event = Event.objects.select_for_update(of=("self",)).select_related("officer__user").filter(pk=event_id).first()
    if event is None or event.state != EventState.OPEN or event.next_due_at >= now:
        return 0
    for due_at in rules.missed_due_times(next_due_at=event.next_due_at, now=now):
        MissedFollowup.objects.get_or_create(
            event=event, due_at=due_at, defaults={"county_id": event.county_id, "officer": event.officer}
        )
    link = event_link(event)
    sent = 0
    unanswered = MissedFollowup.objects.filter(event=event, answered_by__isnull=True).order_by("due_at")
    for missed in unanswered:
        if missed.officer_notified_at is None and event.officer.user_id:
            sent += outbox.messages_write_new(
                outbox.person_notices(
                    key=f"{EVENT_KIND}:missed:{missed.pk}:officer",
                    kind=EVENT_KIND,
                    user=event.officer.user,
                    title=f"续报逾期：{event.title}",
                    body=(
                        f"“{event.title}”应于{_due_text(missed.due_at)}前报送续报，至今未报。"
                        f"请尽快报送续报（事态进展、采取的措施）；事件处置完毕请报送终报：{link}"
                    ),
                    notification_kind=Notification.Kind.REMINDER,
                )
            )
            missed.officer_notified_at = now
            missed.save(update_fields=["officer_notified_at"])
        if missed.admins_notified_at is None and rules.missed_escalation_due(due_at=missed.due_at, now=now):
            notices = []
            for admin in User.objects.filter(county_id=event.county_id, role=User.Role.ADMIN, is_active=True).order_by(
                "pk"
            ):
                notices += outbox.person_notices(
                    key=f"{EVENT_KIND}:missed:{missed.pk}:admin:{admin.pk}",
                    kind=EVENT_KIND,
                    user=admin,
                    title=f"续报漏报：{event.title}",
                    body=(
                        f"{event.officer.name}报送的突发事件“{event.title}”应于{_due_text(missed.due_at)}前续报，"
                        f"逾期已超过{int(rules.ESCALATE_AFTER.total_seconds() // 3600)}小时仍未报送，请督促：{link}"
                    ),
                    notification_kind=Notification.Kind.REMINDER,
                )
            sent += outbox.messages_write_new(notices)
            missed.admins_notified_at = now
            missed.save(update_fields=["admins_notified_at"])
    return sent
