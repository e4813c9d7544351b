"""Celery tasks of reminders: each takes ids, calls one function, is safe to run twice and has a
time limit. A scheduled job picks its recipients and queues one small task each. Delivery itself is
the outbox's (unionportal.core.tasks)."""

from datetime import date

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import reminders, services
from .services import anonymise, events


@shared_task(time_limit=300, soft_time_limit=240, autoretry_for=(OperationalError,), retry_backoff=10, max_retries=5)
def remind_officers(kind: str) -> int:
    """20th and 27th, 09:00 Beijing time: queue a reminder for each officer below this month's quota."""
    month = reminders.current_month()
    ids = reminders.officers_to_remind(month=month)
    for officer_id in ids:
        remind_officer.delay(officer_id, month.isoformat(), kind)
    return len(ids)


# A reminder's gateway being down (SendLater) is retried over about a quarter of an hour; the job's
# later runs that day take up whatever is still pending after that.
REMINDER_RETRY = {
    "autoretry_for": (OperationalError, reminders.SendLater),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(time_limit=60, soft_time_limit=45, **REMINDER_RETRY)
def remind_officer(officer_id: int, month: str, kind: str) -> bool:
    return reminders.remind_officer(officer_id=officer_id, month=date.fromisoformat(month), kind=kind)


@shared_task(time_limit=300, soft_time_limit=240, autoretry_for=(OperationalError,), retry_backoff=10, max_retries=5)
def send_review_digests() -> int:
    """Every morning: one digest to each reviewer whose county has reports waiting over two days, and
    one to each of that county's work-chat groups that take digests. Returns the tasks queued."""
    day = timezone.localdate().isoformat()
    ids = reminders.reviewers_to_digest()
    for user_id in ids:
        review_digest.delay(user_id, day)
    counties = reminders.counties_to_digest()
    for county_id in counties:
        county_digest.delay(county_id, day)
    return len(ids) + len(counties)


@shared_task(time_limit=60, soft_time_limit=45, **REMINDER_RETRY)
def review_digest(user_id: int, day: str) -> bool:
    return reminders.review_digest(user_id=user_id, day=date.fromisoformat(day))


@shared_task(time_limit=60, soft_time_limit=45, autoretry_for=(OperationalError,), retry_backoff=10, max_retries=5)
def county_digest(county_id: int, day: str) -> int:
    """The day's digest to a county's work-chat groups; delivery and its retries are the outbox's."""
    return len(reminders.county_digest(county_id=county_id, day=date.fromisoformat(day)))


@shared_task(time_limit=300, soft_time_limit=240, autoretry_for=(OperationalError,), retry_backoff=10, max_retries=5)
def remind_commissions() -> int:
    """Every day (09:00 and 15:00): queue the day-before reminder of each commission due tomorrow."""
    today = timezone.localdate()
    ids = services.commissions_due_tomorrow(today=today)
    for commission_id in ids:
        remind_commission.delay(commission_id, today.isoformat())
    return len(ids)


@shared_task(time_limit=300, soft_time_limit=240, autoretry_for=(OperationalError,), retry_backoff=10, max_retries=5)
def sweep_event_followups() -> int:
    """Every ten minutes: queue a check of each open event whose 续报 due time has passed."""
    ids = events.events_to_check()
    for event_id in ids:
        check_event_followups.delay(event_id)
    return len(ids)


@shared_task(time_limit=60, soft_time_limit=45, autoretry_for=(OperationalError,), retry_backoff=10, max_retries=5)
def remind_commission(commission_id: int, today: str) -> int:
    """Remind a commission's recipients who have not answered; keyed in the outbox, so a second run
    (the 15:00 one) sends only to whoever was not reminded yet."""
    return services.commission_remind(commission_id=commission_id, today=date.fromisoformat(today))


@shared_task(time_limit=60, soft_time_limit=45, autoretry_for=(OperationalError,), retry_backoff=10, max_retries=5)
def check_event_followups(event_id: int) -> int:
    """One event's 漏报: recorded and told once (unique outbox keys), so a second run sends nothing."""
    return events.event_followups_check(event_id=event_id)


@shared_task(time_limit=600, soft_time_limit=540, autoretry_for=(OperationalError,), retry_backoff=10, max_retries=5)
def sweep_supervision() -> int:
    """Every 10 minutes: colour open supervision items from the clock; an item turning red tells the
    county's admins and staff groups once. Safe to run twice or on two workers."""
    return services.supervision_sweep()


@shared_task(time_limit=600, soft_time_limit=540, autoretry_for=(OperationalError,), retry_backoff=10, max_retries=5)
def anonymise_dismissed_officers() -> int:
    """Nightly (PIPL): anonymise each officer dismissed longer ago than the retention period. Each
    officer is its own transaction; a second run finds nobody left to do."""
    done = 0
    for officer_id in list(anonymise.officers_due().values_list("pk", flat=True)):
        done += anonymise.officer_anonymise(officer_id=officer_id)
    return done
