"""通知渠道 pages: a county admin configures their county's channels (secrets never shown back),
sends a test message through each and sees its deliveries; reviewers, officers and another county's
admin are refused."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from officers.channels.models import ChannelSetting
from tests.core import fake_gateways
from tests.core.fake_gateways import FakeAliyun, FakeWecom
from tests.factories import AdminFactory, OfficerFactory, ReviewerFactory
from unionportal.core.models import AuditEntry, OutboxMessage

pytestmark = pytest.mark.django_db

WEBHOOK_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


@pytest.fixture
def httpserver():
    with fake_gateways.serving() as server:
        yield server


@pytest.fixture
def admin_user(county):
    return AdminFactory(county=county)


@pytest.fixture
def wecom(county):
    return ChannelSetting.objects.create(
        county=county,
        kind="wecom",
        name="县总工会值班群",
        webhook_url=f"http://127.0.0.1:9/cgi-bin/webhook/send?key={WEBHOOK_KEY}",
        for_alerts=True,
    )


@pytest.fixture
def aliyun(county):
    return ChannelSetting.objects.create(
        county=county,
        kind="aliyun_sms",
        name="县总工会短信",
        key_id="LTAIkeyid",
        secret="aliyun-secret-0123456789",
        sign_name="东台市总工会",
        reminder_template="SMS_4711",
        commission_template="SMS_4713",
        for_reminders=True,
    )


def form_data(**overrides):
    base = {
        "kind": "wecom",
        "name": "应急值班群",
        "enabled": "on",
        "for_alerts": "on",
        "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd-efgh-1234",
        "key_id": "",
        "secret": "",
        "app_id": "",
        "region": "",
        "endpoint": "",
        "sign_name": "",
        "reminder_template": "",
        "commission_template": "",
    }
    return {k: v for k, v in (base | overrides).items() if v is not None}


class TestWhoMaySee:
    def test_admin_sees_their_countys_channels_masked(self, client, admin_user, wecom, aliyun, other_county):
        ChannelSetting.objects.create(county=other_county, kind="wecom", name="外县群", webhook_url="https://x/y")
        client.force_login(admin_user)
        page = client.get(reverse("officers:channels")).content.decode()
        assert "县总工会值班群" in page and "县总工会短信" in page and "外县群" not in page
        detail = client.get(reverse("officers:channel", args=[aliyun.pk])).content.decode()
        assert "aliyun-secret-0123456789" not in detail and "••••6789" in detail
        detail = client.get(reverse("officers:channel", args=[wecom.pk])).content.decode()
        assert WEBHOOK_KEY not in detail and "key=••••5aaa" in detail
        edit = client.get(reverse("officers:channel_edit", args=[aliyun.pk])).content.decode()
        assert "aliyun-secret-0123456789" not in edit and "LTAIkeyid" not in edit and "已设置：••••" in edit

    @pytest.mark.parametrize("who", ["reviewer", "officer"])
    def test_reviewers_and_officers_are_refused(self, client, county, wecom, who):
        user = ReviewerFactory(county=county) if who == "reviewer" else OfficerFactory(county=county).user
        client.force_login(user)
        for url in (
            reverse("officers:channels"),
            reverse("officers:channel", args=[wecom.pk]),
            reverse("officers:channel_edit", args=[wecom.pk]),
            reverse("officers:channel_create"),
        ):
            response = client.get(url)
            assert response.status_code == 403
            assert "只有县总工会管理员可以进行此操作" in response.content.decode()
        assert client.post(reverse("officers:channel_test", args=[wecom.pk])).status_code == 403
        assert AuditEntry.objects.count() == 0

    def test_another_countys_admin_finds_nothing(self, client, other_county, wecom):
        client.force_login(AdminFactory(county=other_county))
        assert client.get(reverse("officers:channel", args=[wecom.pk])).status_code == 404
        assert client.get(reverse("officers:channel_edit", args=[wecom.pk])).status_code == 404
        assert client.post(reverse("officers:channel_edit", args=[wecom.pk]), form_data()).status_code == 404
        assert client.post(reverse("officers:channel_test", args=[wecom.pk])).status_code == 404
        wecom.refresh_from_db()
        assert wecom.name == "县总工会值班群" and AuditEntry.objects.count() == 0

    def test_signed_out_goes_to_login(self, client, wecom):
        response = client.get(reverse("officers:channels"))
        assert response.status_code == 302 and reverse("login") in response.url


class TestSaving:
    def test_create_writes_the_channel_and_an_audit_row(self, client, admin_user, county):
        client.force_login(admin_user)
        response = client.post(reverse("officers:channel_create"), form_data())
        channel = ChannelSetting.objects.get()
        assert response.status_code == 302 and response.url == reverse("officers:channel", args=[channel.pk])
        assert (channel.county, channel.kind, channel.for_alerts, channel.enabled) == (county, "wecom", True, True)
        entry = AuditEntry.objects.get()
        assert (entry.action, entry.county_id, entry.target) == (
            "change_channel",
            county.pk,
            "应急值班群（企业微信群机器人，启用）",
        )

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"webhook_url": ""}, "请填写Webhook / 网关地址"),
            ({"webhook_url": "ftp://x"}, "地址应以 https:// 开头"),
            ({"kind": "aliyun_sms", "for_alerts": None, "webhook_url": ""}, "请填写短信签名"),
            (
                {
                    "kind": "tencent_sms",
                    "for_alerts": None,
                    "for_reminders": "on",
                    "key_id": "a",
                    "secret": "b",
                    "app_id": "1",
                    "sign_name": "s",
                },
                "发送报送提醒短信须填写在短信平台登记的模板编号",
            ),
            ({"for_reminders": "on"}, "群机器人不能发送信息员的提醒短信"),
            (
                {"kind": "aliyun_sms", "for_alerts": None, "for_digests": "on", "key_id": "a", "secret": "b"}
                | {"sign_name": "s", "webhook_url": ""},
                "每日待审核汇总发往工作群，请在群机器人渠道勾选",
            ),
        ],
    )
    def test_bad_settings_write_nothing(self, client, admin_user, overrides, message):
        client.force_login(admin_user)
        response = client.post(reverse("officers:channel_create"), form_data(**overrides))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert ChannelSetting.objects.count() == 0 and AuditEntry.objects.count() == 0

    def test_a_blank_secret_keeps_the_stored_one(self, client, admin_user, aliyun):
        client.force_login(admin_user)
        data = form_data(
            kind="aliyun_sms",
            name="县总工会短信（新）",
            for_alerts=None,
            for_reminders="on",
            webhook_url="",
            sign_name="东台市总工会",
            reminder_template="SMS_4712",
            commission_template="SMS_4713",
        )
        response = client.post(reverse("officers:channel_edit", args=[aliyun.pk]), data)
        assert response.status_code == 302
        aliyun.refresh_from_db()
        assert (aliyun.name, aliyun.secret, aliyun.key_id, aliyun.reminder_template) == (
            "县总工会短信（新）",
            "aliyun-secret-0123456789",
            "LTAIkeyid",
            "SMS_4712",
        )

    def test_one_reminder_gateway_per_county(self, client, admin_user, aliyun):
        client.force_login(admin_user)
        data = form_data(
            kind="http_sms",
            name="政务短信平台",
            for_alerts=None,
            for_reminders="on",
            webhook_url="https://sms.gov/api",
            secret="s3cret",
            reminder_template="T1",
            commission_template="T2",
        )
        response = client.post(reverse("officers:channel_create"), data)
        assert "本县区已有启用的报送提醒短信网关，请先停用它或取消勾选" in response.content.decode()
        assert ChannelSetting.objects.count() == 1


class TestTestButton:
    def test_a_group_robot_answers_ok(self, client, admin_user, httpserver, wecom):
        fake = FakeWecom(httpserver, "/cgi-bin/webhook/send")
        ChannelSetting.objects.filter(pk=wecom.pk).update(webhook_url=f"{fake.url}?key={WEBHOOK_KEY}")
        client.force_login(admin_user)
        response = client.post(reverse("officers:channel_test", args=[wecom.pk]), follow=True)
        page = response.content.decode()
        assert "测试消息已发送：企业微信发送成功（errcode 0）" in page
        [seen] = fake.requests
        assert "测试消息" in json.loads(seen["body"])["text"]["content"]
        entry = AuditEntry.objects.get(action="test_channel")
        assert (entry.actor, entry.county_id, entry.target) == (
            admin_user,
            wecom.county_id,
            "县总工会值班群：成功，企业微信发送成功（errcode 0）",
        )
        assert OutboxMessage.objects.count() == 0

    def test_a_refusal_shows_the_code_and_reason(self, client, admin_user, httpserver, wecom):
        fake = FakeWecom(httpserver, "/send", plan=[{"errcode": 93000, "errmsg": "invalid webhook url"}])
        ChannelSetting.objects.filter(pk=wecom.pk).update(webhook_url=fake.url)
        client.force_login(admin_user)
        page = client.post(reverse("officers:channel_test", args=[wecom.pk]), follow=True).content.decode()
        assert "测试消息发送失败：企业微信拒绝了消息：invalid webhook url（errcode 93000）" in page
        assert AuditEntry.objects.get(action="test_channel").target.startswith("县总工会值班群：失败")

    def test_an_sms_gateway_needs_a_phone_then_sends_its_template(self, client, admin_user, httpserver, aliyun):
        fake = FakeAliyun(httpserver, "/")
        ChannelSetting.objects.filter(pk=aliyun.pk).update(
            endpoint=f"http://127.0.0.1:{httpserver.port}", secret="aliyun-secret-0123456789"
        )
        client.force_login(admin_user)
        page = client.post(reverse("officers:channel_test", args=[aliyun.pk]), follow=True).content.decode()
        assert "请填写接收测试短信的手机号" in page and fake.requests == []
        page = client.post(
            reverse("officers:channel_test", args=[aliyun.pk]), {"phone": "1381511000"}, follow=True
        ).content.decode()
        assert "手机号格式不正确" in page and fake.requests == []
        page = client.post(
            reverse("officers:channel_test", args=[aliyun.pk]), {"phone": "13815110009"}, follow=True
        ).content.decode()
        assert "测试消息已发送：阿里云短信发送成功（BizId 900619746936498440^0）" in page
        [seen] = fake.requests
        assert (seen["args"]["PhoneNumbers"], seen["args"]["TemplateCode"]) == ("13815110009", "SMS_4711")


def test_the_delivery_status_of_a_channel(client, admin_user, wecom):
    OutboxMessage.objects.create(
        key="alert:1:channel:1",
        kind="alert",
        channel="wecom",
        channel_setting=wecom,
        address=wecom.name,
        title="t",
        state="failed",
        attempts=8,
        last_error="暂时失败：企业微信暂时不可用（HTTP 500）",
    )
    client.force_login(admin_user)
    page = client.get(reverse("officers:channel", args=[wecom.pk])).content.decode()
    assert '发送失败 <span class="text-danger">1</span> 条' in page
    assert "暂时失败：企业微信暂时不可用（HTTP 500）" in page and "突发信息提醒" in page
    listing = client.get(reverse("officers:channels")).content.decode()
    assert '<span class="text-danger">1</span>' in listing


def test_the_stored_address_is_escaped_in_the_form(client, admin_user, county):
    channel = ChannelSetting.objects.create(
        county=county, kind="wecom", name="群", webhook_url="https://x/send?key=<script>alert(1)</script>"
    )
    client.force_login(admin_user)
    page = client.get(reverse("officers:channel_edit", args=[channel.pk])).content.decode()
    assert "<script>alert(1)" not in page and "key=••••ipt&gt;" in page


def test_the_digest_flag_on_the_form_and_the_pages(client, admin_user, county):
    client.force_login(admin_user)
    assert "接收每日待审核汇总" in client.get(reverse("officers:channel_create")).content.decode()
    client.post(reverse("officers:channel_create"), form_data(for_digests="on"))
    channel = ChannelSetting.objects.get()
    assert (channel.for_alerts, channel.for_digests) == (True, True)
    for url in (reverse("officers:channels"), reverse("officers:channel", args=[channel.pk])):
        assert "突发信息提醒、每日待审核汇总" in client.get(url).content.decode()


def test_the_supervision_flag_on_the_form_and_only_for_groups(client, admin_user, county):
    client.force_login(admin_user)
    assert "接收红色督办提醒" in client.get(reverse("officers:channel_create")).content.decode()
    client.post(reverse("officers:channel_create"), form_data(for_supervision="on"))
    channel = ChannelSetting.objects.get()
    assert (channel.for_alerts, channel.for_supervision) == (True, True)
    assert "突发信息提醒、红色督办提醒" in client.get(reverse("officers:channels")).content.decode()
    sms = ChannelSetting(
        county=county, kind="http_sms", name="短信", webhook_url="https://sms.gov/api", secret="s", for_supervision=True
    )
    with pytest.raises(ValidationError) as caught:
        sms.full_clean()
    assert caught.value.message_dict["for_supervision"] == ["红色督办提醒发往工作群，请在群机器人渠道勾选"]
