"""Supervision items and risk levels through their services, with frozen time (``now=``): deadlines
from the county's terms (calendar and working days), the sweep acting only on a change of colour, the
red escalation sent once (twice run, two workers), extensions approved by an admin, every change kept."""

import json
import threading
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from officers.channels.models import ChannelSetting
from officers.models import DeadlineSetting, WorkCalendarDay
from reports import services
from reports.models import RiskAssessment, SupervisionItem, SupervisionLog
from tests.core import fake_gateways
from tests.core.fake_gateways import FakeWecom
from tests.factories import AdminFactory, OfficerFactory, ReportFactory, ReviewerFactory
from unionportal.core import outbox
from unionportal.core.clock import BEIJING
from unionportal.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING)
FRIDAY = datetime(2026, 3, 6, 17, 0, tzinfo=BEIJING)


@pytest.fixture
def admin(county):
    return AdminFactory(county=county, full_name="周管理", email="zhou@example.org")


@pytest.fixture
def report(county):
    return ReportFactory(officer=OfficerFactory(county=county), title="某厂欠薪苗头", status="submitted")


def open_item(report, owner, *, due, opened=MONDAY, response_due=None, key="other:1"):
    item, created = services.supervision_open(
        subject=report,
        kind="other",
        owner=owner,
        due_at=due,
        response_due_at=response_due,
        title="督办测试",
        cause_key=key,
        now=opened,
    )
    assert created
    return item


class TestRiskLevels:
    def test_set_opens_an_item_with_the_default_deadlines(self, report, reviewer):
        assessment = services.risk_level_set(
            subject=report, level="red", reason="涉及百人欠薪", actor=reviewer, now=MONDAY
        )
        assert (assessment.response_due_at, assessment.handling_due_at) == (
            MONDAY + timedelta(hours=1),
            MONDAY + timedelta(days=1),
        )
        item = SupervisionItem.objects.get()
        assert (item.kind, item.owner, item.cause_key, item.report, item.colour) == (
            "risk",
            reviewer,
            f"risk:report:{report.pk}",
            report,
            "none",
        )
        assert (item.due_at, item.response_due_at) == (assessment.handling_due_at, assessment.response_due_at)
        assert item.title == "红色风险处置：“某厂欠薪苗头”"

    def test_a_change_is_kept_and_the_item_gets_the_new_deadlines(self, report, reviewer):
        services.risk_level_set(subject=report, level="blue", reason="初判", actor=reviewer, now=MONDAY)
        later = MONDAY + timedelta(hours=5)
        services.risk_level_set(subject=report, level="orange", reason="人数增加", actor=reviewer, now=later)
        rows = list(RiskAssessment.objects.order_by("set_at").values_list("level", "previous_level", "superseded_at"))
        assert rows == [("blue", "", later), ("orange", "blue", None)]
        item = SupervisionItem.objects.get()  # still one item
        assert (item.due_at, item.response_due_at, item.title) == (
            later + timedelta(days=3),
            later + timedelta(hours=4),
            "橙色风险处置：“某厂欠薪苗头”",
        )
        assert "风险等级蓝色→橙色" in item.logs.get(action="deadline").note

    @pytest.mark.parametrize(
        ("level", "reason", "message"),
        [
            ("purple", "x", {"level": ["请选择风险等级（红、橙、黄、蓝）"]}),
            ("red", "  ", {"reason": ["请填写设定或调整风险等级的理由"]}),
        ],
    )
    def test_bad_input_writes_nothing(self, report, reviewer, level, reason, message):
        with pytest.raises(ValidationError) as exc:
            services.risk_level_set(subject=report, level=level, reason=reason, actor=reviewer, now=MONDAY)
        assert exc.value.message_dict == message
        assert not RiskAssessment.objects.exists() and not SupervisionItem.objects.exists()

    def test_the_same_level_again_is_refused(self, report, reviewer):
        services.risk_level_set(subject=report, level="red", reason="x", actor=reviewer, now=MONDAY)
        with pytest.raises(ValidationError) as exc:
            services.risk_level_set(subject=report, level="red", reason="y", actor=reviewer, now=MONDAY)
        assert exc.value.message_dict == {"level": ["当前已是红色风险，无需调整"]}

    def test_another_countys_staff_and_officers_are_refused(self, report, foreign_reviewer, officer):
        for actor in (foreign_reviewer, officer.user):
            with pytest.raises(ValidationError) as exc:
                services.risk_level_set(subject=report, level="red", reason="x", actor=actor, now=MONDAY)
            assert exc.value.messages == ["只有本县区的工作人员可以设定风险等级"]

    def test_the_countys_terms_in_working_days(self, county, report, reviewer):
        DeadlineSetting.objects.create(county=county, effective_from=date(2026, 1, 1), working_days=True)
        services.risk_level_set(subject=report, level="red", reason="x", actor=reviewer, now=FRIDAY)
        item = SupervisionItem.objects.get()
        # 1 working day from Friday 17:00 is Monday 17:00; the hour stays on Friday
        assert item.due_at == datetime(2026, 3, 9, 17, 0, tzinfo=BEIJING)
        assert item.response_due_at == FRIDAY + timedelta(hours=1)

    def test_working_days_skip_the_holiday_and_count_the_make_up_saturday(self, county, report, reviewer):
        """The calendar is data: 国庆 and its 调休 Saturday as the admin keeps them."""
        WorkCalendarDay.objects.all().delete()
        WorkCalendarDay.objects.bulk_create(
            [WorkCalendarDay(day=date(2026, 10, d), is_workday=False, name="国庆节") for d in range(1, 8)]
            + [WorkCalendarDay(day=date(2026, 10, 10), is_workday=True, name="国庆节调休上班")]
        )
        DeadlineSetting.objects.create(
            county=county, effective_from=date(2026, 1, 1), working_days=True, orange_handling_days=3
        )
        start = datetime(2026, 9, 30, 10, 0, tzinfo=BEIJING)
        services.risk_level_set(subject=report, level="orange", reason="x", actor=reviewer, now=start)
        assert SupervisionItem.objects.get().due_at == datetime(2026, 10, 10, 10, 0, tzinfo=BEIJING)

    def test_terms_take_effect_from_their_date(self, county, report, reviewer):
        DeadlineSetting.objects.create(county=county, effective_from=date(2026, 3, 3), red_handling_days=2)
        services.risk_level_set(subject=report, level="red", reason="x", actor=reviewer, now=MONDAY)  # 2 March
        assert SupervisionItem.objects.get().due_at == MONDAY + timedelta(days=1)  # the default still


class TestSweep:
    def test_only_a_change_of_colour_acts_and_red_tells_the_admins_once(self, county, report, reviewer, admin):
        other_admin = AdminFactory(county=county, email="")
        ReviewerFactory(county=county)  # a reviewer is not the leader
        item = open_item(report, reviewer, due=MONDAY + timedelta(days=4))
        assert services.supervision_sweep(now=MONDAY + timedelta(days=1)) == 0
        assert services.supervision_sweep(now=MONDAY + timedelta(days=3, hours=1)) == 1  # blue
        assert services.supervision_sweep(now=MONDAY + timedelta(days=3, hours=2)) == 0
        assert services.supervision_sweep(now=MONDAY + timedelta(days=4, hours=1)) == 1  # yellow
        assert not OutboxMessage.objects.exists()
        red = MONDAY + timedelta(days=5, hours=1)
        assert services.supervision_sweep(now=red) == 1
        assert services.supervision_sweep(now=red) == 0  # run twice
        assert services.supervision_sweep(now=red + timedelta(days=3)) == 0
        item.refresh_from_db()
        assert (item.colour, item.escalated_due_at) == ("red", item.due_at)
        sent = sorted(OutboxMessage.objects.values_list("recipient_id", "channel"))
        assert sent == sorted([(admin.pk, "in_app"), (admin.pk, "email"), (other_admin.pk, "in_app")])
        message = OutboxMessage.objects.get(recipient=admin, channel="email")
        assert message.title == "红色督办：其他督办（报送信息）"
        assert "某厂欠薪苗头" not in message.body and "责任人：陈审核" in message.body
        assert f"/reports/supervision/{item.pk}/" in message.body
        colours = list(item.logs.filter(action="colour").values_list("from_colour", "to_colour"))
        assert colours == [("none", "blue"), ("blue", "yellow"), ("yellow", "red")]
        assert item.logs.filter(action="escalated").count() == 1

    def test_closed_items_are_left_alone_and_a_late_close_keeps_its_colour(self, report, reviewer, admin):
        item = open_item(report, reviewer, due=MONDAY + timedelta(days=1))
        services.supervision_close(item=item, actor=reviewer, note="已处置", now=MONDAY + timedelta(days=1, hours=3))
        assert services.supervision_sweep(now=MONDAY + timedelta(days=9)) == 0
        item.refresh_from_db()
        assert (item.state, item.colour, item.closed_by) == ("closed", "yellow", reviewer)
        assert item.logs.get(action="closed").note == "已处置（逾期办结）"
        assert not OutboxMessage.objects.exists()

    def test_an_unanswered_response_deadline_turns_yellow_and_a_response_clears_it(self, report, reviewer):
        item = open_item(report, reviewer, due=MONDAY + timedelta(days=3), response_due=MONDAY + timedelta(hours=1))
        assert services.supervision_sweep(now=MONDAY + timedelta(hours=2)) == 1
        item.refresh_from_db()
        assert item.colour == "yellow"
        item = services.supervision_respond(
            item=item, actor=reviewer, note="已电话核实", now=MONDAY + timedelta(hours=3)
        )
        assert (item.colour, item.responded_at) == ("none", MONDAY + timedelta(hours=3))
        with pytest.raises(ValidationError, match="已响应，无需重复登记"):
            services.supervision_respond(item=item, actor=reviewer, now=MONDAY + timedelta(hours=4))

    def test_red_goes_to_the_groups_that_take_supervision_short_and_without_names(
        self, county, report, reviewer, admin
    ):
        with fake_gateways.serving() as server:
            wecom = FakeWecom(server, "/wecom")
            ChannelSetting.objects.create(
                county=county, kind="wecom", name="督办群", webhook_url=f"{wecom.url}?key=k", for_supervision=True
            )
            ChannelSetting.objects.create(
                county=county, kind="wecom", name="突发群", webhook_url=f"{wecom.url}?key=k2", for_alerts=True
            )
            item = open_item(report, reviewer, due=MONDAY + timedelta(days=1))
            services.supervision_sweep(now=MONDAY + timedelta(days=2, hours=1))
            services.supervision_sweep(now=MONDAY + timedelta(days=2, hours=2))
            group = OutboxMessage.objects.get(channel="wecom")
            assert (group.address, group.kind, group.key) == (
                "督办群",
                "supervision",
                f"supervision:{item.pk}:red-{MONDAY + timedelta(days=1):%Y%m%d%H%M}:channel:{group.channel_setting_id}",
            )
            assert outbox.deliver(message_id=group.pk) is True
            [request] = wecom.requests
            text = json.loads(request["body"])["text"]["content"]
            assert f"/reports/supervision/{item.pk}/" in text and "红色督办" in text and "其他督办" in text
            for secret in ("某厂欠薪苗头", "督办测试", "陈审核", "周管理", report.officer.name):
                assert secret not in text

    def test_a_red_after_an_approved_extension_is_told_again(self, report, reviewer, admin):
        item = open_item(report, reviewer, due=MONDAY + timedelta(days=1))
        services.supervision_sweep(now=MONDAY + timedelta(days=2, hours=1))
        extension = services.extension_request(
            item=item,
            actor=reviewer,
            new_due_at=MONDAY + timedelta(days=5),
            reason="企业负责人外出",
            now=MONDAY + timedelta(days=2, hours=2),
        )
        services.extension_decide(
            extension=extension, actor=admin, approve=True, now=MONDAY + timedelta(days=2, hours=3)
        )
        item.refresh_from_db()
        assert (item.due_at, item.colour) == (MONDAY + timedelta(days=5), "none")  # red no more
        services.supervision_sweep(now=MONDAY + timedelta(days=6, hours=1))
        assert OutboxMessage.objects.filter(recipient=admin, channel="in_app").count() == 2


class TestExtensions:
    def test_asked_with_a_reason_decided_by_an_admin_and_kept(self, report, reviewer, admin):
        item = open_item(report, reviewer, due=MONDAY + timedelta(days=2))
        extension = services.extension_request(
            item=item, actor=reviewer, new_due_at=MONDAY + timedelta(days=6), reason="等待企业账目", now=MONDAY
        )
        with pytest.raises(ValidationError, match="已有一项延期申请待审批"):
            services.extension_request(item=item, actor=reviewer, new_due_at=MONDAY + timedelta(days=7), reason="x")
        with pytest.raises(ValidationError, match="只有本县区的管理员可以审批延期"):
            services.extension_decide(extension=extension, actor=reviewer, approve=True)
        foreign_admin = AdminFactory(county=ReviewerFactory().county)
        with pytest.raises(ValidationError, match="只有本县区的管理员可以审批延期"):
            services.extension_decide(extension=extension, actor=foreign_admin, approve=True)
        services.extension_decide(extension=extension, actor=admin, approve=True, note="同意", now=MONDAY)
        extension.refresh_from_db()
        item.refresh_from_db()
        assert (extension.state, extension.decided_by, extension.previous_due_at, item.due_at) == (
            "approved",
            admin,
            MONDAY + timedelta(days=2),
            MONDAY + timedelta(days=6),
        )
        with pytest.raises(ValidationError, match="该申请已已批准"):
            services.extension_decide(extension=extension, actor=admin, approve=False, note="x")
        actions = list(item.logs.values_list("action", flat=True))
        assert actions == ["opened", "ext_asked", "ext_approved"]

    def test_a_refusal_needs_a_reason_and_leaves_the_deadline(self, report, reviewer, admin):
        item = open_item(report, reviewer, due=MONDAY + timedelta(days=2))
        extension = services.extension_request(
            item=item, actor=reviewer, new_due_at=MONDAY + timedelta(days=6), reason="等待", now=MONDAY
        )
        with pytest.raises(ValidationError) as exc:
            services.extension_decide(extension=extension, actor=admin, approve=False, note="")
        assert exc.value.message_dict == {"note": ["不批准时请填写理由"]}
        services.extension_decide(extension=extension, actor=admin, approve=False, note="时限不宜再延")
        item.refresh_from_db()
        assert item.due_at == MONDAY + timedelta(days=2)
        assert SupervisionLog.objects.filter(item=item, action="ext_refused", note="时限不宜再延").exists()


class TestOpening:
    def test_opening_the_same_cause_twice_returns_the_open_one(self, report, reviewer):
        item = open_item(report, reviewer, due=MONDAY + timedelta(days=2), key="risk:report:x")
        again, created = services.supervision_open(
            subject=report, kind="other", owner=reviewer, due_at=MONDAY, title="t", cause_key="risk:report:x"
        )
        assert (again, created) == (item, False)

    def test_an_officer_cannot_own_an_item(self, report, officer):
        with pytest.raises(ValidationError) as exc:
            services.supervision_open(
                subject=report, kind="other", owner=officer.user, due_at=MONDAY, title="t", cause_key="k", now=MONDAY
            )
        assert exc.value.message_dict == {"owner": ["督办责任人须为本县区工作人员（审核人员或管理员）"]}


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_escalate_once(county):
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL 的行锁 (SELECT ... FOR UPDATE); set DATABASE_URL")
    reviewer = ReviewerFactory(county=county)
    admin = AdminFactory(county=county, email="zhou@example.org")
    report = ReportFactory(officer=OfficerFactory(county=county), status="submitted")
    items = [open_item(report, reviewer, due=MONDAY + timedelta(days=1), key=f"k{n}") for n in range(5)]
    barrier = threading.Barrier(2)
    changed = []

    def sweep():
        try:
            barrier.wait()
            changed.append(services.supervision_sweep(now=MONDAY + timedelta(days=3)))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(changed) == 5  # each item changed colour once, by one worker or the other
    assert OutboxMessage.objects.filter(recipient=admin).count() == 10  # bell + email, per item, once
    assert SupervisionLog.objects.filter(action="escalated").count() == 5
    assert {i.pk for i in items} == set(SupervisionItem.objects.filter(colour="red").values_list("pk", flat=True))
