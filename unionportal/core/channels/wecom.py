"""企业微信 group robot: POST {"msgtype": "text"|"markdown", ...} to the robot's webhook (its ``key``
is in the URL); the answer is {"errcode": 0, "errmsg": "ok"}."""

from .base import ChannelConfig, Message, Refused, Transient, answer_json, post

SERVICE = "企业微信"
# -1 system busy, 45009 the robot's 20-per-minute limit, 45033 too many concurrent calls: try again.
# Anything else (93000 invalid key, 93008 robot not in the group, 40008 bad message type…) is final.
TRANSIENT_ERRCODES = {-1, 45009, 45033}


def payload(config: ChannelConfig, message: Message) -> dict:
    content = f"{message.title}\n{message.body}" if message.title else message.body
    if config.markdown:
        return {"msgtype": "markdown", "markdown": {"content": f"**{message.title}**\n{message.body}"}}
    return {"msgtype": "text", "text": {"content": content}}


def judge(data: dict, *, service: str, transient_codes: set[int]) -> str:
    """The robot answered: "发送成功" for errcode 0, else Transient or Refused with its code."""
    errcode = data.get("errcode")
    errmsg = str(data.get("errmsg", ""))[:120]
    if errcode == 0:
        return f"{service}发送成功（errcode 0）"
    if errcode in transient_codes:
        raise Transient(f"{service}暂时无法发送：{errmsg}", code=f"errcode {errcode}")
    raise Refused(f"{service}拒绝了消息：{errmsg}", code=f"errcode {errcode}")


class WecomBackend:
    def __init__(self, config: ChannelConfig):
        self.config = config

    def send(self, message: Message) -> str:
        if not self.config.webhook_url:
            raise Refused("未配置企业微信机器人 Webhook 地址")
        response = post(self.config.webhook_url, service=SERVICE, json=payload(self.config, message))
        return judge(answer_json(response, service=SERVICE), service=SERVICE, transient_codes=TRANSIENT_ERRCODES)
