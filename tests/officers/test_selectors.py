"""Who was 在岗 on at least one day of a month (contract section 3), and the county's first month."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from officers.models import Officer, OfficerStatusChange, VettingNote
from officers.selectors import county_first_month, officer_detail, officers_active_in_month, with_names
from tests.factories import OfficerFactory, ReviewerFactory

BJ = ZoneInfo("Asia/Shanghai")
OCT = date(2026, 10, 1)
OCT_START = datetime(2026, 10, 1, tzinfo=BJ)
pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=BJ)


def serving(name, county, *, registered=None, status="active", **kwargs):
    """An officer registered with ``status`` at ``registered`` (their first history row)."""
    officer = OfficerFactory(county=county, name=name, status=status, password=None, **kwargs)
    OfficerStatusChange.objects.filter(officer=officer).update(changed_at=registered or at(2025, 1, 1, 9, 0))
    return officer


def change(officer, to_status, when):
    """A later status change, as officer_change_status records it."""
    OfficerStatusChange.objects.create(
        officer=officer, from_status=officer.status, to_status=to_status, changed_at=when
    )
    Officer.objects.filter(pk=officer.pk).update(status=to_status)
    officer.status = to_status


def names(county, month=OCT):
    return sorted(officers_active_in_month(county_id=county.pk, month=month).values_list("name", flat=True))


class TestAppointmentDate:
    def test_appointed_on_the_months_last_day_is_counted_the_day_after_is_not(self, county):
        serving("月末聘任", county, appointed_on=date(2026, 10, 31))
        serving("次月聘任", county, appointed_on=date(2026, 11, 1))
        serving("未填日期", county, appointed_on=None)
        assert names(county) == ["月末聘任", "未填日期"]
        assert names(county, date(2026, 11, 1)) == ["月末聘任", "未填日期", "次月聘任"]


class TestStatusHistory:
    def test_suspended_during_the_month_was_serving_on_its_first_day(self, county):
        officer = serving("月中停用", county)
        change(officer, "suspended", at(2026, 10, 1, 10, 0))
        assert names(county) == ["月中停用"]
        assert names(county, date(2026, 11, 1)) == []

    def test_suspended_at_the_very_start_of_the_month_is_not_counted(self, county):
        officer = serving("零点停用", county)
        change(officer, "suspended", OCT_START)
        assert names(county) == []
        assert names(county, date(2026, 9, 1)) == ["零点停用"]

    def test_suspended_the_month_before_is_not_counted(self, county):
        officer = serving("上月停用", county)
        change(officer, "suspended", at(2026, 9, 30, 23, 59))
        assert names(county) == []

    def test_reinstated_within_the_month_is_counted(self, county):
        officer = serving("月内恢复", county)
        change(officer, "suspended", at(2026, 8, 3, 9, 0))
        change(officer, "active", at(2026, 10, 31, 23, 0))
        assert names(county) == ["月内恢复"]
        assert names(county, date(2026, 9, 1)) == []

    def test_suspended_and_reinstated_before_the_month_counts_by_the_last_change(self, county):
        officer = serving("早已恢复", county)
        change(officer, "suspended", at(2026, 5, 3, 9, 0))
        change(officer, "active", at(2026, 6, 3, 9, 0))
        assert names(county) == ["早已恢复"]

    def test_dismissed_within_the_month_is_counted_for_it_only(self, county):
        officer = serving("月中解聘", county)
        change(officer, "dismissed", at(2026, 10, 20, 9, 0))
        assert names(county) == ["月中解聘"]
        assert names(county, date(2026, 11, 1)) == []

    def test_candidates_never_count(self, county):
        serving("一直候选", county, status="candidate")
        appointed = serving("月内聘任", county, status="candidate")
        change(appointed, "active", at(2026, 10, 15, 9, 0))
        assert names(county, date(2026, 9, 1)) == []
        assert names(county) == ["月内聘任"]


class TestBeforeTheFirstRecord:
    def test_registered_later_as_serving_is_taken_as_serving_before(self, county):
        serving("后来登记", county, registered=at(2026, 11, 20, 9, 0))
        serving("后来登记候选", county, registered=at(2026, 11, 20, 9, 0), status="candidate")
        serving("后来登记停用", county, registered=at(2026, 11, 20, 9, 0), status="suspended")
        assert names(county) == ["后来登记"]

    def test_a_first_record_that_shows_the_status_before_it_is_believed(self, county):
        """A history whose first row is a change (not a registration) says what came before it."""
        officer = serving("先在岗后停用", county)
        OfficerStatusChange.objects.filter(officer=officer).delete()
        change(officer, "suspended", at(2026, 11, 10, 9, 0))  # from 在岗
        assert names(county) == ["先在岗后停用"]
        assert names(county, date(2026, 11, 1)) == ["先在岗后停用"]
        assert names(county, date(2026, 12, 1)) == []

    def test_without_any_history_the_present_status_holds(self, county):
        serving("无记录在岗", county)
        serving("无记录停用", county, status="suspended")
        OfficerStatusChange.objects.all().delete()
        assert names(county) == ["无记录在岗"]


def test_other_counties_are_not_counted(county, other_county):
    serving("本县", county)
    serving("外县", other_county)
    assert names(county) == ["本县"]


def test_one_query_whatever_the_county_size(county):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            list(officers_active_in_month(county_id=county.pk, month=OCT))
        return len(ctx)

    serving("甲", county)
    small = count()
    for i in range(15):
        officer = serving(f"乙{i}", county)
        change(officer, "suspended", at(2026, 10, 2, 9, 0))
    assert count() == small == 1
    assert len(names(county)) == 16


class TestFirstMonth:
    def test_no_officer_no_first_month(self, county):
        assert county_first_month(county_id=county.pk) is None

    def test_the_earliest_appointment_or_else_registration_day_in_beijing(self, county, other_county):
        officer = serving("三月登记", county, appointed_on=None)
        # Registered 2026-03-01 00:30 in Beijing, still February 28th in UTC.
        Officer.objects.filter(pk=officer.pk).update(created_at=at(2026, 3, 1, 0, 30))
        assert county_first_month(county_id=county.pk) == date(2026, 3, 1)
        late = serving("晚登记早聘任", county, appointed_on=date(2024, 5, 15))
        Officer.objects.filter(pk=late.pk).update(created_at=at(2026, 6, 1, 9, 0))
        serving("外县更早", other_county, appointed_on=date(2020, 1, 1))
        assert county_first_month(county_id=county.pk) == date(2024, 5, 1)


def test_with_names_reads_an_accounts_name_and_the_rows_own_columns(county):
    reviewer = ReviewerFactory(county=county, full_name="赵审核")
    officer = OfficerFactory(county=county, name="王信息")
    VettingNote.objects.create(officer=officer, author=reviewer, content="推荐材料齐全")
    with CaptureQueriesContext(connection) as read:
        note = with_names(VettingNote.objects.filter(officer=officer), "author").get()
    with CaptureQueriesContext(connection) as after:
        shown = (note.content, note.officer_id, note.author.get_full_name())
    assert shown == ("推荐材料齐全", officer.pk, reviewer.get_full_name())
    assert len(after) == 0  # the note's own columns and the author's name came with the one query
    (sql,) = (q["sql"] for q in read.captured_queries)
    assert '"officers_user"."full_name"' in sql and '"officers_user"."username"' in sql
    assert '"officers_user"."password"' not in sql and '"officers_user"."email"' not in sql
    assert note.author.get_deferred_fields() >= {"password", "email", "role", "county_id"}


def test_an_officers_page_reads_who_changed_and_who_vetted_by_name(county):
    reviewer = ReviewerFactory(county=county, full_name="赵审核")
    officer = OfficerFactory(county=county, name="王信息")
    VettingNote.objects.create(officer=officer, author=reviewer, content="推荐材料齐全")
    OfficerStatusChange.objects.create(
        officer=officer, from_status="active", to_status="suspended", changed_by=reviewer
    )
    with CaptureQueriesContext(connection) as read:
        shown = officer_detail(user=reviewer, pk=officer.pk)
    with CaptureQueriesContext(connection) as after:
        changed = [c.changed_by.get_full_name() for c in shown.status_changes.all() if c.changed_by_id]
        vetted = [n.author.get_full_name() for n in shown.vetting_notes.all()]
    assert (changed, vetted, len(after)) == (["赵审核"], ["赵审核"], 0)
    lists_sql = "\n".join(q["sql"] for q in read.captured_queries[1:])  # the officer's own account is read whole
    assert '"officers_user"."password"' not in lists_sql and '"officers_user"."full_name"' in lists_sql
