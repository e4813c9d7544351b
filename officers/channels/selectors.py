"""Reads of the county channels: the admin's list (scoped), what carries alerts and reminders (for
the services that write notices), and each channel's recent deliveries."""

from django.db.models import Count

from unionportal.core.channels import ChannelConfig
from unionportal.core.models import OutboxMessage

from .models import ChannelSetting

RECENT_MESSAGES = 20


def channel_list(*, user):
    return ChannelSetting.objects.visible_to(user).select_related("county").order_by("kind", "name")


def channel_detail(*, user, pk: int) -> ChannelSetting:
    """Raises ChannelSetting.DoesNotExist for another county's channel, or for anyone but an admin."""
    return channel_list(user=user).get(pk=pk)


def channels_for(*, county_id: int, notice_kind: str) -> list[ChannelSetting]:
    """The county's enabled channels that carry this kind of notice (``ChannelSetting.PURPOSES``)."""
    return list(ChannelSetting.objects.carrying(county_id=county_id, notice_kind=notice_kind))


def alert_channels(*, county_id: int) -> list[ChannelSetting]:
    """The county's enabled group robots that carry emergency alerts."""
    return channels_for(county_id=county_id, notice_kind="alert")


def digest_channels(*, county_id: int) -> list[ChannelSetting]:
    """The county's enabled group robots that take the daily review digest."""
    return channels_for(county_id=county_id, notice_kind="digest")


def digest_county_ids() -> list[int]:
    """Counties with at least one enabled group robot that takes the daily digest."""
    flag = ChannelSetting.PURPOSES["digest"]
    return list(
        ChannelSetting.objects.filter(enabled=True, **{flag: True}).values_list("county_id", flat=True).distinct()
    )


def reminder_gateway(*, county_id: int) -> ChannelSetting | None:
    """The county's enabled SMS gateway for officers' reminders, or None (settings.SMS_BACKEND)."""
    return ChannelSetting.objects.carrying(county_id=county_id, notice_kind="reminder").first()


def channel_config(setting_id: int) -> ChannelConfig | None:
    """The outbox's loader: an enabled channel's settings, or None (deleted or disabled)."""
    setting = ChannelSetting.objects.filter(pk=setting_id, enabled=True).first()
    return setting.config() if setting is not None else None


def recent_messages(*, channel: ChannelSetting, limit: int = RECENT_MESSAGES):
    """What went through this channel lately, newest first, with its state and last error."""
    return OutboxMessage.objects.filter(channel_setting=channel).order_by("-created_at", "-pk")[:limit]


def delivery_counts(*, channel: ChannelSetting) -> dict[str, int]:
    """Messages of this channel by state (待发送, 发送中, 已发送, 发送失败), counted in the database."""
    counts = dict.fromkeys(OutboxMessage.State.values, 0)
    rows = OutboxMessage.objects.filter(channel_setting=channel).values("state").annotate(n=Count("pk")).order_by()
    counts.update({row["state"]: row["n"] for row in rows})
    return counts
