"""Events (初报/续报/终报): the 续报 clock with frozen time, 漏报 told once (officer, then admins), the
county's due hour, the figures and the missed-续报 selector."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from reports import rules, selectors, services, tasks
from reports.models import Event, EventEntry, MissedFollowup, TimelinessRule
from tests.factories import EMERGENCY_ESSENTIALS, AdminFactory, OfficerFactory
from unionportal.core.clock import BEIJING
from unionportal.core.models import AuditEntry, Notification, OutboxMessage

pytestmark = pytest.mark.django_db


def bj(*args) -> datetime:
    return datetime(*args, tzinfo=BEIJING)


# The 初报 on 2026-11-23 at 10:00 Beijing time: the first 续报 is due on the 24th by 17:00.
OPENED = bj(2026, 11, 23, 10, 0)
DUE_1 = bj(2026, 11, 24, 17, 0)


def frozen(moment: datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def initial(officer, now=OPENED, **overrides):
    data = {
        "title": "某服装厂职工聚集讨薪",
        "content": "约四十名职工聚集在厂门口。",
        "category": "mass_incident",
        "urgency": "emergency",
        "occurred_at": now - timedelta(minutes=20),
        "township": officer.township,
        **EMERGENCY_ESSENTIALS,
    } | overrides
    with frozen(now):
        report = services.report_save(officer=officer, data=data, submit=True, now=now)
    return Event.objects.get(entries__report=report)


def followup(event, actor, now, **data):
    return services.event_entry_file(
        event=event, kind="followup", actor=actor, data={"situation": "人员已散去"} | data, now=now
    )


# ---- the pure rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "hour", "due"),
    [
        (bj(2026, 11, 23, 10, 0), 17, bj(2026, 11, 24, 17, 0)),
        (bj(2026, 11, 23, 23, 59), 17, bj(2026, 11, 24, 17, 0)),
        (bj(2026, 11, 24, 0, 0), 17, bj(2026, 11, 25, 17, 0)),  # the Beijing day, not UTC's
        (datetime(2026, 11, 23, 16, 30, tzinfo=UTC), 17, bj(2026, 11, 25, 17, 0)),  # 00:30 on the 24th in Beijing
        (bj(2026, 11, 30, 9, 0), 9, bj(2026, 12, 1, 9, 0)),  # a county's own hour, across the month
        (bj(2026, 12, 31, 18, 0), 0, bj(2027, 1, 1, 0, 0)),
    ],
)
def test_the_next_followup_is_due_by_the_countys_hour_on_the_next_day(after, hour, due):
    assert rules.next_followup_due(after=after, hour=hour) == due


@pytest.mark.parametrize(
    ("reported", "on_time"),
    [
        (bj(2026, 11, 24, 16, 59, 59), True),
        (bj(2026, 11, 24, 17, 0, 0), True),  # at the due time is on time
        (bj(2026, 11, 24, 17, 0, 1), False),
        (bj(2026, 11, 25, 9, 0), False),
    ],
)
def test_a_followup_is_on_time_by_its_due_time(reported, on_time):
    assert rules.followup_on_time(reported_at=reported, due_at=DUE_1) is on_time


@pytest.mark.parametrize(
    ("now", "missed"),
    [
        (bj(2026, 11, 24, 17, 0), []),
        (bj(2026, 11, 24, 17, 1), [DUE_1]),
        (bj(2026, 11, 26, 17, 1), [DUE_1, DUE_1 + timedelta(days=1), DUE_1 + timedelta(days=2)]),
    ],
)
def test_every_passed_due_time_is_a_miss(now, missed):
    assert rules.missed_due_times(next_due_at=DUE_1, now=now) == missed


@pytest.mark.parametrize(
    ("now", "escalate"),
    [(bj(2026, 11, 24, 18, 59), False), (bj(2026, 11, 24, 19, 0), True), (bj(2026, 11, 25, 9, 0), True)],
)
def test_admins_are_told_two_hours_after_the_due_time(now, escalate):
    assert rules.missed_escalation_due(due_at=DUE_1, now=now) is escalate


@pytest.mark.parametrize(
    ("fields", "problems"),
    [
        ({"enterprise_id": 5, "enterprise_name": "", "workers_involved": 40, "demands": "工资"}, {}),
        ({"enterprise_id": None, "enterprise_name": "某厂门口", "workers_involved": 0, "demands": "工资"}, {}),
        (
            {"enterprise_id": None, "enterprise_name": " ", "workers_involved": None, "demands": ""},
            {
                "enterprise_name": rules.INITIAL_ESSENTIALS["enterprise_name"],
                "workers_involved": "突发信息请填写涉及人数",
                "demands": "突发信息请填写职工的诉求",
            },
        ),
    ],
)
def test_an_emergencys_initial_report_carries_its_essentials(fields, problems):
    assert rules.initial_report_problems(urgency="emergency", **fields) == problems
    assert rules.initial_report_problems(urgency="general", **fields) == {}


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("某服装厂职工聚集讨薪", "某服装厂职工聚集讨要工资", True),
        ("某服装厂职工聚集讨薪", "快递网点派件费下调", False),
        ("", "任何内容", False),
    ],
)
def test_the_plain_similarity_fallback(a, b, similar):
    assert (rules.text_similarity(a, b) >= rules.DUPLICATE_SIMILARITY) is similar


# ---- opening, 续报, 终报 -----------------------------------------------------------------------------


NOW = bj(2026, 11, 23, 12, 0)


@pytest.mark.parametrize(
    ("called", "occurred", "problems"),
    [
        (bj(2026, 11, 23, 11, 0), bj(2026, 11, 23, 10, 40), {}),
        (NOW + rules.CLOCK_SKEW, bj(2026, 11, 23, 10, 40), {}),  # a clock a little fast
        (NOW + rules.CLOCK_SKEW + timedelta(seconds=1), None, {"called_at": "来电时间不能晚于当前时间"}),
        (bj(2026, 11, 23, 10, 0), bj(2026, 11, 23, 10, 40), {"called_at": "来电时间不能早于发生时间"}),
        (NOW - rules.PHONE_CALL_OLDEST, None, {}),
        (NOW - rules.PHONE_CALL_OLDEST - timedelta(minutes=1), None, {"called_at": "来电时间早于七天前，请核对日期"}),
        (None, None, {"called_at": "请填写来电时间"}),
    ],
)
def test_the_time_of_a_phone_call_recorded_as_a_first_report(called, occurred, problems):
    assert rules.phone_call_problems(called_at=called, occurred_at=occurred, now=NOW) == problems


CALLED = bj(2026, 11, 23, 10, 5)


def phone_initial(reviewer, officer, *, called=CALLED, now=OPENED, **overrides):
    data = {
        "title": "某电子厂职工停工",
        "content": "来电称约三十名职工在车间停工。",
        "category": "mass_incident",
        "occurred_at": bj(2026, 11, 23, 9, 50),
        "township": officer.township,
        **EMERGENCY_ESSENTIALS,
    } | overrides
    with frozen(now):
        return services.report_record_phone(actor=reviewer, officer=officer, data=data, called_at=called, now=now)


class TestPhoneInitialReport:
    """Staff record an officer's 初报 from a phone call (电话报告) on the officer's behalf."""

    def test_the_call_becomes_the_officers_report_and_opens_the_event(self, officer, reviewer):
        report = phone_initial(reviewer, officer)
        assert (report.officer, report.status, report.urgency, report.recorded_by) == (
            officer,
            "submitted",
            "emergency",
            reviewer,
        )
        # reported at the call's time: 15 minutes after the incident, on time
        assert (report.submitted_at, report.received_at, report.on_time) == (bj(2026, 11, 23, 10, 5), OPENED, True)
        assert report.submitted_at_note == "电话报告，由县总工会工作人员代录"
        event = Event.objects.get()
        entry = event.entries.get()
        assert (entry.kind, entry.source, entry.officer, entry.recorded_by, entry.report) == (
            "initial",
            "phone",
            officer,
            reviewer,
            report,
        )
        assert (event.opened_at, event.next_due_at) == (bj(2026, 11, 23, 10, 5), DUE_1)
        assert entry.awaits_confirmation
        told = OutboxMessage.objects.get(key=f"event:entry:{entry.pk}:confirm:in_app")
        assert (told.recipient, told.title) == (officer.user, "请确认电话报告：某电子厂职工停工（初报）")
        audit = AuditEntry.objects.get(action="phone_report")
        assert (audit.actor, audit.report_id, audit.target) == (
            reviewer,
            report.pk,
            "代录刘洋的电话初报：某电子厂职工停工",
        )
        services.event_entry_confirm(entry=entry, officer=officer, now=bj(2026, 11, 23, 11, 0))
        entry.refresh_from_db()
        assert entry.confirmed_at == bj(2026, 11, 23, 11, 0)

    def test_a_late_call_is_a_late_first_report(self, officer, reviewer, county):
        TimelinessRule.objects.create(county=county, emergency_minutes=30)
        report = phone_initial(reviewer, officer, called=bj(2026, 11, 23, 10, 21), now=bj(2026, 11, 23, 11, 0))
        assert report.on_time is False

    def test_bad_input_is_refused_and_writes_nothing(self, officer, reviewer):
        with pytest.raises(ValidationError) as exc:
            phone_initial(reviewer, officer, called=bj(2026, 11, 23, 9, 0))
        assert exc.value.message_dict == {"called_at": ["来电时间不能早于发生时间"]}
        with pytest.raises(ValidationError) as exc:
            phone_initial(reviewer, officer, township=None, demands="")
        assert exc.value.message_dict == {
            "township": [rules.EMERGENCY_PLACE_MESSAGE],
            "demands": ["突发信息请填写职工的诉求"],
        }
        assert (Event.objects.count(), AuditEntry.objects.filter(action="phone_report").count()) == (0, 0)
        assert not OutboxMessage.objects.filter(kind="event").exists()

    def test_only_the_officers_own_county_staff_may_record_it(self, officer, reviewer, foreign_reviewer, county):
        with pytest.raises(ValidationError) as exc:
            phone_initial(foreign_reviewer, officer)
        assert exc.value.message_dict == {"officer": ["只能为本县区的信息员代录电话报告"]}
        with pytest.raises(ValidationError) as exc:
            phone_initial(OfficerFactory(county=county).user, officer)
        assert exc.value.message_dict == {"officer": ["只能为本县区的信息员代录电话报告"]}
        # an officer without an account could not confirm it
        officer.user.is_active = False
        officer.user.save(update_fields=["is_active"])
        with pytest.raises(ValidationError) as exc:
            phone_initial(reviewer, officer)
        assert exc.value.message_dict == {"officer": [services.submission.NO_ACCOUNT_FOR_PHONE]}
        assert Event.objects.count() == 0


class TestTheChain:
    def test_an_emergency_opens_an_event_with_its_initial_report(self, officer):
        event = initial(officer)
        assert (event.state, event.officer, event.opened_at, event.next_due_at) == ("open", officer, OPENED, DUE_1)
        entry = event.entries.get()
        assert (entry.kind, entry.number, entry.workers_involved, entry.demands) == (
            "initial",
            0,
            40,
            "要求结清拖欠的工资",
        )

    def test_a_general_report_opens_no_event_and_an_emergency_without_essentials_is_refused(self, officer):
        services.report_save(
            officer=officer,
            data={"title": "一般", "content": "内容", "occurred_at": OPENED, "category": "other"},
            submit=True,
            now=OPENED,
        )
        with pytest.raises(ValidationError) as exc:
            initial(officer, demands="", workers_involved=None)
        assert exc.value.message_dict == {
            "workers_involved": ["突发信息请填写涉及人数"],
            "demands": ["突发信息请填写职工的诉求"],
        }
        assert Event.objects.count() == 0

    def test_the_countys_due_hour(self, officer, county):
        TimelinessRule.objects.create(county=county, followup_hour=9)
        assert initial(officer).next_due_at == bj(2026, 11, 24, 9, 0)

    def test_followups_on_time_at_the_boundary_then_late(self, officer, other_officer):
        event = initial(officer)
        first = followup(event, other_officer.user, bj(2026, 11, 24, 17, 0, 0), workers_involved=25)
        assert (first.number, first.due_at, first.on_time, first.officer) == (1, DUE_1, True, other_officer)
        event.refresh_from_db()
        assert event.next_due_at == bj(2026, 11, 25, 17, 0)
        second = followup(event, officer.user, bj(2026, 11, 25, 17, 0, 1))
        assert (second.number, second.on_time, second.due_at) == (2, False, bj(2026, 11, 25, 17, 0))
        event.refresh_from_db()
        assert (event.followup_count, event.next_due_at) == (2, bj(2026, 11, 26, 17, 0))

    def test_two_followups_on_one_day_keep_the_next_due_time(self, officer):
        event = initial(officer)
        followup(event, officer.user, bj(2026, 11, 23, 15, 0))
        followup(event, officer.user, bj(2026, 11, 23, 16, 0))
        event.refresh_from_db()
        assert event.next_due_at == DUE_1
        assert list(event.entries.filter(kind="followup").values_list("on_time", flat=True)) == [True, True]

    def test_a_followup_says_what_changed(self, officer):
        event = initial(officer)
        with pytest.raises(ValidationError) as exc:
            services.event_entry_file(event=event, kind="followup", actor=officer.user, data={}, now=DUE_1)
        assert exc.value.message_dict == {"situation": ["请填写事态进展（与上次报告相比有哪些变化）"]}

    def test_the_final_report_closes_the_event(self, officer, other_officer):
        event = initial(officer)
        with pytest.raises(ValidationError) as exc:
            services.event_entry_file(event=event, kind="final", actor=officer.user, data={}, now=DUE_1)
        assert exc.value.message_dict == {"outcome": ["终报请填写处置结果"]}
        final = services.event_entry_file(
            event=event, kind="final", actor=officer.user, data={"outcome": "工资已结清"}, now=DUE_1
        )
        event.refresh_from_db()
        assert (final.kind, event.state, event.closed_at, event.next_due_at, event.outcome) == (
            "final",
            "closed",
            DUE_1,
            None,
            "工资已结清",
        )
        with pytest.raises(ValidationError) as exc:
            followup(event, other_officer.user, DUE_1)
        assert exc.value.messages == [services.events.CLOSED_MESSAGE]

    def test_an_officer_of_another_county_cannot_report_into_it(self, officer, other_county):
        event = initial(officer)
        with pytest.raises(ValidationError) as exc:
            followup(event, OfficerFactory(county=other_county).user, DUE_1)
        assert exc.value.messages == ["只能向本县区的事件报送续报"]
        assert EventEntry.objects.count() == 1

    def test_staff_record_a_phone_report_for_the_officer_to_confirm(self, officer, reviewer):
        event = initial(officer)
        with pytest.raises(ValidationError) as exc:
            services.event_entry_file(
                event=event, kind="followup", actor=reviewer, phone=True, data={"situation": "电话"}, now=DUE_1
            )
        assert exc.value.message_dict == {"officer": ["电话报告请选择来电的信息员"]}
        called = bj(2026, 11, 24, 16, 30)
        entry = services.event_entry_file(
            event=event,
            kind="followup",
            actor=reviewer,
            officer=officer,
            phone=True,
            reported_at=called,
            data={"situation": "电话报告：企业已开始发放工资"},
            now=bj(2026, 11, 24, 17, 30),
        )
        assert (entry.source, entry.officer, entry.recorded_by, entry.reported_at, entry.on_time) == (
            "phone",
            officer,
            reviewer,
            called,
            True,
        )
        assert entry.awaits_confirmation
        told = OutboxMessage.objects.get(key=f"event:entry:{entry.pk}:confirm:in_app")
        assert (told.recipient, told.title) == (officer.user, "请确认电话报告：某服装厂职工聚集讨薪（续报1）")
        services.event_entry_confirm(entry=entry, officer=officer, now=bj(2026, 11, 24, 18, 0))
        entry.refresh_from_db()
        assert entry.confirmed_at == bj(2026, 11, 24, 18, 0)
        with pytest.raises(ValidationError) as exc:
            services.event_entry_confirm(entry=entry, officer=officer)
        assert exc.value.messages == ["该电话报告已经确认过了"]

    def test_an_officers_followup_tells_the_countys_staff(self, officer, reviewer, county_admin):
        event = initial(officer)
        entry = followup(event, officer.user, DUE_1)
        keys = set(OutboxMessage.objects.filter(kind="event").values_list("key", flat=True))
        assert keys == {
            f"event:entry:{entry.pk}:staff:{reviewer.pk}:in_app",
            f"event:entry:{entry.pk}:staff:{reviewer.pk}:email",
            f"event:entry:{entry.pk}:staff:{county_admin.pk}:in_app",  # the admin has no email
        }


# ---- the sweep: 漏报 told once, to the officer, then to the admins -----------------------------------


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """The scheduled job at ``now``, its messages delivered once its transaction commits."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True), frozen(now):
            return tasks.sweep_event_followups()

    return run


class TestMissedFollowups:
    def test_nothing_is_missed_until_the_due_time_has_passed(self, sweep, officer):
        initial(officer)
        assert sweep(DUE_1) == 0
        assert MissedFollowup.objects.count() == 0

    def test_the_officer_is_told_then_the_admins_and_never_twice(
        self, sweep, officer, county_admin, reviewer, mailoutbox
    ):
        event = initial(officer)
        officer.user.email = "liu@example.org"
        officer.user.save()
        other_admin = AdminFactory(county=officer.county, email="zhou2@example.org")
        AdminFactory(county=OfficerFactory().county)  # another county's admin hears nothing
        just_after = DUE_1 + timedelta(minutes=10)
        assert sweep(just_after) == 1  # one event checked
        missed = MissedFollowup.objects.get()
        assert (missed.event, missed.officer, missed.due_at, missed.officer_notified_at) == (
            event,
            officer,
            DUE_1,
            just_after,
        )
        assert missed.admins_notified_at is None
        to_officer = Notification.objects.get(recipient=officer.user)
        assert to_officer.title == "续报逾期：某服装厂职工聚集讨薪"
        assert "应于11月24日 17:00前报送续报，至今未报" in to_officer.body
        assert [m.to for m in mailoutbox] == [["liu@example.org"]]
        # A second run, at once and later that hour, sends nothing new.
        sweep(just_after)
        sweep(DUE_1 + timedelta(minutes=50))
        assert OutboxMessage.objects.filter(kind="event").count() == 2
        # Two hours after the due time: the county's admins, once each; the reviewer is not an admin.
        sweep(DUE_1 + timedelta(hours=2))
        missed.refresh_from_db()
        assert missed.admins_notified_at == DUE_1 + timedelta(hours=2)
        admins = set(
            OutboxMessage.objects.filter(key__contains=":admin:", channel="in_app").values_list("recipient", flat=True)
        )
        assert admins == {county_admin.pk, other_admin.pk}
        assert Notification.objects.get(recipient=county_admin).title == "续报漏报：某服装厂职工聚集讨薪"
        assert not Notification.objects.filter(recipient=reviewer).exists()
        sweep(DUE_1 + timedelta(hours=3))
        assert OutboxMessage.objects.filter(kind="event").count() == 5  # officer 2, admins 2 + 1 email
        assert len(mailoutbox) == 2

    def test_each_passed_day_is_one_miss_and_a_late_followup_answers_its_own(self, sweep, officer):
        event = initial(officer)
        sweep(DUE_1 + timedelta(days=1, minutes=5))
        assert list(MissedFollowup.objects.order_by("due_at").values_list("due_at", flat=True)) == [
            DUE_1,
            DUE_1 + timedelta(days=1),
        ]
        late = followup(event, officer.user, DUE_1 + timedelta(days=1, hours=1))
        assert (late.on_time, late.due_at) == (False, DUE_1)
        assert MissedFollowup.objects.get(due_at=DUE_1).answered_by == late  # 迟报, no longer 漏报
        assert MissedFollowup.objects.get(due_at=DUE_1 + timedelta(days=1)).answered_by is None
        event.refresh_from_db()
        assert event.next_due_at == bj(2026, 11, 26, 17, 0)
        assert sweep(bj(2026, 11, 26, 16, 0)) == 0

    def test_the_list_counts_each_events_reports_and_unanswered_misses(self, sweep, officer, reviewer):
        event = initial(officer)
        quiet = initial(OfficerFactory(county=officer.county, township=officer.township), title="某物流站点骑手停工")
        sweep(DUE_1 + timedelta(days=1, minutes=5))  # two misses each
        followup(event, officer.user, DUE_1 + timedelta(days=1, hours=1))  # answers the first of its own
        rows = {e.pk: (e.title, e.entry_count, e.missed_count) for e in selectors.event_list(user=reviewer)}
        assert rows == {event.pk: ("某服装厂职工聚集讨薪", 2, 1), quiet.pk: ("某物流站点骑手停工", 1, 2)}
        assert [e.pk for e in selectors.my_events(user=officer.user)] == [event.pk]
        assert selectors.my_events(user=officer.user)[0].entry_count == 2

    def test_a_closed_event_is_not_swept(self, sweep, officer):
        event = initial(officer)
        services.event_entry_file(event=event, kind="final", actor=officer.user, data={"outcome": "已解决"}, now=OPENED)
        assert sweep(DUE_1 + timedelta(days=3)) == 0
        assert MissedFollowup.objects.count() == 0

    def test_missed_followups_per_officer_and_the_figures(self, sweep, officer, other_officer, county):
        event = initial(officer)
        initial(other_officer, now=OPENED + timedelta(hours=1), title="另一起", township=officer.township)
        followup(event, officer.user, DUE_1 - timedelta(hours=1))  # on time
        sweep(bj(2026, 11, 25, 17, 5))  # each event missed its due time on the 25th; the other also the 24th
        followup(event, other_officer.user, bj(2026, 11, 25, 18, 0))  # late: answers the 25th's
        start, end = bj(2026, 11, 1), bj(2026, 12, 1)
        assert selectors.events_missed_followups(county.pk, start, end) == {other_officer.pk: 2}
        assert selectors.events_missed_followups(county.pk, start, bj(2026, 11, 25)) == {other_officer.pk: 1}
        figures = selectors.event_figures(county_ids=[county.pk], start=start, end=end, now=bj(2026, 11, 26))
        assert figures == {
            "open": 2,
            "opened": 2,
            "closed": 0,
            "followups_on_time": 1,
            "followups_late": 1,
            "missed": 2,
        }

    def test_the_sweep_is_scheduled_every_ten_minutes_in_beijing_time(self, installed_schedules):
        task = PeriodicTask.objects.get(task="reports.tasks.sweep_event_followups")
        assert (task.name, task.crontab.minute, str(task.crontab.timezone)) == (
            "突发事件续报逾期检查",
            "*/10",
            "Asia/Shanghai",
        )


class TestWithdrawingTheInitialReport:
    def test_withdrawing_the_initial_report_stops_the_clock(self, officer, sweep):
        event = initial(officer)
        services.report_withdraw(report=event.entries.get().report, officer=officer)
        event.refresh_from_db()
        assert (event.state, event.next_due_at) == ("withdrawn", None)
        assert sweep(DUE_1 + timedelta(days=2)) == 0 and MissedFollowup.objects.count() == 0

    def test_once_someone_reported_into_it_the_initial_report_stays(self, officer, other_officer):
        event = initial(officer)
        followup(event, other_officer.user, DUE_1)
        report = event.entries.get(kind="initial").report
        with pytest.raises(ValidationError) as exc:
            services.report_withdraw(report=report, officer=officer)
        assert exc.value.messages == ["该突发信息的事件已有续报或终报，不能撤回；事件处置完毕请报送终报"]
        report.refresh_from_db()
        assert report.status == "submitted"


def test_the_event_page_reads_who_recorded_a_phone_report_by_name_only(officer, reviewer):
    event = initial(officer)
    services.event_entry_file(
        event=event,
        kind="followup",
        actor=reviewer,
        officer=officer,
        phone=True,
        reported_at=bj(2026, 11, 24, 16, 30),
        data={"situation": "电话报告：企业已开始发放工资"},
        now=bj(2026, 11, 24, 17, 30),
    )
    with CaptureQueriesContext(connection) as read:
        shown = selectors.event_for_view(user=reviewer, pk=event.pk)
    with CaptureQueriesContext(connection) as after:
        recorders = [e.recorded_by.get_full_name() for e in shown.entries.all() if e.recorded_by_id]
        unanswered = [m.due_at for m in shown.missed.all() if m.answered_by_id is None]
    assert recorders == [officer.user.get_full_name(), reviewer.get_full_name()]  # the first report, the call
    assert unanswered == []
    assert len(after) == 0
    sql = "\n".join(q["sql"] for q in read.captured_queries)
    assert '"officers_user"."password"' not in sql and '"officers_user"."full_name"' in sql
