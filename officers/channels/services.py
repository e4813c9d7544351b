"""Writes of the county channels: saving one (secrets kept when left blank) and sending a test
message through its backend. Both are audited; neither writes or logs a secret anywhere else."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from unionportal.core import channels as core_channels
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry

from .models import ChannelSetting

SECRET_FIELDS = ("secret", "key_id")
TEST_TITLE = "【信息员工作平台】测试消息"


def channel_save(*, actor, county, data: dict, channel: ChannelSetting | None = None, request=None) -> ChannelSetting:
    """Create or change a county channel. A secret left blank keeps the one stored; ``data`` holds the
    model's editable fields. Raises ValidationError (nothing written) on bad settings."""
    with transaction.atomic():
        channel = channel or ChannelSetting(county=county)
        for name, value in data.items():
            if name in SECRET_FIELDS + ("webhook_url",) and not value and channel.pk:
                continue  # blank: keep what is stored (it is never shown back in full)
            setattr(channel, name, value)
        channel.county = county
        channel.updated_at = timezone.now()
        channel.full_clean()
        channel.save()
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CHANGE_CHANNEL,
            county=county,
            target=f"{channel.name}（{channel.get_kind_display()}，{'启用' if channel.enabled else '停用'}）",
            request=request,
        )
    return channel


@dataclass(frozen=True)
class SampleMessage:
    """A test message, shaped like an outbox message for the backend. An SMS template takes its
    parameters: the reminder template gets this month, 0 and 0."""

    kind: str
    title: str
    body: str
    address: str = ""
    params: list = field(default_factory=list)


@dataclass(frozen=True)
class SendResult:
    ok: bool
    answer: str


def sample_message(*, channel: ChannelSetting, phone: str = "", now=None) -> SampleMessage:
    now = timezone.localtime(now or timezone.now())
    body = (
        f"这是“{channel.name}”的测试消息（{now:%m月%d日 %H:%M}），收到即表示通知渠道配置正确。"
        f"平台地址：{settings.PORTAL_BASE_URL}/"
    )
    if channel.is_group:
        return SampleMessage(kind="test", title=TEST_TITLE, body=body, address=channel.name)
    return SampleMessage(
        kind="reminder",
        title=TEST_TITLE,
        body=body,
        address=phone,
        params=[["month", f"{now.year}年{now.month}月"], ["done", "0"], ["quota", "0"]],
    )


def channel_test(*, actor, channel: ChannelSetting, phone: str = "", request=None, now=None) -> SendResult:
    """Send a test message through the channel's own backend, now, and report the gateway's answer
    (its error code and reason in Chinese when it fails). Writes an audit row either way."""
    message = sample_message(channel=channel, phone=phone, now=now)
    try:
        result = SendResult(True, core_channels.backend_for(channel.config()).send(message))
    except core_channels.ChannelError as exc:
        result = SendResult(False, str(exc))
    except Exception as exc:  # an SDK's unexpected failure: its kind only, no details that may hold keys
        result = SendResult(False, f"发送失败：{type(exc).__name__}")
    audit_record(
        actor=actor,
        action=AuditEntry.Action.TEST_CHANNEL,
        county=channel.county_id,
        target=f"{channel.name}：{'成功' if result.ok else '失败'}，{result.answer}",
        request=request,
    )
    return result
