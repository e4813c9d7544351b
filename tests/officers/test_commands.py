import io

import pytest
from django.core.management import CommandError, call_command

from officers import demo
from officers.models import County, Enterprise, Officer, Township, User
from reports.demo import DEMO_EVENT_TITLE, DEMO_PHONE_EVENT_TITLE
from reports.models import EventEntry, ForwardedItem, RiskAssessment, SupervisionItem

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def test_create_county_then_again_changes_nothing():
    out = run("create_county", "--code", "320922", "--name", "滨海县", "--townships", "东坎街道,坎北街道，五汛镇")
    assert out == "已保存：滨海县（320922），镇区街道 3 个"
    assert run("create_county", "--code", "320922", "--name", "滨海县", "--townships", "东坎街道,坎北街道,五汛镇") == (
        "未变化：滨海县（320922），镇区街道 3 个"
    )
    assert sorted(Township.objects.values_list("name", flat=True)) == ["东坎街道", "五汛镇", "坎北街道"]


def test_create_county_bad_code():
    with pytest.raises(CommandError) as exc:
        run("create_county", "--code", "3209", "--name", "滨海县")
    assert str(exc.value) == "县区代码应为6位数字行政区划代码"
    assert County.objects.count() == 0


def test_create_staff_creates_then_updates(county):
    args = ["create_staff", "--phone", "13900000001", "--name", "周管理", "--county", "320922", "--role", "admin"]
    assert run(*args, "--password", "Binhai@2026") == "已创建：周管理（13900000001，县总工会管理员，滨海县）"
    assert run(*args, "--password", "Binhai@2027") == "已更新：周管理（13900000001，县总工会管理员，滨海县）"
    user = User.objects.get(username="13900000001")
    assert user.check_password("Binhai@2027") and user.is_staff


def test_create_staff_unknown_county():
    with pytest.raises(CommandError) as exc:
        run(
            "create_staff",
            "--phone",
            "13900000001",
            "--name",
            "x",
            "--county",
            "320922",
            "--role",
            "reviewer",
            "--password",
            "Binhai@2026",
        )
    assert str(exc.value) == "县区代码 320922 不存在，请先用 create_county 创建"


def test_seed_demo_builds_the_demo_county_once():
    out = run("seed_demo")
    assert "演示数据就绪：滨海县（320922），本次新增信息员 150 名、报送信息 48 条。" in out
    assert f"县总工会管理员 {demo.ADMIN_PHONE} / {demo.DEMO_PASSWORD}" in out
    county = County.objects.get(code="320922")
    assert county.townships.filter(name="东坎街道").exists()
    officers = Officer.objects.filter(county=county)
    assert officers.count() == 150
    assert set(officers.values_list("category", flat=True)) == set(Officer.Category.values)
    new_form = officers.filter(category="new_form")
    assert new_form.count() == 12
    assert set(new_form.values_list("key_group", flat=True)) == set(Officer.KeyGroup.values)
    assert Enterprise.objects.large().filter(is_foreign_funded=True).exists()
    assert Enterprise.objects.large().filter(is_foreign_funded=False).exists()
    assert Enterprise.objects.filter(is_foreign_funded=True, staff_count__lt=5000).exists()
    # the open demo event carries a risk level and its supervision item (issue 16)
    event_item = SupervisionItem.objects.get(event__title=DEMO_EVENT_TITLE)
    assert (event_item.kind, event_item.state, event_item.colour) == ("risk", "open", "yellow")
    assert RiskAssessment.objects.current().get(event=event_item.event).level == "red"
    # and a 初报 staff recorded from an officer's call, waiting for the officer to confirm it
    phone_entry = EventEntry.objects.get(event__title=DEMO_PHONE_EVENT_TITLE)
    assert (phone_entry.kind, phone_entry.source, phone_entry.awaits_confirmation) == ("initial", "phone", True)
    assert phone_entry.report.recorded_by == phone_entry.recorded_by
    counts = (Officer.objects.count(), Enterprise.objects.count(), User.objects.count(), Township.objects.count())
    # 上报: pending at 盐城市, one adopted by it, one forwarded on to 江苏省
    assert "上报盐城市的信息 4 条（其中1条已被市总工会采用、1条已转报江苏省）。" in out
    forwarded = ForwardedItem.objects.filter(county=county)
    assert sorted(forwarded.values_list("to_region__code", "status")) == [
        ("320000", "pending"),
        ("320900", "adopted"),
        ("320900", "pending"),
        ("320900", "pending"),
        ("320900", "pending"),
    ]
    adopted = forwarded.get(status="adopted")
    assert adopted.report.grade == "above_adopted" and adopted.report.adopted_by == "盐城市总工会"

    second = run("seed_demo")
    assert "本次新增信息员 0 名、报送信息 0 条。" in second and "上报盐城市" not in second
    assert ForwardedItem.objects.count() == 5
    assert (
        Officer.objects.count(),
        Enterprise.objects.count(),
        User.objects.count(),
        Township.objects.count(),
    ) == counts


def test_demo_logins_work(client):
    run("seed_demo")
    for phone in (demo.ADMIN_PHONE, demo.REVIEWER_PHONE, demo.OFFICER_PHONE):
        assert client.login(username=phone, password=demo.DEMO_PASSWORD), phone


def test_demo_staff_have_email_addresses_for_the_alert_mails():
    out = run("seed_demo")
    assert f"突发信息提醒邮件发给 {demo.ADMIN_EMAIL}、{demo.REVIEWER_EMAIL}" in out
    admin, reviewer = User.objects.get(username=demo.ADMIN_PHONE), User.objects.get(username=demo.REVIEWER_PHONE)
    assert (admin.email, reviewer.email) == ("zhou.admin@demo.example", "chen.reviewer@demo.example")
    User.objects.filter(pk=reviewer.pk).update(email="chen@work.example")
    run("seed_demo")
    assert User.objects.get(pk=reviewer.pk).email == "chen@work.example"  # set by hand since: kept
