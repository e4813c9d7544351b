"""A generic HTTP SMS gateway (a carrier's government messaging platform): one POST of form fields

    account, mobile, sign_name, template_id, params (JSON of the named parameters), timestamp (s),
    nonce, sign = hex(HMAC-SHA256(key=secret, "k1=v1&k2=v2…" over the other fields sorted by name))

answered by JSON {"code": 0, "message": "…"}. HTTP 5xx, 429 and timeouts are transient; other HTTP
errors and a non-zero code are final (the gateway refused this message)."""

import hashlib
import hmac
import json
import secrets
import time

from .base import ChannelConfig, Message, Refused, answer_json, named, post

SERVICE = "短信网关"


def string_to_sign(fields: dict) -> str:
    return "&".join(f"{name}={fields[name]}" for name in sorted(fields) if name != "sign")


def signature(fields: dict, secret: str) -> str:
    return hmac.new(secret.encode(), string_to_sign(fields).encode(), hashlib.sha256).hexdigest()


def request_fields(config: ChannelConfig, message: Message, *, now: float | None = None, nonce: str = "") -> dict:
    fields = {
        "account": config.key_id,
        "mobile": message.address,
        "sign_name": config.sign_name,
        "template_id": config.template_for(message.kind),
        "params": json.dumps(named(message.params), ensure_ascii=False, sort_keys=True),
        "timestamp": str(int(now if now is not None else time.time())),
        "nonce": nonce or secrets.token_hex(8),
    }
    fields["sign"] = signature(fields, config.secret)
    return fields


class HttpSmsBackend:
    def __init__(self, config: ChannelConfig):
        self.config = config

    def send(self, message: Message) -> str:
        if not (self.config.webhook_url and self.config.secret):
            raise Refused("短信网关未配置地址或共享密钥")
        response = post(self.config.webhook_url, service=SERVICE, data=request_fields(self.config, message))
        data = answer_json(response, service=SERVICE)
        code, text = data.get("code"), str(data.get("message", ""))[:120]
        if str(code) == "0":
            return f"{SERVICE}发送成功" + (f"（{text}）" if text else "")
        raise Refused(f"{SERVICE}拒绝了消息：{text}", code=str(code))
