"""Each channel backend against a local fake of its gateway: what it sends (the JSON, DingTalk's
signature, each SDK's request, the generic gateway's HMAC) and how it sorts the answers into
transient (tried again) and refused (final)."""

import json
from types import SimpleNamespace

import pytest

from tests.core import fake_gateways
from tests.core.fake_gateways import (
    DING_SECRET,
    GATEWAY_SECRET,
    FakeAliyun,
    FakeDingtalk,
    FakeHttpGateway,
    FakeTencent,
    FakeWecom,
)
from unionportal.core import channels, outbox
from unionportal.core.channels import ChannelConfig, Refused, Transient, dingtalk, http_sms
from unionportal.core.masking import mask_secret, mask_url


@pytest.fixture(autouse=True)
def short_timeout(settings):
    settings.CHANNEL_TIMEOUT_SECONDS = 0.3


@pytest.fixture
def httpserver():
    with fake_gateways.serving() as server:
        yield server


def group_message(body="3月1日 10:00，东坎街道有一条新的突发信息（群体性事件），请尽快登录平台查看处置：http://x/r/1/"):
    return SimpleNamespace(kind="alert", title="【信息员工作平台】突发信息提醒", body=body, address="值班群", params=[])


def sms_message(phone="13815110004"):
    return SimpleNamespace(
        kind="reminder",
        title="信息报送提醒",
        body="free text the gateways never get",
        address=phone,
        params=[["month", "2026年11月"], ["done", "0"], ["quota", "1"]],
    )


def tc_error(code, message):
    return {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": "r"}}


def tc_status(code, message):
    return {"Response": {"SendStatusSet": [{"Code": code, "Message": message, "SerialNo": ""}], "RequestId": "r"}}


WECOM_45009 = "企业微信暂时无法发送：api freq out of limit（errcode 45009）"
WECOM_93000 = "企业微信拒绝了消息：invalid webhook url（errcode 93000）"


def sdk_config(kind, url, **extra):
    base = {
        "aliyun_sms": {"key_id": "LTAIkeyid", "secret": "aliyun-secret", "sign_name": "东台市总工会"},
        "tencent_sms": {
            "key_id": "AKIDsecretid",
            "secret": "tencent-key",
            "app_id": "1400006666",
            "sign_name": "东台市总工会",
        },
    }[kind]
    return ChannelConfig(kind=kind, endpoint=url.rstrip("/"), templates={"reminder": "SMS_4711"}, **base | extra)


class TestWecom:
    def test_posts_the_text_and_reads_errcode_0(self, httpserver):
        fake = FakeWecom(httpserver, "/cgi-bin/webhook/send")
        config = ChannelConfig(kind="wecom", webhook_url=f"{fake.url}?key=abcd-1234")
        answer = channels.backend_for(config).send(group_message())
        assert answer == "企业微信发送成功（errcode 0）"
        [seen] = fake.requests
        assert seen["args"] == {"key": "abcd-1234"}
        assert json.loads(seen["body"]) == {
            "msgtype": "text",
            "text": {"content": "【信息员工作平台】突发信息提醒\n" + group_message().body},
        }

    def test_markdown(self, httpserver):
        fake = FakeWecom(httpserver, "/send")
        channels.backend_for(ChannelConfig(kind="wecom", webhook_url=fake.url, markdown=True)).send(group_message())
        assert json.loads(fake.requests[0]["body"])["msgtype"] == "markdown"

    @pytest.mark.parametrize(
        ("answer", "error", "text"),
        [
            ({"errcode": 45009, "errmsg": "api freq out of limit"}, Transient, WECOM_45009),
            ({"errcode": -1, "errmsg": "system busy"}, Transient, "企业微信暂时无法发送：system busy（errcode -1）"),
            ({"errcode": 93000, "errmsg": "invalid webhook url"}, Refused, WECOM_93000),
            ("500", Transient, "企业微信暂时不可用（HTTP 500）"),
            ("slow", Transient, "企业微信响应超时（timeout）"),
        ],
    )
    def test_answers_sorted_by_its_retry_rule(self, httpserver, answer, error, text):
        fake = FakeWecom(httpserver, "/send", plan=[answer])
        config = ChannelConfig(kind="wecom", webhook_url=f"{fake.url}?key=topsecret")
        with pytest.raises(error) as caught:
            channels.backend_for(config).send(group_message())
        assert str(caught.value) == text
        assert "topsecret" not in repr(caught.value)
        assert outbox.is_transient(caught.value) is (error is Transient)

    def test_a_refused_connection_is_transient_and_names_no_key(self):
        config = ChannelConfig(kind="wecom", webhook_url="http://127.0.0.1:9/send?key=topsecret")
        with pytest.raises(Transient) as caught:
            channels.backend_for(config).send(group_message())
        assert "topsecret" not in repr(caught.value) and str(caught.value).startswith("无法连接企业微信")


class TestDingtalk:
    def test_signed_request_is_accepted_by_the_fake(self, httpserver):
        fake = FakeDingtalk(httpserver, "/robot/send")
        config = ChannelConfig(kind="dingtalk", webhook_url=f"{fake.url}?access_token=tok", secret=DING_SECRET)
        assert channels.backend_for(config).send(group_message()) == "钉钉发送成功（errcode 0）"
        [seen] = fake.requests
        assert seen["args"]["access_token"] == "tok" and {"timestamp", "sign"} <= set(seen["args"])
        assert json.loads(seen["body"])["text"]["content"].endswith(group_message().body)

    def test_a_wrong_secret_is_refused(self, httpserver):
        fake = FakeDingtalk(httpserver, "/robot/send")
        config = ChannelConfig(kind="dingtalk", webhook_url=f"{fake.url}?access_token=tok", secret="SECwrong")
        with pytest.raises(Refused, match="sign not match"):
            channels.backend_for(config).send(group_message())

    def test_the_signature_by_hand(self):
        # DingTalk's documented example: the base64 is urlencoded ("+" "/" "=" escaped).
        signed = dingtalk.signed_url("https://oapi.dingtalk.com/robot/send?access_token=t", "SECabc", 1700000000000)
        assert signed.startswith("https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign=")
        assert "+" not in signed.split("sign=")[1] and signed.split("sign=")[1].endswith("%3D")
        assert dingtalk.signed_url("https://x/send?access_token=t", "") == "https://x/send?access_token=t"

    def test_rate_limit_is_transient(self, httpserver):
        fake = FakeDingtalk(httpserver, "/robot/send", plan=[{"errcode": 130101, "errmsg": "send too fast"}])
        with pytest.raises(Transient, match="130101"):
            channels.backend_for(ChannelConfig(kind="dingtalk", webhook_url=fake.url)).send(group_message())


class TestAliyunSms:
    def test_the_sdk_request(self, httpserver):
        fake = FakeAliyun(httpserver, "/")
        answer = channels.backend_for(sdk_config("aliyun_sms", f"http://127.0.0.1:{httpserver.port}")).send(
            sms_message()
        )
        assert answer == "阿里云短信发送成功（BizId 900619746936498440^0）"
        [seen] = fake.requests
        assert seen["headers"]["x-acs-action"] == "SendSms"
        assert "Signature=" in seen["headers"]["authorization"]
        assert seen["args"]["PhoneNumbers"] == "13815110004"
        assert seen["args"]["SignName"] == "东台市总工会"
        assert seen["args"]["TemplateCode"] == "SMS_4711"
        assert json.loads(seen["args"]["TemplateParam"]) == {"month": "2026年11月", "done": "0", "quota": "1"}
        assert "aliyun-secret" not in json.dumps(seen)

    @pytest.mark.parametrize(
        ("answer", "error", "text"),
        [
            (
                {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"},
                Refused,
                "阿里云短信：非法手机号（isv.MOBILE_NUMBER_ILLEGAL）",
            ),
            (
                {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控"},
                Transient,
                "阿里云短信：触发流控（isv.BUSINESS_LIMIT_CONTROL）",
            ),
            ("500", Transient, None),
            ("slow", Transient, "阿里云短信响应超时（timeout）"),
        ],
    )
    def test_answers(self, httpserver, answer, error, text):
        FakeAliyun(httpserver, "/", plan=[answer])
        with pytest.raises(error) as caught:
            channels.backend_for(sdk_config("aliyun_sms", f"http://127.0.0.1:{httpserver.port}")).send(sms_message())
        assert text is None or str(caught.value) == text

    def test_a_bad_key_is_refused(self, httpserver):
        FakeAliyun(httpserver, "/")
        config = sdk_config("aliyun_sms", f"http://127.0.0.1:{httpserver.port}", key_id="LTAIother")
        with pytest.raises(Refused, match="SignatureDoesNotMatch"):
            channels.backend_for(config).send(sms_message())

    def test_no_template_for_the_kind_is_refused_before_any_request(self, httpserver):
        fake = FakeAliyun(httpserver, "/")
        config = sdk_config("aliyun_sms", f"http://127.0.0.1:{httpserver.port}")
        with pytest.raises(Refused) as refused:
            channels.backend_for(config).send(SimpleNamespace(**vars(sms_message()) | {"kind": "alert"}))
        assert (
            str(refused.value)
            == "未配置“突发信息提醒”类消息的短信模板编号，请在消息渠道设置中填写在短信平台登记的模板编号"
        )
        assert fake.requests == []


def test_a_gateway_set_up_before_commissions_names_the_missing_template():
    config = ChannelConfig(kind="aliyun_sms", name="县总工会短信", templates={"reminder": "SMS_1001"})
    assert config.template_for("reminder") == "SMS_1001"
    with pytest.raises(Refused) as refused:
        config.template_for("commission")
    assert (
        refused.value.reason == "未配置“约稿通知”类消息的短信模板编号，请在消息渠道设置中填写在短信平台登记的模板编号"
    )


class TestTencentSms:
    def test_the_sdk_request(self, httpserver):
        fake = FakeTencent(httpserver, "/")
        answer = channels.backend_for(sdk_config("tencent_sms", f"http://127.0.0.1:{httpserver.port}")).send(
            sms_message()
        )
        assert answer == "腾讯云短信发送成功（SerialNo 2640:1）"
        [seen] = fake.requests
        assert seen["headers"]["x-tc-action"] == "SendSms"
        assert seen["headers"]["x-tc-region"] == "ap-guangzhou"
        assert "Signature=" in seen["headers"]["authorization"]
        assert json.loads(seen["body"]) == {
            "PhoneNumberSet": ["+8613815110004"],
            "SmsSdkAppId": "1400006666",
            "SignName": "东台市总工会",
            "TemplateId": "SMS_4711",
            "TemplateParamSet": ["2026年11月", "0", "1"],
        }

    @pytest.mark.parametrize(
        ("answer", "error", "code"),
        [
            (tc_error("AuthFailure.SecretIdNotFound", "密钥不存在"), Refused, "AuthFailure.SecretIdNotFound"),
            (tc_error("InternalError.Timeout", "超时"), Transient, "InternalError.Timeout"),
            (tc_status("InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误"), Refused, None),
            (tc_status("LimitExceeded.PhoneNumberThirtySecondLimit", "30秒内限制"), Transient, None),
            ("500", Transient, "ServerNetworkError"),
            ("slow", Transient, "ClientNetworkError"),
        ],
    )
    def test_answers(self, httpserver, answer, error, code):
        FakeTencent(httpserver, "/", plan=[answer])
        with pytest.raises(error) as caught:
            channels.backend_for(sdk_config("tencent_sms", f"http://127.0.0.1:{httpserver.port}")).send(sms_message())
        expected = {
            "AuthFailure.SecretIdNotFound": "腾讯云短信：密钥不存在（AuthFailure.SecretIdNotFound）",
            "InternalError.Timeout": "腾讯云短信：超时（InternalError.Timeout）",
            "ServerNetworkError": "腾讯云短信：暂时不可用（ServerNetworkError）",
            "ClientNetworkError": "腾讯云短信：响应超时或无法连接（ClientNetworkError）",
            None: "腾讯云短信：" + (answer["Response"]["SendStatusSet"][0]["Message"] if code is None else ""),
        }[code]
        assert str(caught.value).startswith(expected)


class TestHttpGateway:
    def config(self, url, secret=GATEWAY_SECRET):
        return ChannelConfig(
            kind="http_sms",
            webhook_url=url,
            key_id="dtzgh",
            secret=secret,
            sign_name="东台市总工会",
            templates={"reminder": "T1001"},
        )

    def test_the_signed_form(self, httpserver):
        fake = FakeHttpGateway(httpserver, "/sms/send")
        assert channels.backend_for(self.config(fake.url)).send(sms_message()) == "短信网关发送成功（提交成功）"
        [seen] = fake.requests
        form = seen["form"]
        assert (form["account"], form["mobile"], form["template_id"], form["sign_name"]) == (
            "dtzgh",
            "13815110004",
            "T1001",
            "东台市总工会",
        )
        assert json.loads(form["params"]) == {"done": "0", "month": "2026年11月", "quota": "1"}
        assert len(form["sign"]) == 64 and GATEWAY_SECRET not in json.dumps(seen)

    def test_a_wrong_secret_is_refused(self, httpserver):
        fake = FakeHttpGateway(httpserver, "/sms/send")
        with pytest.raises(Refused, match="签名校验失败"):
            channels.backend_for(self.config(fake.url, secret="wrong")).send(sms_message())

    def test_the_string_to_sign(self):
        assert http_sms.string_to_sign({"b": "2", "a": "1", "sign": "x"}) == "a=1&b=2"

    @pytest.mark.parametrize(("answer", "error"), [("500", Transient), ("slow", Transient)])
    def test_outages_are_transient(self, httpserver, answer, error):
        fake = FakeHttpGateway(httpserver, "/sms/send", plan=[answer])
        with pytest.raises(error):
            channels.backend_for(self.config(fake.url)).send(sms_message())


@pytest.mark.parametrize(
    ("error", "transient"),
    [(Transient("x"), True), (Refused("x"), False), (OSError("reset"), True), (ValueError("bad"), False)],
)
def test_the_one_rule_knows_the_channels(error, transient):
    assert outbox.is_transient(error) is transient


def test_an_unknown_kind_or_a_missing_loader_is_refused():
    with pytest.raises(Refused, match="未知的渠道类型"):
        channels.backend_for(ChannelConfig(kind="fax"))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("", ""),
        ("short", "••••"),
        ("LTAI5tAbCdEfGh1234", "••••1234"),
    ],
)
def test_mask_secret(value, shown):
    assert mask_secret(value) == shown


def test_mask_url():
    assert mask_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa") == (
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=••••5aaa"
    )
    assert mask_url("https://sms.example.cn/api") == "https://sms.example.cn/api"
