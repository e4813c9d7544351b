"""Aliyun SMS (dysmsapi 2017-05-25, SendSms) through the official SDK: PhoneNumbers, SignName,
TemplateCode and TemplateParam (JSON of the template's named parameters). The answer's Code is "OK"
or an error code such as isv.MOBILE_NUMBER_ILLEGAL."""

import json

from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi import models as openapi_models
from alibabacloud_tea_util import models as util_models

from .base import ChannelConfig, Message, Refused, Transient, named, split_endpoint, timeout

SERVICE = "阿里云短信"
DEFAULT_HOST = "dysmsapi.aliyuncs.com"
# Busy, throttled or failing on Aliyun's side: try again. Everything else (bad key, signature,
# template, number, balance) is final.
TRANSIENT_CODES = {
    "isp.SYSTEM_ERROR",
    "isp.RAM_PERMISSION_DENY_RETRY",
    "isv.BUSINESS_LIMIT_CONTROL",
    "ServiceUnavailable",
}
TRANSIENT_PREFIXES = ("Throttling", "InternalError", "ServiceUnavailable")


def _transient_code(code: str) -> bool:
    return code in TRANSIENT_CODES or code.startswith(TRANSIENT_PREFIXES)


def client(config: ChannelConfig) -> Client:
    scheme, host = split_endpoint(config.endpoint, DEFAULT_HOST)
    ms = int(timeout() * 1000)
    return Client(
        openapi_models.Config(
            access_key_id=config.key_id,
            access_key_secret=config.secret,
            endpoint=host,
            protocol=scheme,
            connect_timeout=ms,
            read_timeout=ms,
        )
    )


class AliyunSmsBackend:
    def __init__(self, config: ChannelConfig):
        self.config = config

    def send(self, message: Message) -> str:
        config = self.config
        if not (config.key_id and config.secret and config.sign_name):
            raise Refused("阿里云短信未配置 AccessKey 或短信签名")
        request = sms_models.SendSmsRequest(
            phone_numbers=message.address,
            sign_name=config.sign_name,
            template_code=config.template_for(message.kind),
            template_param=json.dumps(named(message.params), ensure_ascii=False),
        )
        ms = int(timeout() * 1000)
        runtime = util_models.RuntimeOptions(read_timeout=ms, connect_timeout=ms, autoretry=False)
        try:
            response = client(config).send_sms_with_options(request, runtime)
        except Exception as exc:  # the SDK's own exceptions: an HTTP error, a timeout, a bad answer
            raise self._error(exc) from None
        body = response.body
        if body.code == "OK":
            return f"{SERVICE}发送成功（BizId {body.biz_id}）"
        reason = f"{SERVICE}：{(body.message or '')[:120]}"
        raise (Transient if _transient_code(body.code or "") else Refused)(reason, code=body.code or "")

    @staticmethod
    def _error(exc: Exception):
        code = str(getattr(exc, "code", "") or "")
        status = getattr(exc, "status_code", None) or (getattr(exc, "data", None) or {}).get("statusCode")
        message = str(getattr(exc, "message", "") or "")[:120]
        if code and not (isinstance(status, int) and status >= 500) and not _transient_code(code):
            return Refused(f"{SERVICE}拒绝了请求：{message}", code=code)
        if code:
            return Transient(f"{SERVICE}暂时不可用：{message}", code=code)
        # No code: the request did not come back as an answer (timeout, connection, a 5xx page).
        text = str(exc).lower()
        if "timed out" in text or "timeout" in text:
            return Transient(f"{SERVICE}响应超时", code="timeout")
        return Transient(f"{SERVICE}暂时不可用或应答无法识别", code=f"HTTP {status}" if status else type(exc).__name__)
