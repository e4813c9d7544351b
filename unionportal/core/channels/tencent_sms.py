"""Tencent Cloud SMS (sms 2021-01-11, SendSms) through the official SDK: PhoneNumberSet (+86…),
SmsSdkAppId, SignName, TemplateId and TemplateParamSet (the template's parameters in order). Each
number's answer in SendStatusSet has Code "Ok" or an error code."""

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from .base import ChannelConfig, Message, Refused, Transient, split_endpoint, timeout

SERVICE = "腾讯云短信"
DEFAULT_HOST = "sms.tencentcloudapi.com"
TRANSIENT_CODES = {
    "ClientNetworkError",
    "ServerNetworkError",
    "RequestLimitExceeded",
    "LimitExceeded.PhoneNumberThirtySecondLimit",
    "FailedOperation.InsufficientBalanceInSmsPackage",  # topped up by the county, then sent
}
TRANSIENT_PREFIXES = ("InternalError", "RequestLimitExceeded")


def _transient_code(code: str) -> bool:
    return code in TRANSIENT_CODES or code.startswith(TRANSIENT_PREFIXES)


def phone_e164(phone: str) -> str:
    return phone if phone.startswith("+") else f"+86{phone}"


def client(config: ChannelConfig) -> sms_client.SmsClient:
    scheme, host = split_endpoint(config.endpoint, DEFAULT_HOST)
    http = HttpProfile(endpoint=host, protocol=scheme, reqTimeout=timeout())
    cred = credential.Credential(config.key_id, config.secret)
    return sms_client.SmsClient(cred, config.region or "ap-guangzhou", ClientProfile(httpProfile=http))


class TencentSmsBackend:
    def __init__(self, config: ChannelConfig):
        self.config = config

    def send(self, message: Message) -> str:
        config = self.config
        if not (config.key_id and config.secret and config.app_id and config.sign_name):
            raise Refused("腾讯云短信未配置 SecretId/SecretKey、SmsSdkAppId 或短信签名")
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [phone_e164(message.address)]
        request.SmsSdkAppId = config.app_id
        request.SignName = config.sign_name
        request.TemplateId = config.template_for(message.kind)
        request.TemplateParamSet = [str(value) for _, value in (message.params or [])]
        try:
            response = client(config).SendSms(request)
        except TencentCloudSDKException as exc:
            code, text = exc.get_code() or "", str(exc.get_message() or "")[:120]
            if code in ("ClientNetworkError", "ServerNetworkError"):
                text = "响应超时或无法连接" if code == "ClientNetworkError" else "暂时不可用"
            raise (Transient if _transient_code(code) else Refused)(f"{SERVICE}：{text}", code=code) from None
        statuses = response.SendStatusSet or []
        if not statuses:
            raise Transient(f"{SERVICE}的应答无法识别", code="SendStatusSet")
        status = statuses[0]
        if status.Code == "Ok":
            return f"{SERVICE}发送成功（SerialNo {status.SerialNo}）"
        reason = f"{SERVICE}：{(status.Message or '')[:120]}"
        raise (Transient if _transient_code(status.Code or "") else Refused)(reason, code=status.Code or "")
