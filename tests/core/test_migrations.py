"""A database built at the layout before the floors (reports holding the audit log, the bell, the
monthly summary, emergency alert deliveries and reminders' channel states) migrates to the new layout
without losing a row: the tables that moved keep their rows, and the two old delivery machines end up
in the one outbox with nothing pending lost and nothing sent sent again."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reports.models import Reminder, Report, ReportAttachment, StipendSheet, StipendSheetRow
from unionportal.core.models import AuditEntry, Notification, OutboxMessage
from unionportal.overview.models import MonthlySummary, SummaryAction

BJ = ZoneInfo("Asia/Shanghai")
# The leaf migrations of main before the floors issue (commit 4df7f1e).
BEFORE = [
    ("officers", "0004_user_username_is_phone"),
    ("reports", "0007_default_schedules"),
    ("disputes", "0001_initial"),
    ("core", None),
    ("overview", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def previous_layout(transactional_db):
    """The database as the previous main left it; back to the current layout afterwards, whatever
    the test did, so the next test finds the schema it expects."""
    try:
        yield migrate(BEFORE)
    finally:
        migrate(leaves())


# Marked, not only through its fixture, so pytest-django runs it with the other transactional tests,
# after every test that reads what the migrations installed (the flush at its end empties the tables).
@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_previous_layout_keeps_every_row(previous_layout):
    old = previous_layout
    County = old.get_model("officers", "County")
    Township = old.get_model("officers", "Township")
    User = old.get_model("officers", "User")
    Officer = old.get_model("officers", "Officer")
    OldReport = old.get_model("reports", "Report")
    OldAttachment = old.get_model("reports", "ReportAttachment")
    OldAudit = old.get_model("reports", "AuditEntry")
    OldNotification = old.get_model("reports", "Notification")
    AlertDelivery = old.get_model("reports", "AlertDelivery")
    OldReminder = old.get_model("reports", "Reminder")
    OldSheet = old.get_model("reports", "StipendSheet")
    OldRow = old.get_model("reports", "StipendSheetRow")
    OldSummary = old.get_model("reports", "MonthlySummary")
    OldAction = old.get_model("reports", "SummaryAction")
    PeriodicTask = old.get_model("django_celery_beat", "PeriodicTask")
    IntervalSchedule = old.get_model("django_celery_beat", "IntervalSchedule")
    # The alert sweep's schedule as reports 0007 installed it (whatever an earlier test left).
    PeriodicTask.objects.filter(task="reports.tasks.sweep_alerts").delete()
    PeriodicTask.objects.create(
        name="补发未送达的突发信息提醒",
        task="reports.tasks.sweep_alerts",
        interval=IntervalSchedule.objects.get_or_create(every=30, period="seconds")[0],
        queue="alerts",
    )

    county = County.objects.create(code="320922", name="滨海县")
    township = Township.objects.create(county=county, name="八巨镇", sort_key="ba ju zhen")
    reviewer = User.objects.create(
        username="13900000002", full_name="陈审核", role="reviewer", county=county, email="chen@example.org"
    )
    officer_user = User.objects.create(
        username="13815110004", full_name="刘洋", role="officer", email="liu@example.org"
    )
    officer = Officer.objects.create(
        user=officer_user,
        name="刘洋",
        phone="13815110004",
        county=county,
        township=township,
        category="new_form",
        status="active",
    )
    when = datetime(2026, 10, 12, 10, 40, tzinfo=BJ)
    report = OldReport.objects.create(
        officer=officer,
        county=county,
        township=township,
        title="外卖骑手反映站点罚款过重",
        content="内容",
        category="mass_incident",
        urgency="emergency",
        occurred_at=when - timedelta(minutes=30),
        status="submitted",
        submitted_at=when,
        on_time=True,
        grade="qualified",
    )
    OldAttachment.objects.create(
        report=report,
        file="attachments/2026/10/abc.jpg",
        original_name="现场.jpg",
        content_type="image/jpeg",
        kind="image",
        size=1234,
    )
    OldAudit.objects.create(actor=reviewer, action="view_report", county=county, report=report, target=report.title)
    OldNotification.objects.create(
        recipient=reviewer, kind="emergency", title="【突发信息】外卖骑手反映站点罚款过重", report=report
    )
    AlertDelivery.objects.create(
        report=report, recipient=reviewer, channel="in_app", state="sent", attempts=1, sent_at=when
    )
    # An email still waiting when the portal was upgraded: it must still go out, once.
    AlertDelivery.objects.create(report=report, recipient=reviewer, channel="email", state="pending")
    reminder = OldReminder.objects.create(
        recipient=officer_user,
        county=county,
        kind="quota_20",
        period=date(2026, 11, 1),
        text="2026年11月您已报送 0 条信息",
        email_state="sent",
        sms_state="pending",
    )
    sheet = OldSheet.objects.create(
        county=county,
        month=date(2026, 10, 1),
        state="approved",
        quota=1,
        amount_qualified=100,
        amount_good=200,
        amount_excellent=300,
        total=Decimal("100.00"),
        approved_at=when,
    )
    OldRow.objects.create(
        sheet=sheet,
        officer=officer,
        position=1,
        name="刘洋",
        phone="13815110004",
        submitted_count=1,
        valid_count=1,
        tier="qualified",
        amount=100,
    )
    summary = OldSummary.objects.create(
        county=county, month=date(2026, 10, 1), figures={"total": 1}, attendees="全体", conclusions="关注外卖站点"
    )
    OldAction.objects.create(summary=summary, description="走访站点", owner=reviewer, due_on=date(2026, 12, 1))

    migrate(leaves())

    assert Report.objects.get().title == "外卖骑手反映站点罚款过重"
    assert ReportAttachment.objects.get().original_name == "现场.jpg"
    audit = AuditEntry.objects.get()
    assert (audit.action, audit.report_id, audit.county_id, audit.actor_id) == (
        "view_report",
        report.pk,
        county.pk,
        reviewer.pk,
    )
    assert Notification.objects.get().report_id == report.pk
    assert (StipendSheet.objects.get().total, StipendSheetRow.objects.get().amount) == (Decimal("100.00"), 100)
    assert MonthlySummary.objects.get().conclusions == "关注外卖站点"
    assert SummaryAction.objects.get().description == "走访站点"
    assert Reminder.objects.get().text == "2026年11月您已报送 0 条信息"
    assert sorted(OutboxMessage.objects.values_list("key", "channel", "state", "address")) == [
        (f"alert:{report.pk}:{reviewer.pk}:email", "email", "pending", "chen@example.org"),
        (f"alert:{report.pk}:{reviewer.pk}:in_app", "in_app", "sent", ""),
        (f"reminder:{reminder.pk}:email", "email", "sent", "liu@example.org"),
        (f"reminder:{reminder.pk}:in_app", "in_app", "sent", ""),
        (f"reminder:{reminder.pk}:sms", "sms", "pending", "13815110004"),
    ]
    waiting = OutboxMessage.objects.get(channel="email", kind="alert")
    assert waiting.title == "【信息员工作平台】有一条新的突发信息" and f"/reports/{report.pk}/" in waiting.body
    assert "刘洋" not in waiting.body  # the email names no one, as before
    assert PeriodicTask.objects.filter(task="unionportal.core.tasks.sweep_outbox").count() == 1
    assert not PeriodicTask.objects.filter(task__startswith="reports.tasks.sweep_alerts").exists()
