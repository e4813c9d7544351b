"""钉钉 group robot: POST {"msgtype": "text"|"markdown", ...} to the robot's webhook (its
``access_token`` is in the URL); with 加签 the URL also carries ``timestamp`` (ms) and ``sign`` =
urlencode(base64(HMAC-SHA256(key=secret, "timestamp\\nsecret"))). The answer is {"errcode": 0}."""

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

from .base import ChannelConfig, Message, Refused, answer_json, post
from .wecom import judge

SERVICE = "钉钉"
# -1 system busy, 130101 / 410100 sending too fast (20 a minute): try again. 310000 (signature,
# keyword or IP check failed), 300001 (token), 400102 (robot stopped)… are final.
TRANSIENT_ERRCODES = {-1, 130101, 410100}


def sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature, already urlencoded for the query string."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    if not secret:
        return url
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={sign(secret, timestamp_ms)}"


def payload(config: ChannelConfig, message: Message) -> dict:
    if config.markdown:
        return {
            "msgtype": "markdown",
            "markdown": {"title": message.title, "text": f"#### {message.title}\n{message.body}"},
        }
    content = f"{message.title}\n{message.body}" if message.title else message.body
    return {"msgtype": "text", "text": {"content": content}}


class DingtalkBackend:
    def __init__(self, config: ChannelConfig):
        self.config = config

    def send(self, message: Message) -> str:
        if not self.config.webhook_url:
            raise Refused("未配置钉钉机器人 Webhook 地址")
        url = signed_url(self.config.webhook_url, self.config.secret)
        response = post(url, service=SERVICE, json=payload(self.config, message))
        return judge(answer_json(response, service=SERVICE), service=SERVICE, transient_codes=TRANSIENT_ERRCODES)
