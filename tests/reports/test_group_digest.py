"""The daily review digest to a county's work-chat groups (企业微信/钉钉 robots with 接收每日待审核汇总):
one outbox message per enabled digest channel and day, counts and a link only, sent once through
the fake gateway however often the job runs."""

import json
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from officers.channels.models import ChannelSetting
from reports import reminders, tasks
from tests.core import fake_gateways
from tests.core.fake_gateways import DING_SECRET, FakeDingtalk, FakeWecom
from tests.factories import OfficerFactory, ReportFactory
from unionportal.core import outbox
from unionportal.core.models import OutboxMessage

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 30)
LINK = f"{settings.PORTAL_BASE_URL}/reports/review/"


@pytest.fixture(autouse=True)
def short_timeout(settings):
    settings.CHANNEL_TIMEOUT_SECONDS = 0.3


@pytest.fixture
def httpserver():
    with fake_gateways.serving() as server:
        yield server


def group(county, kind, url, **extra):
    extra = {"name": f"{kind}值班群", "for_digests": True} | extra
    return ChannelSetting.objects.create(county=county, kind=kind, webhook_url=url, **extra)


def waiting(county, **extra):
    old = timezone.now() - timedelta(days=3)
    officer = OfficerFactory(county=county, name="张秀英")
    return ReportFactory(officer=officer, submitted_at=old, occurred_at=old, title="某厂拖欠工资", **extra)


def group_messages():
    return OutboxMessage.objects.filter(kind="digest").order_by("channel")


def test_one_message_per_enabled_digest_channel_and_day_sent_once(httpserver, county, other_county):
    wecom = FakeWecom(httpserver, "/wecom")
    ding = FakeDingtalk(httpserver, "/ding")
    wecom_group = group(county, "wecom", f"{wecom.url}?key=k1")
    ding_group = group(county, "dingtalk", f"{ding.url}?access_token=t1", secret=DING_SECRET)
    group(county, "wecom", wecom.url, name="停用的群", enabled=False)
    group(county, "wecom", wecom.url, name="只收突发的群", for_digests=False, for_alerts=True)
    group(other_county, "wecom", wecom.url, name="外县群")  # nothing waits there
    report = waiting(county, urgency="emergency")
    ReportFactory(officer=report.officer)  # today's: not yet waiting too long

    assert reminders.counties_to_digest() == [county.pk]
    assert tasks.send_review_digests.apply().get() == 1
    assert tasks.send_review_digests.apply().get() == 1  # the same day again: nothing new
    assert [(m.channel, m.address, m.key, m.recipient_id) for m in group_messages()] == [
        ("dingtalk", "dingtalk值班群", f"digest:{county.pk}:{timezone.localdate()}:{ding_group.pk}", None),
        ("wecom", "wecom值班群", f"digest:{county.pk}:{timezone.localdate()}:{wecom_group.pk}", None),
    ]
    for message in group_messages():
        assert outbox.deliver(message_id=message.pk) is True
        assert outbox.deliver(message_id=message.pk) is False
    contents = [json.loads(r["body"])["text"]["content"] for r in wecom.requests + ding.requests]
    assert len(contents) == 2
    for content in contents:
        assert content == (
            f"待审核信息汇总\n有 1 条信息报送已超过两天仍待审核，其中突发信息 1 条，请登录平台“信息审核”处理：{LINK}"
        )
        assert report.title not in content and report.content[:6] not in content
        assert "张秀英" not in content and report.officer.name not in content
    assert set(group_messages().values_list("state", flat=True)) == {"sent"}


def test_a_second_run_the_same_day_writes_nothing_and_the_next_day_writes_again(county):
    channel = group(county, "wecom", "http://127.0.0.1:9/send?key=k")
    waiting(county)
    first = reminders.county_digest(county_id=county.pk, day=DAY)
    assert len(first) == 1
    reminders.county_digest(county_id=county.pk, day=DAY)
    assert group_messages().count() == 1
    reminders.county_digest(county_id=county.pk, day=DAY + timedelta(days=1))
    assert list(group_messages().order_by("key").values_list("key", flat=True)) == [
        f"digest:{county.pk}:2026-11-30:{channel.pk}",
        f"digest:{county.pk}:2026-12-01:{channel.pk}",
    ]
    assert group_messages().first().body == f"有 1 条信息报送已超过两天仍待审核，请登录平台“信息审核”处理：{LINK}"


def test_none_for_disabled_channels_or_counties_without_waiting_reports(county, other_county):
    group(county, "wecom", "http://127.0.0.1:9/a", enabled=False)
    group(other_county, "dingtalk", "http://127.0.0.1:9/b")
    waiting(county)
    ReportFactory(officer=OfficerFactory(county=other_county))  # submitted today
    assert reminders.counties_to_digest() == []
    assert reminders.county_digest(county_id=county.pk, day=DAY) == []
    assert reminders.county_digest(county_id=other_county.pk, day=DAY) == []
    assert tasks.send_review_digests.apply().get() == 0
    assert not group_messages().exists()


def test_the_digest_flag_is_for_group_robots_only(county):
    sms = ChannelSetting(
        county=county, kind="http_sms", name="短信平台", webhook_url="https://sms.gov/api", secret="s", for_digests=True
    )
    with pytest.raises(ValidationError) as caught:
        sms.full_clean()
    assert caught.value.message_dict["for_digests"] == ["每日待审核汇总发往工作群，请在群机器人渠道勾选"]
    with pytest.raises(IntegrityError), transaction.atomic():
        sms.save()
