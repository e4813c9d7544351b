"""The mediation clock on a case: acceptance, 告知, extensions and the day-12 / deadline warnings."""

from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django_celery_beat.models import PeriodicTask

from disputes import services, tasks
from disputes.models import DisputeCase, FollowUp, MediationExtension
from tests.factories import EnterpriseFactory, OfficerFactory, ReviewerFactory
from unionportal.core import outbox
from unionportal.core.clock import BEIJING
from unionportal.core.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db
D = date


def frozen(day: date, hour: int = 9):
    """Freeze the portal's clock at ``hour`` o'clock Beijing time on ``day``."""
    return mock.patch(
        "django.utils.timezone.now", return_value=datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)
    )


def accepted_case(county, actor, enterprise, on: date, **kw) -> DisputeCase:
    with frozen(on):
        case = services.case_register(
            county=county,
            actor=actor,
            dispute_type="wage_arrears",
            workers_involved=3,
            enterprise=enterprise,
            registered_on=on,
            **kw,
        )
        return services.case_move(case=case, to_status="mediating", actor=actor, on=on)


def test_accepting_for_mediation_starts_the_15_day_clock(county, reviewer, textile):
    case = accepted_case(county, reviewer, textile, D(2026, 1, 31))
    case.refresh_from_db()
    assert (case.mediation_accepted_on, case.mediation_deadline) == (D(2026, 1, 31), D(2026, 2, 15))


def test_a_case_not_yet_in_mediation_has_no_clock(county, reviewer, textile):
    case = services.case_register(
        county=county, actor=reviewer, dispute_type="wage_arrears", workers_involved=1, enterprise=textile
    )
    assert (case.mediation_accepted_on, case.mediation_deadline) == (None, None)


class TestWarnings:
    @pytest.fixture
    def setup(self, county, reviewer, textile, county_admin):
        handler = OfficerFactory(county=county).user
        handler.email = "handler@example.com"
        handler.save()
        case = accepted_case(county, reviewer, textile, D(2026, 2, 28))  # deadline 2026-03-15
        case.handlers.add(handler)
        ReviewerFactory(county=county, is_active=False)  # left: not warned
        ReviewerFactory(county=None)  # another place: not warned
        return case, handler

    def keys(self):
        return sorted(OutboxMessage.objects.values_list("key", flat=True))

    def test_nothing_before_day_12(self, setup):
        assert services.mediation_warnings_send(today=D(2026, 3, 11)) == 0
        assert OutboxMessage.objects.count() == 0

    def test_day_12_warns_staff_and_handler_once(
        self, setup, reviewer, county_admin, django_capture_on_commit_callbacks
    ):
        case, handler = setup
        with (
            mock.patch("unionportal.core.outbox.enqueue") as enqueue,
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert services.mediation_warnings_send(today=D(2026, 3, 12)) == 4
            assert services.mediation_warnings_send(today=D(2026, 3, 12)) == 0  # run twice: nothing new
            assert services.mediation_warnings_send(today=D(2026, 3, 13)) == 0  # the next day: still once
        assert self.keys() == sorted(
            [
                f"mediation:{case.pk}:day12:{reviewer.pk}:in_app",
                f"mediation:{case.pk}:day12:{county_admin.pk}:in_app",
                f"mediation:{case.pk}:day12:{handler.pk}:in_app",
                f"mediation:{case.pk}:day12:{handler.pk}:email",
            ]
        )
        assert enqueue.call_count == 1
        message = OutboxMessage.objects.get(key=f"mediation:{case.pk}:day12:{handler.pk}:email")
        assert (message.address, message.title) == ("handler@example.com", f"调解期限将满：{case.number}")
        assert "调解期限至 2026-03-15，还剩 3 天" in message.body

    def test_run_out_warns_once_more(self, setup, reviewer):
        case, handler = setup
        services.mediation_warnings_send(today=D(2026, 3, 12))
        assert services.mediation_warnings_send(today=D(2026, 3, 15)) == 0  # the last day is in time
        assert services.mediation_warnings_send(today=D(2026, 3, 16)) == 4
        assert services.mediation_warnings_send(today=D(2026, 3, 16)) == 0
        expired = OutboxMessage.objects.get(key=f"mediation:{case.pk}:expired-20260315:{reviewer.pk}:in_app")
        assert expired.title == f"调解期限已满：{case.number}"

    def test_in_app_warning_reaches_the_bell(self, setup, reviewer):
        services.mediation_warnings_send(today=D(2026, 3, 12))
        for pk in OutboxMessage.objects.filter(channel="in_app").values_list("pk", flat=True):
            outbox.deliver(message_id=pk)
        assert Notification.objects.filter(recipient=reviewer, kind="reminder").count() == 1

    def test_a_case_out_of_mediation_is_not_warned(self, setup, reviewer):
        case, _ = setup
        with frozen(D(2026, 3, 10)):
            services.case_move(case=case, to_status="failed", actor=reviewer, on=D(2026, 3, 10))
        assert services.mediation_warnings_send(today=D(2026, 3, 16)) == 0

    def test_the_task_uses_beijing_today(self, setup):
        # 2026-03-11 16:30 UTC is already 00:30 on the 12th in Beijing: day 12.
        with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 3, 11, 16, 30, tzinfo=UTC)):
            assert tasks.warn_mediation_deadlines() == 4
        with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 3, 11, 15, 30, tzinfo=UTC)):
            assert services.mediation_warnings_send() == 0  # 23:30 on the 11th: nothing new


class TestTellAndExtend:
    def test_tell_is_recorded_once_in_the_timeline(self, county, reviewer, textile):
        case = accepted_case(county, reviewer, textile, D(2026, 3, 1))
        services.case_tell_arbitration(
            case=case, actor=reviewer, told_on=D(2026, 3, 17), how="written", today=D(2026, 3, 17)
        )
        case.refresh_from_db()
        assert (case.arbitration_told_on, case.arbitration_told_how) == (D(2026, 3, 17), "written")
        assert FollowUp.objects.filter(case=case).last().action == "已告知劳动者可申请劳动争议仲裁（书面）"
        with pytest.raises(ValidationError) as exc:
            services.case_tell_arbitration(
                case=case, actor=reviewer, told_on=D(2026, 3, 18), how="oral", today=D(2026, 3, 18)
            )
        assert exc.value.messages == ["已于 2026-03-17 告知，不能重复登记"]

    @pytest.mark.parametrize(
        ("told_on", "how", "message"),
        [
            (D(2026, 3, 20), "oral", "告知日期不能晚于今天"),
            (D(2026, 2, 27), "oral", "告知日期不能早于受理调解日期"),
            (D(2026, 3, 10), "fax", "请选择告知方式"),
        ],
    )
    def test_tell_refused(self, county, reviewer, textile, told_on, how, message):
        case = accepted_case(county, reviewer, textile, D(2026, 3, 1))
        with pytest.raises(ValidationError) as exc:
            services.case_tell_arbitration(case=case, actor=reviewer, told_on=told_on, how=how, today=D(2026, 3, 19))
        assert exc.value.messages == [message]
        case.refresh_from_db()
        assert case.arbitration_told_on is None

    def test_extension_moves_the_deadline_and_is_kept(self, county, reviewer, textile):
        case = accepted_case(county, reviewer, textile, D(2026, 3, 1))
        services.mediation_extend(
            case=case,
            actor=reviewer,
            agreed_on=D(2026, 3, 14),
            new_deadline=D(2026, 3, 31),
            reason="双方同意继续协商",
            today=D(2026, 3, 14),
        )
        case.refresh_from_db()
        assert case.mediation_deadline == D(2026, 3, 31)
        ext = MediationExtension.objects.get()
        assert (ext.previous_deadline, ext.new_deadline, ext.reason) == (
            D(2026, 3, 16),
            D(2026, 3, 31),
            "双方同意继续协商",
        )
        assert FollowUp.objects.filter(case=case).last().action == (
            "经双方同意延长调解期限：2026-03-16 → 2026-03-31。双方同意继续协商"
        )
        # the run-out warning now waits for the new deadline
        assert services.mediation_warnings_send(today=D(2026, 3, 17)) > 0
        assert not OutboxMessage.objects.filter(key__contains=":expired-").exists()

    def test_extension_refused(self, county, reviewer, textile):
        case = accepted_case(county, reviewer, textile, D(2026, 3, 1))
        with pytest.raises(ValidationError) as exc:
            services.mediation_extend(
                case=case,
                actor=reviewer,
                agreed_on=D(2026, 3, 10),
                new_deadline=D(2026, 3, 16),
                reason="x",
                today=D(2026, 3, 10),
            )
        assert exc.value.messages == ["延长后的期限须晚于当前期限 2026-03-16"]
        with pytest.raises(ValidationError) as exc:
            services.mediation_extend(
                case=case,
                actor=reviewer,
                agreed_on=D(2026, 3, 10),
                new_deadline=D(2026, 3, 30),
                reason="  ",
                today=D(2026, 3, 10),
            )
        assert "reason" in exc.value.message_dict
        assert MediationExtension.objects.count() == 0

    def test_only_a_case_in_mediation_is_extended(self, county, reviewer):
        case = services.case_register(
            county=county,
            actor=reviewer,
            dispute_type="wage_arrears",
            workers_involved=1,
            enterprise=EnterpriseFactory(county=county),
        )
        with pytest.raises(ValidationError) as exc:
            services.mediation_extend(
                case=case,
                actor=reviewer,
                agreed_on=D(2026, 3, 10),
                new_deadline=D(2026, 3, 30),
                reason="协商",
                today=D(2026, 3, 10),
            )
        assert exc.value.messages == ["只有调解中的案件可以延长调解期限"]


def test_the_daily_jobs_are_scheduled_in_beijing_time(installed_schedules):
    tasks_ = PeriodicTask.objects.filter(task__startswith="disputes.tasks.").order_by("name")
    assert [(t.name, t.task, t.crontab.hour, str(t.crontab.timezone)) for t in tasks_] == [
        ("争议案件督办（期满未告知、分期逾期）", "disputes.tasks.supervise_cases", "0,8,14", "Asia/Shanghai"),
        ("结案回访提醒（结案30天）", "disputes.tasks.remind_return_visits", "8,14", "Asia/Shanghai"),
        ("调解期限提醒（第12天、期满）", "disputes.tasks.warn_mediation_deadlines", "8,14", "Asia/Shanghai"),
    ]
