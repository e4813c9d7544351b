"""Notice channels behind the one outbox: group robots (企业微信, 钉钉), SMS gateways (Aliyun, Tencent
Cloud, a generic HTTP gateway) and email. ``backend_for(config)`` gives the backend of a county's
channel; ``config_for(setting_id)`` loads that channel's settings through the loader the app that
keeps them registered (core knows no app: ``officers`` registers it when it is ready)."""

from collections.abc import Callable

from .aliyun_sms import AliyunSmsBackend
from .base import Backend, ChannelConfig, ChannelError, Refused, Transient
from .dingtalk import DingtalkBackend
from .email import EmailBackend
from .http_sms import HttpSmsBackend
from .tencent_sms import TencentSmsBackend
from .wecom import WecomBackend

__all__ = [
    "Backend",
    "ChannelConfig",
    "ChannelError",
    "EmailBackend",
    "Refused",
    "Transient",
    "backend_for",
    "config_for",
    "register_config_loader",
]

WECOM, DINGTALK, ALIYUN_SMS, TENCENT_SMS, HTTP_SMS = "wecom", "dingtalk", "aliyun_sms", "tencent_sms", "http_sms"
GROUP_KINDS = (WECOM, DINGTALK)
SMS_KINDS = (ALIYUN_SMS, TENCENT_SMS, HTTP_SMS)
BACKENDS = {
    WECOM: WecomBackend,
    DINGTALK: DingtalkBackend,
    ALIYUN_SMS: AliyunSmsBackend,
    TENCENT_SMS: TencentSmsBackend,
    HTTP_SMS: HttpSmsBackend,
}

_loader: Callable[[int], ChannelConfig | None] | None = None


def register_config_loader(loader: Callable[[int], ChannelConfig | None]) -> None:
    global _loader
    _loader = loader


def config_for(setting_id: int) -> ChannelConfig:
    config = _loader(setting_id) if _loader is not None else None
    if config is None:
        raise Refused("渠道配置不存在或已停用")
    return config


def backend_for(config: ChannelConfig) -> Backend:
    try:
        return BACKENDS[config.kind](config)
    except KeyError:
        raise Refused(f"未知的渠道类型：{config.kind}") from None
