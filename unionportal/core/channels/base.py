"""What every channel backend is: ``send(message)`` returns the gateway's answer in Chinese, or raises
:class:`Transient` (worth trying again: the gateway is down, slow or busy) or :class:`Refused` (the same
answer would come again: a bad key, signature, number or template). The outbox's one rule
(``outbox.is_transient``) knows both, so each backend's own retry rule is the way it sorts its errors.

Nothing here logs or repeats a secret: errors carry the gateway's code and message, never a URL with
its key, an access key or a signature.
"""

from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

import requests
from django.conf import settings


class ChannelError(Exception):
    """A send that did not go through: ``code`` as the gateway gave it, ``reason`` in Chinese."""

    def __init__(self, reason: str, *, code: str = ""):
        super().__init__(reason)
        self.reason, self.code = reason, str(code)

    def __str__(self):
        return f"{self.reason}（{self.code}）" if self.code else self.reason

    def __repr__(self):  # what the outbox records as the last error
        return f"{self.label}：{self}"


class Transient(ChannelError):
    label = "暂时失败"


# The notice kinds a gateway's template is registered for, as an admin knows them (a gateway set up
# before 约稿 went out by SMS has no commission template: its refusal must say which one is missing).
TEMPLATE_KIND_LABELS = {"reminder": "报送提醒", "commission": "约稿通知", "alert": "突发信息提醒"}


class Refused(ChannelError):
    label = "被拒绝"


@dataclass(frozen=True)
class ChannelConfig:
    """One county channel as the backends need it (built by the channel settings of ``officers``).
    ``webhook_url`` is the robot's address (or the generic gateway's URL); ``key_id``/``secret`` the
    AccessKey pair (Aliyun), SecretId/SecretKey (Tencent), account and shared secret (generic) or
    the signing secret (DingTalk); ``endpoint`` overrides an SDK's host (private cloud, tests)."""

    kind: str
    name: str = ""
    webhook_url: str = ""
    key_id: str = ""
    secret: str = field(default="", repr=False)
    app_id: str = ""
    region: str = ""
    endpoint: str = ""
    sign_name: str = ""
    templates: dict = field(default_factory=dict)  # notice kind -> template id at the gateway
    markdown: bool = False

    def template_for(self, kind: str) -> str:
        template = self.templates.get(kind, "")
        if not template:
            label = TEMPLATE_KIND_LABELS.get(kind, kind)
            raise Refused(f"未配置“{label}”类消息的短信模板编号，请在消息渠道设置中填写在短信平台登记的模板编号")
        return template


class Message(Protocol):
    """What a backend reads from an outbox message (or a test message)."""

    kind: str
    title: str
    body: str
    address: str
    params: list  # the template's parameters in its order: [[name, value], ...]


def named(params) -> dict:
    """The template parameters by name (Aliyun, the generic gateway)."""
    return {str(name): str(value) for name, value in (params or [])}


class Backend(Protocol):
    def send(self, message: Message) -> str: ...


def timeout() -> float:
    return float(getattr(settings, "CHANNEL_TIMEOUT_SECONDS", 10))


def split_endpoint(endpoint: str, default_host: str) -> tuple[str, str]:
    """("https", host[:port]) from an endpoint given as a host or as a URL (http only for tests and
    private deployments)."""
    if not endpoint:
        return "https", default_host
    if "://" not in endpoint:
        return "https", endpoint
    parts = urlsplit(endpoint)
    return parts.scheme or "https", parts.netloc


def post(url: str, *, service: str, **kwargs) -> requests.Response:
    """POST with the channel timeout. Timeouts, lost connections and HTTP 5xx/429 are transient;
    other 4xx final. The URL (it holds the robot's key) never appears in the error."""
    try:
        # The timeout is set (CHANNEL_TIMEOUT_SECONDS); bandit cannot see through the call.
        response = requests.post(url, timeout=timeout(), allow_redirects=False, **kwargs)  # nosec B113
    except requests.Timeout:
        raise Transient(f"{service}响应超时", code="timeout") from None
    except requests.RequestException as exc:
        raise Transient(f"无法连接{service}", code=type(exc).__name__) from None
    if response.status_code >= 500 or response.status_code == 429:
        raise Transient(f"{service}暂时不可用", code=f"HTTP {response.status_code}")
    if response.status_code >= 400:
        raise Refused(f"{service}拒绝了请求", code=f"HTTP {response.status_code}")
    return response


def answer_json(response: requests.Response, *, service: str) -> dict:
    try:
        data = response.json()
    except ValueError:
        raise Transient(f"{service}的应答无法识别", code=f"HTTP {response.status_code}") from None
    if not isinstance(data, dict):
        raise Transient(f"{service}的应答无法识别", code=f"HTTP {response.status_code}")
    return data
