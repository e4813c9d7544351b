"""The channels behind the one outbox: an emergency alert reaches the county's work-chat groups (a
short text and a link, no content, no name), an officer's reminder goes through the county's SMS
gateway, and a gateway that answers 500 or times out is retried, then failed with the reason after
the cap, never sent twice (the fake servers count the requests)."""

import json
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.db import IntegrityError, transaction

from officers.channels.models import ChannelSetting
from reports import reminders, services
from reports.services.alerts import alerts_record
from tests.core import fake_gateways
from tests.core.fake_gateways import DING_SECRET, FakeAliyun, FakeDingtalk, FakeWecom
from tests.factories import EMERGENCY_ESSENTIALS, OfficerFactory
from tests.reports.test_services import NOW, data
from tests.sms import CapturingBackend
from unionportal.core import outbox
from unionportal.core import tasks as core_tasks
from unionportal.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def short_timeout(settings):
    settings.CHANNEL_TIMEOUT_SECONDS = 0.3


@pytest.fixture
def httpserver():
    with fake_gateways.serving() as server:
        yield server


def group(county, kind, url, **extra):
    extra = {"name": f"{kind}值班群", "for_alerts": True} | extra
    return ChannelSetting.objects.create(county=county, kind=kind, webhook_url=url, **extra)


def emergency(officer):
    return services.report_save(
        officer=officer,
        data=data(
            **EMERGENCY_ESSENTIALS,
            urgency="emergency",
            occurred_at=NOW - timedelta(minutes=5),
            township=officer.township,
        ),
        submit=True,
        now=NOW,
    )


class TestAlertsToGroups:
    def test_one_message_per_enabled_alert_group_with_no_content_and_no_name(
        self, httpserver, county, other_county, officer, reviewer
    ):
        wecom = FakeWecom(httpserver, "/wecom")
        ding = FakeDingtalk(httpserver, "/ding")
        group(county, "wecom", f"{wecom.url}?key=k1")
        group(county, "dingtalk", f"{ding.url}?access_token=t1", secret=DING_SECRET)
        group(county, "wecom", wecom.url, name="停用的群", enabled=False)
        group(county, "wecom", wecom.url, name="不收突发的群", for_alerts=False)
        group(other_county, "wecom", wecom.url, name="外县群")
        report = emergency(officer)
        messages = OutboxMessage.objects.filter(channel__in=["wecom", "dingtalk"]).order_by("channel")
        assert [(m.channel, m.address, m.urgent, m.recipient_id) for m in messages] == [
            ("dingtalk", "dingtalk值班群", True, None),
            ("wecom", "wecom值班群", True, None),
        ]
        for message in messages:
            assert outbox.deliver(message_id=message.pk) is True
        contents = [json.loads(r["body"])["text"]["content"] for r in wecom.requests + ding.requests]
        assert len(contents) == 2
        for content in contents:
            assert f"/reports/{report.pk}/" in content and "突发信息" in content and "群体性" in content
            assert officer.name not in content
            assert report.title not in content and report.content[:6] not in content
        assert set(OutboxMessage.objects.filter(channel__in=["wecom", "dingtalk"]).values_list("state", flat=True)) == {
            "sent"
        }

    def test_saved_twice_written_once(self, httpserver, county, officer, reviewer):
        group(county, "wecom", "http://127.0.0.1:9/never")
        report = emergency(officer)
        alerts_record(report=report)  # a retried job writes the same alerts again
        assert OutboxMessage.objects.filter(channel="wecom").count() == 1


class TestRetries:
    def alert_message(self, httpserver, county, officer, plan):
        fake = FakeWecom(httpserver, "/wecom", plan=plan)
        group(county, "wecom", f"{fake.url}?key=k1")
        emergency(officer)
        return fake, OutboxMessage.objects.get(channel="wecom")

    @pytest.mark.parametrize(
        ("answer", "reason"),
        [("500", "暂时失败：企业微信暂时不可用（HTTP 500）"), ("slow", "暂时失败：企业微信响应超时（timeout）")],
    )
    def test_retried_then_failed_with_the_reason_never_sent_twice(
        self, httpserver, county, officer, reviewer, answer, reason
    ):
        fake, message = self.alert_message(httpserver, county, officer, [answer])
        for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
            with pytest.raises(Exception, match="企业微信"):
                outbox.deliver(message_id=message.pk)
            message.refresh_from_db()
            expected_state = "failed" if attempt == outbox.MAX_ATTEMPTS else "pending"
            assert (message.state, message.attempts, message.last_error) == (expected_state, attempt, reason)
        assert len(fake.requests) == outbox.MAX_ATTEMPTS
        assert outbox.deliver(message_id=message.pk) is False  # failed is final: nothing more goes out
        assert len(fake.requests) == outbox.MAX_ATTEMPTS

    def test_a_retry_after_an_outage_sends_once(self, httpserver, county, officer, reviewer):
        fake, message = self.alert_message(httpserver, county, officer, ["500", "ok"])
        with pytest.raises(Retry):  # run eagerly, the retry Celery would queue shows as this exception
            core_tasks.deliver_message.apply(args=[message.pk], throw=True)
        message.refresh_from_db()
        assert (message.state, message.attempts) == ("pending", 1)
        assert core_tasks.deliver_message.apply(args=[message.pk], throw=True).get() is True
        assert core_tasks.deliver_message.apply(args=[message.pk], throw=True).get() is False  # a duplicate task
        message.refresh_from_db()
        assert (message.state, message.attempts, len(fake.requests)) == ("sent", 2, 2)

    def test_a_refusal_is_final_at_once(self, httpserver, county, officer, reviewer):
        answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
        fake, message = self.alert_message(httpserver, county, officer, [answer])
        with pytest.raises(Exception, match="93000"):
            outbox.deliver(message_id=message.pk)
        message.refresh_from_db()
        assert (message.state, message.attempts, len(fake.requests)) == ("failed", 1, 1)
        assert message.last_error == "被拒绝：企业微信拒绝了消息：invalid webhook url（errcode 93000）"

    def test_a_channel_disabled_meanwhile_refuses(self, httpserver, county, officer, reviewer):
        fake, message = self.alert_message(httpserver, county, officer, ["ok"])
        ChannelSetting.objects.update(enabled=False)
        with pytest.raises(Exception, match="渠道配置不存在或已停用"):
            outbox.deliver(message_id=message.pk)
        message.refresh_from_db()
        assert (message.state, fake.requests) == ("failed", [])


class TestRemindersThroughTheCountyGateway:
    def gateway(self, county, port, **extra):
        return ChannelSetting.objects.create(
            county=county,
            kind="aliyun_sms",
            name="县总工会短信",
            key_id="LTAIkeyid",
            secret="aliyun-secret",
            sign_name="东台市总工会",
            endpoint=f"http://127.0.0.1:{port}",
            reminder_template="SMS_4711",
            for_reminders=True,
            **extra,
        )

    def test_the_template_and_its_parameters_go_to_the_gateway(self, httpserver, county):
        CapturingBackend.sent.clear()
        fake = FakeAliyun(httpserver, "/")
        gateway = self.gateway(county, httpserver.port)
        officer = OfficerFactory(county=county, phone="13815110004")
        month = reminders.current_month()
        assert reminders.remind_officer(officer_id=officer.pk, month=month, kind="quota_20") is True
        sms = OutboxMessage.objects.get(channel="sms")
        assert (sms.state, sms.channel_setting_id, sms.address) == ("sent", gateway.pk, "13815110004")
        [seen] = fake.requests
        assert seen["args"]["TemplateCode"] == "SMS_4711"
        assert json.loads(seen["args"]["TemplateParam"]) == {
            "month": f"{month.year}年{month.month}月",
            "done": "0",
            "quota": "1",
        }
        assert CapturingBackend.sent == []  # not the site's default backend
        # Again: nothing new is written or sent.
        assert reminders.remind_officer(officer_id=officer.pk, month=month, kind="quota_20") is False
        assert len(fake.requests) == 1

    def test_a_gateway_down_leaves_the_sms_pending_then_sends_it_once(self, httpserver, county):
        fake = FakeAliyun(httpserver, "/", plan=["500", "ok"])
        self.gateway(county, httpserver.port)
        officer = OfficerFactory(county=county, phone="13815110004")
        month = reminders.current_month()
        with pytest.raises(reminders.SendLater):
            reminders.remind_officer(officer_id=officer.pk, month=month, kind="quota_20")
        sms = OutboxMessage.objects.get(channel="sms")
        assert (sms.state, sms.attempts) == ("pending", 1)
        reminders.remind_officer(officer_id=officer.pk, month=month, kind="quota_20")  # the task's retry
        sms.refresh_from_db()
        assert (sms.state, sms.attempts, len(fake.requests)) == ("sent", 2, 2)

    def test_a_commission_goes_out_with_its_own_template(self, httpserver, county, django_capture_on_commit_callbacks):
        """约稿 through the same gateway as the reminders, with the template registered for it (before
        this, the gateway refused it: no template for the kind)."""
        from datetime import date

        from tests.factories import AdminFactory

        fake = FakeAliyun(httpserver, "/")
        gateway = self.gateway(county, httpserver.port, commission_template="SMS_4713")
        officer = OfficerFactory(county=county, phone="13815110004")
        with django_capture_on_commit_callbacks(execute=True):
            services.commission_create(
                county=county,
                actor=AdminFactory(county=county),
                topic="快递员派件费调整",
                due_on=date(2026, 12, 10),
                today=date(2026, 11, 30),
            )
        sms = OutboxMessage.objects.get(channel="sms", kind="commission")
        assert (sms.state, sms.channel_setting_id, sms.address) == ("sent", gateway.pk, officer.phone)
        [seen] = fake.requests
        assert seen["args"]["TemplateCode"] == "SMS_4713"
        assert json.loads(seen["args"]["TemplateParam"]) == {"topic": "快递员派件费调整", "due": "12月10日"}

    def test_without_a_gateway_the_site_backend_as_before(self, county):
        CapturingBackend.sent.clear()
        officer = OfficerFactory(county=county, phone="13815110004")
        reminders.remind_officer(officer_id=officer.pk, month=reminders.current_month(), kind="quota_20")
        assert OutboxMessage.objects.get(channel="sms").channel_setting_id is None
        assert [phone for phone, _ in CapturingBackend.sent] == ["13815110004"]


def test_a_group_message_needs_its_channel(county):
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(key="x", kind="alert", channel="wecom", title="t", address="群")
