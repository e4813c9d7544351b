"""Emergency alerts: what to tell whom when a 突发 report comes in. Written to the one outbox in the
report's own transaction and delivered by core's outbox task (queue ``alerts``)."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from officers.channels import selectors as channel_selectors
from officers.models import User
from unionportal.core import outbox
from unionportal.core.models import Notification, OutboxMessage

from ..models import Report

ALERT_KIND = "alert"
EMAIL_SUBJECT = "【信息员工作平台】有一条新的突发信息"
GROUP_TITLE = "【信息员工作平台】突发信息提醒"


def alert_recipients(county_id):
    return User.objects.filter(
        county_id=county_id, role__in=[User.Role.REVIEWER, User.Role.ADMIN], is_active=True
    ).order_by("pk")


def alert_texts(report: Report) -> tuple[str, str, str]:
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


def group_text(report: Report) -> str:
    """For a staff work-chat group (企业微信, 钉钉): like the email, it names no one and quotes
    nothing (no title, no content, no officer): what kind of item, where, when, and the link."""
    place = report.township.name if report.township_id else report.county.name
    when = timezone.localtime(report.submitted_at).strftime("%m月%d日 %H:%M")
    link = f"{settings.PORTAL_BASE_URL}{reverse('reports:detail', args=[report.pk])}"
    return f"{when}，{place}有一条新的突发信息（{report.get_category_display()}），请尽快登录平台查看处置：{link}"


def alerts_record(*, report: Report) -> list[int]:
    """Write one outbox message per recipient and channel, and one per work-chat group of the county
    that takes alerts, in the caller's transaction, and queue them once it commits. A broker that is
    down loses nothing: the sweep queues them again."""
    title, body, email = alert_texts(report)
    notices = []
    for user in alert_recipients(report.county_id):
        key = f"{ALERT_KIND}:{report.pk}:{user.pk}"
        notices.append(
            outbox.Notice(
                key=f"{key}:in_app",
                kind=ALERT_KIND,
                channel=OutboxMessage.Channel.IN_APP,
                recipient=user,
                title=title,
                body=body,
                urgent=True,
                notification_kind=Notification.Kind.EMERGENCY,
                report=report,
            )
        )
        if user.email:
            notices.append(
                outbox.Notice(
                    key=f"{key}:email",
                    kind=ALERT_KIND,
                    channel=OutboxMessage.Channel.EMAIL,
                    recipient=user,
                    address=user.email,
                    title=EMAIL_SUBJECT,
                    body=email,
                    urgent=True,
                    report=report,
                )
            )
    for channel in channel_selectors.alert_channels(county_id=report.county_id):
        notices.append(
            outbox.Notice(
                key=f"{ALERT_KIND}:{report.pk}:channel:{channel.pk}",
                kind=ALERT_KIND,
                channel=channel.outbox_channel,
                channel_setting=channel.pk,
                address=channel.name,
                title=GROUP_TITLE,
                body=group_text(report),
                urgent=True,
                report=report,
            )
        )
    ids = outbox.messages_write(notices)
    outbox.enqueue_on_commit(ids)
    return ids
