"""The one delivery outbox: writing notices, delivering each at most once, and sweeping up.

A domain module decides what to say to whom and calls :func:`messages_write` inside its own
transaction; this module delivers. States: 待发送 → 发送中 (claimed, with the time) → 已发送, or 发送失败
with the reason after a refusal or ``MAX_ATTEMPTS``. A claim whose worker died is taken up again
after ``CLAIM_TIMEOUT``; a transient failure goes back to 待发送 and is retried by its task (backoff)
and, when that chain is gone, by the sweep.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import channels
from .models import Notification, OutboxMessage
from .sms import send_sms

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A message claimed this long ago and never marked sent belongs to a worker that died mid-send.
CLAIM_TIMEOUT = timedelta(minutes=10)
# A failed message is retried by its own task (backoff 5 s … 5 min); the sweep takes it up again only
# when no attempt has been made for this long, i.e. when that retry chain is gone. Sweeping it sooner
# spent every attempt within minutes of an SMTP outage.
RETRY_QUIET = timedelta(minutes=10)
SWEEP_BATCH = 500
DELIVER_TASK = "unionportal.core.tasks.deliver_message"


# ---- the rule: which failures are worth trying again ---------------------------------------------


def is_transient(exc: Exception) -> bool:
    """A mail or SMS gateway that is down, busy or slow (worth trying again), not one that refused
    the message (the same refusal next time). Every channel goes by this one rule; the channel
    backends (group robots, SMS gateways) sort their own answers into Transient and Refused."""
    if isinstance(exc, channels.Transient):
        return True
    if isinstance(exc, channels.Refused):
        return False
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500  # SMTP's own "try again later"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):  # per recipient: greylisting, mailbox busy (4xx)
        return bool(exc.recipients) and all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):
        return False  # unsupported command, bad data: the same next time
    return isinstance(exc, OSError)  # connection refused or reset, timeouts, name lookups, TLS


# ---- writing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """What to send: ``key`` makes it once-only; ``address`` is the email or phone for those channels
    (the group's name for a group robot). ``channel_setting``: the county channel (its id) that
    carries it, required for 企业微信/钉钉, optional for SMS (else settings.SMS_BACKEND);
    ``params``: the SMS template's parameters, [(name, value), ...] in the template's order."""

    key: str
    kind: str
    channel: str
    title: str
    body: str = ""
    recipient: object = None
    address: str = ""
    urgent: bool = False
    notification_kind: str = ""
    report: object = None
    channel_setting: int | None = None
    params: tuple = ()


def messages_write(notices: list[Notice]) -> list[int]:
    """Write the notices not written before (by key), in the caller's transaction; returns the ids of
    those still 待发送, for the caller to hand to :func:`enqueue_on_commit` or :func:`deliver_all`."""
    rows = [
        OutboxMessage(
            key=n.key[:160],
            kind=n.kind,
            channel=n.channel,
            title=n.title[:200],
            body=n.body,
            recipient=n.recipient,
            address=n.address,
            urgent=n.urgent,
            notification_kind=n.notification_kind,
            report=n.report,
            channel_setting_id=n.channel_setting,
            params=[[name, str(value)] for name, value in n.params],
        )
        for n in notices
    ]
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        OutboxMessage.objects.filter(key__in=[r.key for r in rows], state=OutboxMessage.State.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def person_notices(
    *, key: str, kind: str, user, title: str, body: str = "", notification_kind: str = "", report=None
) -> list[Notice]:
    """A notice to one person: in the portal's bell, and by email when they have an address. Keys are
    ``{key}:in_app`` and ``{key}:email``."""
    notices = [
        Notice(
            key=f"{key}:in_app",
            kind=kind,
            channel=OutboxMessage.Channel.IN_APP,
            recipient=user,
            title=title,
            body=body,
            notification_kind=notification_kind,
            report=report,
        )
    ]
    if user.email:
        notices.append(
            Notice(
                key=f"{key}:email",
                kind=kind,
                channel=OutboxMessage.Channel.EMAIL,
                recipient=user,
                address=user.email,
                title=title,
                body=body,
                report=report,
            )
        )
    return notices


def messages_write_new(notices: list[Notice]) -> int:
    """Write and queue (once the transaction commits) only the notices not written before: a job that
    runs twice sends nothing twice. Returns how many were new."""
    written = set(OutboxMessage.objects.filter(key__in=[n.key for n in notices]).values_list("key", flat=True))
    new = [n for n in notices if n.key not in written]
    if new:
        enqueue_on_commit(messages_write(new))
    return len(new)


def enqueue_on_commit(ids) -> None:
    """Queue the messages' delivery once the caller's transaction commits. A broker that is down
    loses nothing: the sweep queues them again."""
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: enqueue(ids), robust=True)


def enqueue(ids) -> int:
    """Hand messages to the broker; stops quietly at the first broker error (the sweep retries)."""
    # The task module imports this one; the task is looked up by name so neither imports the other.
    task = current_app.tasks[DELIVER_TASK]
    urgent = set(OutboxMessage.objects.filter(pk__in=ids, urgent=True).values_list("pk", flat=True))
    queued = 0
    for message_id in ids:
        try:
            task.apply_async(args=[message_id], queue="alerts" if message_id in urgent else "default")
        except Exception as exc:  # the broker is down: the outbox keeps the row pending
            logger.warning("outbox message %s not queued, the sweep will retry: %s", message_id, exc)
            break
        queued += 1
    return queued


# ---- delivering -----------------------------------------------------------------------------------


def _send(message: OutboxMessage) -> None:
    """Through the message's channel: a county's channel (group robot, SMS gateway) by its backend,
    email by the mail backend, SMS without a county gateway by settings.SMS_BACKEND."""
    if message.channel_setting_id is not None:
        channels.backend_for(channels.config_for(message.channel_setting_id)).send(message)
    elif message.channel == OutboxMessage.Channel.EMAIL:
        channels.EmailBackend(send_mail=send_mail).send(message)
    elif message.channel == OutboxMessage.Channel.SMS:
        send_sms(message.address, f"【{message.title}】{message.body}")
    else:  # pragma: no cover - in-app messages are delivered inside the claim's transaction
        raise ValueError(f"no sender for channel {message.channel}")


def _claim(message_id: int, now):
    """Inside a transaction: deliver an in-app message (returns it 已发送), or claim another (returns
    it 发送中), or None when there is nothing to do (sent, failed, or claimed by a live worker)."""
    message = OutboxMessage.objects.select_for_update(of=("self",)).filter(pk=message_id).first()
    if message is None:
        return None
    stale_claim = message.state == OutboxMessage.State.SENDING and message.claimed_at < now - CLAIM_TIMEOUT
    if message.state != OutboxMessage.State.PENDING and not stale_claim:
        return None
    message.attempts += 1
    if message.channel == OutboxMessage.Channel.IN_APP:
        Notification.objects.create(
            recipient_id=message.recipient_id,
            kind=message.notification_kind or Notification.Kind.REMINDER,
            title=message.title,
            body=message.body,
            report_id=message.report_id,
        )
        message.state, message.sent_at = OutboxMessage.State.SENT, now
        message.save(update_fields=["state", "attempts", "sent_at"])
    else:
        message.state, message.claimed_at = OutboxMessage.State.SENDING, now
        message.save(update_fields=["state", "attempts", "claimed_at"])
    return message


def deliver(*, message_id: int) -> bool:
    """Deliver one message; True if it was delivered now, False if there was nothing to do.

    Raises the sender's exception after recording it, so the task can retry a transient one: the
    message is then 待发送 again, or 发送失败 after a refusal or the last attempt."""
    now = timezone.now()
    try:
        with transaction.atomic():
            message = _claim(message_id, now)
    except Exception as exc:
        failed(message_id=message_id, error=repr(exc), count_attempt=True)
        raise
    if message is None or message.state == OutboxMessage.State.SENT:
        return message is not None
    try:
        _send(message)
    except Exception as exc:
        failed(message_id=message_id, error=repr(exc), count_attempt=False, final=not is_transient(exc))
        raise
    OutboxMessage.objects.filter(pk=message_id).update(state=OutboxMessage.State.SENT, sent_at=timezone.now())
    return True


def deliver_all(ids) -> bool:
    """Deliver messages here and now (a worker that already runs a job: a reminder). False when any
    is 待发送 again after a transient failure, for the caller's task to retry; other failures are
    recorded and logged."""
    done = True
    for message_id in ids:
        try:
            deliver(message_id=message_id)
        except Exception as exc:
            if is_transient(exc):
                logger.warning("outbox message %s not sent yet, will retry: %r", message_id, exc)
                done = False
            else:
                logger.exception("outbox message %s failed", message_id)
    return done


def failed(*, message_id: int, error: str, count_attempt: bool, final: bool = False) -> None:
    """A failed attempt goes back to 待发送, or stops as 发送失败 after MAX_ATTEMPTS or when ``final``
    (a refusal that would come again). ``count_attempt``: the attempt was rolled back with its
    transaction, so count it here."""
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None or message.state == OutboxMessage.State.SENT:
        return
    if count_attempt:
        message.attempts += 1
    final = final or message.attempts >= MAX_ATTEMPTS
    message.state = OutboxMessage.State.FAILED if final else OutboxMessage.State.PENDING
    message.last_error = error[:300]
    message.save(update_fields=["state", "attempts", "last_error"])


# ---- sweeping -------------------------------------------------------------------------------------


def due(*, older_than=timedelta(seconds=20), now=None, kind: str | None = None):
    """Messages the broker lost or never got (pending, untried or quiet), and claims whose worker died."""
    now = now or timezone.now()
    untried_or_quiet = Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - RETRY_QUIET)
    messages = OutboxMessage.objects.filter(
        Q(untried_or_quiet, state=OutboxMessage.State.PENDING, created_at__lte=now - older_than)
        | Q(state=OutboxMessage.State.SENDING, claimed_at__lte=now - CLAIM_TIMEOUT)
    )
    return messages.filter(kind=kind) if kind else messages


def sweep(*, older_than=timedelta(seconds=20), now=None, kind: str | None = None) -> int:
    """Queue again what is due (every 30 s under celery beat); safe to run twice or on two workers,
    since delivery claims each message under a row lock."""
    ids = list(due(older_than=older_than, now=now, kind=kind).order_by("created_at").values_list("pk", flat=True))
    return enqueue(ids[:SWEEP_BATCH])
