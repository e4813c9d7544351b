"""The national working calendar as the migration seeds it (holidays and 调休 days of the 2026 notice,
the 2027 statutory holidays), kept as data; a county's deadline terms, effective from a date."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from officers import selectors
from officers.models import DeadlineSetting, WorkCalendarDay

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("officers.migrations.0011_work_calendar_deadlines_channel_supervision")


def seed():
    MIGRATION.seed_calendar(apps, connection.schema_editor())


def test_the_2026_notice_and_the_2027_holidays_are_seeded_once_and_admin_changes_are_kept():
    WorkCalendarDay.objects.all().delete()
    seed()
    days = dict(WorkCalendarDay.objects.values_list("day", "is_workday"))
    assert days[date(2026, 2, 14)] is True and days[date(2026, 2, 28)] is True  # 春节调休 Saturdays
    assert days[date(2026, 1, 4)] is True and days[date(2026, 9, 20)] is True and days[date(2026, 10, 10)] is True
    assert all(days[date(2026, 10, d)] is False for d in range(1, 8))
    assert all(days[date(2026, 2, d)] is False for d in range(15, 24))
    assert days[date(2027, 2, 5)] is False and days[date(2027, 10, 3)] is False
    count = len(days)
    WorkCalendarDay.objects.filter(day=date(2027, 6, 9)).update(name="端午节（已按通知更正）")
    seed()  # run again: nothing doubled, the admin's change stays
    assert WorkCalendarDay.objects.count() == count
    assert WorkCalendarDay.objects.get(day=date(2027, 6, 9)).name == "端午节（已按通知更正）"
    assert selectors.work_calendar(start=date(2026, 5, 1), end=date(2026, 5, 9)) == {
        **{date(2026, 5, d): False for d in range(1, 6)},
        date(2026, 5, 9): True,
    }


def test_terms_default_then_the_countys_in_force(county):
    assert selectors.deadline_terms(county_id=county.pk, on=date(2026, 3, 1)).handling_days("red") == 1
    DeadlineSetting.objects.create(county=county, effective_from=date(2026, 3, 1), red_handling_days=2)
    assert selectors.deadline_terms(county_id=county.pk, on=date(2026, 2, 28)).handling_days("red") == 1
    assert selectors.deadline_terms(county_id=county.pk, on=date(2026, 3, 1)).handling_days("red") == 2


def test_a_setting_is_checked_and_never_starts_in_the_past(county):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        DeadlineSetting(county=county, effective_from=today - timedelta(days=1)).full_clean()
    assert exc.value.message_dict == {"effective_from": ["起始日期不能早于今天：过去的时限保持当时的设置"]}
    with pytest.raises(ValidationError) as exc:
        DeadlineSetting(county=county, effective_from=today, red_response_hours=30).full_clean()
    assert exc.value.messages == ["红色的响应时限（30 小时）不能长于处置时限（1 天）"]
    setting = DeadlineSetting(county=county, effective_from=today)
    setting.full_clean()
    setting.save()
    setting.red_handling_days = 2
    with pytest.raises(ValidationError) as exc:
        setting.full_clean()
    assert exc.value.messages == ["已开始执行的时限设置不能修改，请新增一条从今天或以后起执行的设置"]
