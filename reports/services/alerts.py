"""Emergency alerts: written to an outbox with the report, delivered by a Celery task."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from officers.models import User
from unionportal.core.models import Notification

from .. import rules
from ..models import (
    AlertDelivery,
    Report,
)

logger = logging.getLogger(__name__)


def alert_recipients(county_id):
    return User.objects.filter(
        county_id=county_id, role__in=[User.Role.REVIEWER, User.Role.ADMIN], is_active=True
    ).order_by("pk")


def alerts_record(*, report: Report) -> list[int]:
    """Write one delivery row per recipient and channel, in the caller's transaction, and queue
    them once it commits. A broker that is down loses nothing: the sweep queues them again."""
    rows = []
    for user in alert_recipients(report.county_id):
        rows.append(AlertDelivery(report=report, recipient=user, channel=AlertDelivery.Channel.IN_APP))
        if user.email:
            rows.append(AlertDelivery(report=report, recipient=user, channel=AlertDelivery.Channel.EMAIL))
    AlertDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        AlertDelivery.objects.filter(report=report, state=AlertDelivery.State.PENDING).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: alerts_enqueue(ids), robust=True)
    return ids


def alerts_enqueue(ids) -> int:
    """Hand deliveries to the broker; stops quietly at the first broker error (the sweep retries)."""
    from ..tasks import deliver_alert

    queued = 0
    for delivery_id in ids:
        try:
            deliver_alert.apply_async(args=[delivery_id])
        except Exception as exc:  # the broker is down: the outbox keeps the row pending
            logger.warning("alert %s not queued, the sweep will retry: %s", delivery_id, exc)
            break
        queued += 1
    return queued


ALERT_MAX_ATTEMPTS = 8
# An email claimed this long ago and never marked sent belongs to a worker that died mid-send.
ALERT_CLAIM_TIMEOUT = timedelta(minutes=10)
# A failed email is retried by its own task (backoff 5 s … 5 min); the sweep takes it up again only
# when no attempt has been made for this long, i.e. when that retry chain is gone. Sweeping it sooner
# spent all attempts within minutes of an SMTP outage.
ALERT_RETRY_QUIET = timedelta(minutes=10)


def _alert_text(report: Report) -> tuple[str, str, str]:
    """(title, in-app body, email body). The email names no one and quotes nothing: the title and
    the reporter stay in the portal; it says what kind of item, where, and where to read it."""
    place = report.township.name if report.township_id else report.county.name
    when = timezone.localtime(report.submitted_at).strftime("%m月%d日 %H:%M")
    title = f"【突发信息】{report.title}"
    body = f"{report.officer.name}于{when}报送突发信息（{report.get_category_display()}，{place}），请尽快查看处置。"
    link = f"{settings.PORTAL_BASE_URL}{reverse('reports:detail', args=[report.pk])}"
    email = (
        f"{when}，{place}有一条新的突发信息（{report.get_category_display()}）报送到信息员工作平台，"
        f"请尽快登录查看处置：\n{link}\n\n此邮件不含信息内容，请勿转发。"
    )
    return title, body, email


def alert_deliver(*, delivery_id: int) -> bool:
    """Deliver one alert; True if it was delivered now, False if there was nothing to do.

    In-app alerts are written and marked sent in one transaction. An email is first claimed
    (committed as 发送中), then sent, then marked sent, so a retry or a second worker never sends a
    claimed one again; only a claim older than ALERT_CLAIM_TIMEOUT (its worker died) is retried.
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            delivery = _claim_or_deliver_in_app(delivery_id, now)
    except Exception as exc:
        alert_failed(delivery_id=delivery_id, error=repr(exc), count_attempt=True)
        raise
    if delivery is None or delivery.state == AlertDelivery.State.SENT:
        return delivery is not None
    try:
        send_mail(
            "【信息员工作平台】有一条新的突发信息", _alert_text(delivery.report)[2], None, [delivery.recipient.email]
        )
    except Exception as exc:
        # A refused address stops here; a gateway that is down is retried (the task, then the sweep).
        alert_failed(
            delivery_id=delivery_id, error=repr(exc), count_attempt=False, final=not rules.send_failure_is_passing(exc)
        )
        raise
    AlertDelivery.objects.filter(pk=delivery_id).update(state=AlertDelivery.State.SENT, sent_at=timezone.now())
    return True


def _claim_or_deliver_in_app(delivery_id: int, now):
    """Inside a transaction: deliver an in-app alert (returns it 已发送), or claim an email (returns
    it 发送中), or None when there is nothing to do."""
    delivery = (
        AlertDelivery.objects.select_for_update(of=("self",))
        .select_related("report__officer", "report__township", "report__county", "recipient")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        return None
    stale_claim = delivery.state == AlertDelivery.State.SENDING and delivery.claimed_at < now - ALERT_CLAIM_TIMEOUT
    if delivery.state != AlertDelivery.State.PENDING and not stale_claim:
        return None
    delivery.attempts += 1
    if delivery.channel == AlertDelivery.Channel.IN_APP:
        title, body, _ = _alert_text(delivery.report)
        Notification.objects.create(
            recipient=delivery.recipient,
            kind=Notification.Kind.EMERGENCY,
            title=title,
            body=body,
            report=delivery.report,
        )
        delivery.state, delivery.sent_at = AlertDelivery.State.SENT, now
        delivery.save(update_fields=["state", "attempts", "sent_at"])
    else:
        delivery.state, delivery.claimed_at = AlertDelivery.State.SENDING, now
        delivery.save(update_fields=["state", "attempts", "claimed_at"])
    return delivery


def alert_failed(*, delivery_id: int, error: str, count_attempt: bool, final: bool = False) -> None:
    """A failed attempt goes back to the outbox, or stops as 发送失败 after ALERT_MAX_ATTEMPTS or
    when ``final`` (a refusal that would come again). ``count_attempt``: the attempt was rolled back
    with its transaction, so count it here."""
    delivery = AlertDelivery.objects.filter(pk=delivery_id).first()
    if delivery is None or delivery.state == AlertDelivery.State.SENT:
        return
    if count_attempt:
        delivery.attempts += 1
    delivery.state = (
        AlertDelivery.State.FAILED if final or delivery.attempts >= ALERT_MAX_ATTEMPTS else AlertDelivery.State.PENDING
    )
    delivery.last_error = error[:300]
    delivery.save(update_fields=["state", "attempts", "last_error"])


def alerts_sweep(*, older_than=timedelta(seconds=20), now=None) -> int:
    """Queue again what the broker lost or never got: pending alerts, and claims whose worker died."""
    now = now or timezone.now()
    untried_or_quiet = Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - ALERT_RETRY_QUIET)
    due = AlertDelivery.objects.filter(
        Q(untried_or_quiet, state=AlertDelivery.State.PENDING, created_at__lte=now - older_than)
        | Q(state=AlertDelivery.State.SENDING, claimed_at__lte=now - ALERT_CLAIM_TIMEOUT)
    )
    ids = list(due.order_by("created_at").values_list("pk", flat=True)[:500])
    return alerts_enqueue(ids)
