"""Reminders (提醒): who gets one, and what it says.

A scheduled job picks the recipients and queues one small task each; the task calls one function
here. The Reminder row is unique per person, kind and period and is written with its outbox
messages (in-app, email, SMS) in one transaction, so a duplicated, concurrent or retried task writes
nothing twice; the one outbox (``unionportal.core.outbox``) sends each message at most once. A
channel whose gateway is down or busy goes back to 待发送: the task retries it with backoff, the job's
later runs that day and the outbox sweep take it up again; a refusal is final and recorded.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from officers.channels import selectors as channel_selectors
from officers.models import County, Officer, User
from unionportal.core import outbox
from unionportal.core.models import Notification, OutboxMessage

from . import rules, selectors
from .models import Reminder, Report, Status, Urgency

logger = logging.getLogger(__name__)
DIGEST_AFTER = timedelta(days=2)


def current_month(now=None) -> date:
    return timezone.localtime(now or timezone.now()).date().replace(day=1)


def officers_to_remind(*, month: date) -> list[int]:
    """在岗 officers who have not yet reported their quota this month: one query per county."""
    ids = []
    for county_id in County.objects.values_list("pk", flat=True):
        quota = selectors.stipend_terms(county_id=county_id, month=month).quota
        ids += list(
            Officer.objects.filter(county_id=county_id, status=Officer.Status.ACTIVE, user__is_active=True)
            .annotate(month_reports=selectors.reports_in_month(month))
            .annotate(n=Count("month_reports"))
            .filter(n__lt=quota)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return ids


class SendLater(Exception):
    """A channel could not go out for a passing reason and is pending again: retry the task."""


REMINDER_KIND = "reminder"


def _record(*, user, county_id, kind, period, title, text, sms_phone=None, sms_params=()):
    """Write the reminder and its messages once, then deliver what is still pending; None if this
    person already had it. Raises SendLater when a channel must be tried again."""
    with transaction.atomic():
        reminder, created = Reminder.objects.get_or_create(
            recipient=user, kind=kind, period=period, defaults={"county_id": county_id, "text": text[:300]}
        )
        key = f"{REMINDER_KIND}:{reminder.pk}"
        # The bell, and email when the person has an address: the reminder's own (first) text.
        notices = outbox.person_notices(
            key=key,
            kind=REMINDER_KIND,
            user=user,
            title=title,
            body=reminder.text,
            notification_kind=Notification.Kind.REMINDER,
        )
        if sms_phone:
            # Through the county's SMS gateway (a registered template and its parameters) when it
            # has one; else the site's SMS_BACKEND, as free text.
            gateway = channel_selectors.reminder_gateway(county_id=county_id)
            notices.append(
                outbox.Notice(
                    key=f"{key}:sms",
                    kind=REMINDER_KIND,
                    channel=OutboxMessage.Channel.SMS,
                    recipient=user,
                    address=sms_phone,
                    title=title,
                    body=reminder.text,
                    channel_setting=gateway.pk if gateway else None,
                    params=tuple(sms_params),
                )
            )
        pending = outbox.messages_write(notices)
    # A retry after a crash finishes the messages still pending; a claimed one is not sent again
    # until its claim is stale (then the sweep takes it up).
    if not outbox.deliver_all(pending):
        raise SendLater(f"reminder {reminder.pk}: a channel is pending again")
    return reminder if created else None


def remind_officer(*, officer_id: int, month: date, kind: str) -> bool:
    """Remind one officer who has not met this month's quota; False if nothing was sent."""
    officer = Officer.objects.select_related("user").filter(pk=officer_id).first()
    if officer is None or officer.status != Officer.Status.ACTIVE or officer.user is None:
        return False
    quota = selectors.stipend_terms(county_id=officer.county_id, month=month).quota
    start, end = rules.month_bounds(month.year, month.month)
    done = (
        Report.objects.filter(officer=officer, status__in=selectors.COUNTED_STATUSES)
        .submitted_between(start, end)
        .count()
    )
    if done >= quota:
        return False
    text = (
        f"{month.year}年{month.month}月您已报送 {done} 条信息，本月任务为 {quota} 条。"
        "请及时报送身边的劳动关系动态：一般信息当日报，突发信息立即报。"
    )
    reminder = _record(
        user=officer.user,
        county_id=officer.county_id,
        kind=kind,
        period=month,
        title="信息报送提醒",
        text=text,
        sms_phone=officer.phone,
        sms_params=(("month", f"{month.year}年{month.month}月"), ("done", done), ("quota", quota)),
    )
    return reminder is not None


def reviewers_to_digest(*, now=None) -> list[int]:
    """Active reviewers whose county has reports waiting for review for more than two days."""
    cutoff = (now or timezone.now()) - DIGEST_AFTER
    waiting = Report.objects.filter(status=Status.SUBMITTED, submitted_at__lt=cutoff)
    counties = waiting.values("county_id").distinct()
    return list(
        User.objects.filter(role=User.Role.REVIEWER, is_active=True, county_id__in=counties)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def waiting_counts(*, county_id: int, now=None) -> dict:
    """The county's reports waiting for review over two days: ``total`` and ``emergencies``."""
    cutoff = (now or timezone.now()) - DIGEST_AFTER
    waiting = Report.objects.filter(county_id=county_id, status=Status.SUBMITTED, submitted_at__lt=cutoff)
    return waiting.aggregate(total=Count("pk"), emergencies=Count("pk", filter=Q(urgency=Urgency.EMERGENCY)))


def _digest_line(counts: dict) -> str:
    return f"有 {counts['total']} 条信息报送已超过两天仍待审核" + (
        f"，其中突发信息 {counts['emergencies']} 条" if counts["emergencies"] else ""
    )


def review_digest(*, user_id: int, day: date, now=None) -> bool:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.county_id is None:
        return False
    counts = waiting_counts(county_id=user.county_id, now=now)
    if not counts["total"]:
        return False
    text = _digest_line(counts) + "。请登录平台“信息审核”处理。"
    return (
        _record(
            user=user,
            county_id=user.county_id,
            kind=Reminder.Kind.REVIEW_DIGEST,
            period=day,
            title="待审核信息汇总",
            text=text,
        )
        is not None
    )


DIGEST_KIND = "digest"  # ChannelSetting.PURPOSES: the group robots with for_digests
GROUP_DIGEST_TITLE = "待审核信息汇总"


def counties_to_digest(*, now=None) -> list[int]:
    """Counties with reports waiting over two days and an enabled group robot that takes digests."""
    cutoff = (now or timezone.now()) - DIGEST_AFTER
    waiting = Report.objects.filter(status=Status.SUBMITTED, submitted_at__lt=cutoff)
    return list(
        waiting.filter(county_id__in=channel_selectors.digest_county_ids())
        .order_by("county_id")
        .values_list("county_id", flat=True)
        .distinct()
    )


def group_digest_text(counts: dict) -> str:
    """For a staff work-chat group: counts and the link, never a report's title, content or officer."""
    link = f"{settings.PORTAL_BASE_URL}{reverse('reports:queue')}"
    return f"{_digest_line(counts)}，请登录平台“信息审核”处理：{link}"


def county_digest(*, county_id: int, day: date, now=None) -> list[int]:
    """The day's digest to each of the county's enabled group robots that take it: one outbox message
    per channel and day (key ``digest:{county}:{day}:{channel}``), so a second run writes nothing.
    Returns the ids still pending, queued once the transaction commits."""
    groups = channel_selectors.digest_channels(county_id=county_id)
    if not groups:
        return []
    counts = waiting_counts(county_id=county_id, now=now)
    if not counts["total"]:
        return []
    body = group_digest_text(counts)
    with transaction.atomic():
        ids = outbox.messages_write(
            [
                outbox.Notice(
                    key=f"{DIGEST_KIND}:{county_id}:{day.isoformat()}:{channel.pk}",
                    kind=DIGEST_KIND,
                    channel=channel.outbox_channel,
                    channel_setting=channel.pk,
                    address=channel.name,
                    title=GROUP_DIGEST_TITLE,
                    body=body,
                )
                for channel in groups
            ]
        )
        outbox.enqueue_on_commit(ids)
    return ids


def notify_summary_ready(*, summary) -> int:
    """Tell the county's reviewers (once each) that the month's analysis material is ready."""
    sent = 0
    for user in User.objects.filter(county_id=summary.county_id, role=User.Role.REVIEWER, is_active=True):
        text = (
            f"{summary.month.year}年{summary.month.month}月的分析研判材料已生成，"
            "可在“月度分析”中查看、下载并记录分析会。"
        )
        try:
            recorded = _record(
                user=user,
                county_id=summary.county_id,
                kind=Reminder.Kind.SUMMARY_READY,
                period=summary.month,
                title="月度分析研判材料已生成",
                text=text,
            )
        except SendLater:
            recorded = True  # its in-app notice is there; the job's 12:00 run sends the email
        sent += bool(recorded)
    return sent
