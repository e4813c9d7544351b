"""The monthly analysis summary: every figure on a fixed data set, rebuilds, the files, the meeting."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disputes import services as dispute_services
from officers.models import Enterprise
from reports import services as report_services
from reports.models import Reminder
from tests.factories import (
    AdminFactory,
    EnterpriseFactory,
    OfficerFactory,
    ReportFactory,
    ReviewerFactory,
    TownshipFactory,
)
from unionportal.core import outbox
from unionportal.core.models import Notification, OutboxMessage
from unionportal.overview import summaries, tasks
from unionportal.overview.models import MonthlySummary, SummaryAction
from unionportal.overview.summary_export import docx_bytes

BJ = ZoneInfo("Asia/Shanghai")
OCT = date(2026, 10, 1)
NEXT_WEEK = (timezone.localdate() + timedelta(days=7)).isoformat()
pytestmark = pytest.mark.django_db


def at(month, day, hour=10):
    return datetime(2026, month, day, hour, 0, tzinfo=BJ)


@pytest.fixture
def october(county):
    dongkan = TownshipFactory(county=county, name="东坎街道")
    wuxun = TownshipFactory(county=county, name="五汛镇")
    textile = EnterpriseFactory(county=county, name="滨海华强纺织有限公司")
    wang = OfficerFactory(county=county, name="王建国", township=dongkan)
    liu = OfficerFactory(county=county, name="刘洋", township=wuxun, category="new_form", key_group="courier")
    OfficerFactory(county=county, name="陈志强", township=wuxun)  # reports nothing: missed the quota
    common = {"status": "reviewed"}
    ReportFactory(
        officer=wang,
        submitted_at=at(10, 8),
        occurred_at=at(10, 8, 9),
        category="wage_arrears",
        township=dongkan,
        enterprise=textile,
        grade="county_adopted",
        adopted_by="滨海县总工会",
        on_time=True,
        **common,
    )
    ReportFactory(
        officer=wang,
        submitted_at=at(10, 12),
        occurred_at=at(10, 12, 9),
        category="wage_arrears",
        urgency="emergency",
        title="某纺织企业拖欠工资苗头",
        township=dongkan,
        enterprise=textile,
        grade="above_adopted",
        adopted_by="盐城市总工会",
        on_time=True,
        **common,
    )
    ReportFactory(
        officer=liu,
        submitted_at=at(10, 20),
        occurred_at=at(10, 19),
        category="new_form_rights",
        township=wuxun,
        grade="qualified",
        on_time=False,
        **common,
    )
    ReportFactory(
        officer=liu,
        submitted_at=at(10, 31, 23),
        occurred_at=at(10, 31, 22),
        category="mass_incident",
        urgency="emergency",
        title="外卖骑手反映站点罚款过重",
        township=wuxun,
        on_time=True,
    )  # pending
    ReportFactory(officer=liu, submitted_at=at(10, 25), occurred_at=at(10, 25), status="withdrawn")  # not counted
    ReportFactory(
        officer=wang,
        submitted_at=at(9, 10),
        occurred_at=at(9, 10),
        category="wage_arrears",
        township=dongkan,
        enterprise=textile,
        grade="qualified",
        **common,
    )  # September
    ReportFactory(
        officer=wang,
        submitted_at=at(9, 11),
        occurred_at=at(9, 11),
        category="work_safety",
        township=dongkan,
        grade="qualified",
        **common,
    )
    reviewer = ReviewerFactory(county=county, full_name="陈审核")
    case = dispute_services.case_register(
        county=county,
        actor=reviewer,
        dispute_type="wage_arrears",
        workers_involved=126,
        enterprise=textile,
        registered_on=date(2026, 10, 13),
    )
    dispute_services.case_move(case=case, to_status="mediating", actor=reviewer, on=date(2026, 10, 14))
    dispute_services.case_move(case=case, to_status="succeeded", actor=reviewer, on=date(2026, 10, 28))
    dispute_services.outcome_add(
        case=case, actor=reviewer, kind="wages", amount=Decimal("1260000"), received_on=date(2026, 10, 30)
    )
    return {"reviewer": reviewer, "wang": wang, "liu": liu}


def test_every_figure(county, october):
    f = summaries.summary_figures(county=county, month=OCT)
    assert (f["county"], f["month"], f["total"], f["previous_total"], f["change"]) == ("滨海县", "2026年10月", 4, 2, 2)
    by_category = {row[0]: row[1:] for row in f["by_category"]}
    assert by_category["欠薪讨薪"] == [2, 1, 1]
    assert by_category["安全生产"] == [0, 1, -1]
    assert by_category["新就业形态劳动者权益"] == [1, 0, 1]
    assert by_category["群体性事件苗头"] == [1, 0, 1]
    assert {row[0]: row[1] for row in f["by_urgency"]} == {"一般": 2, "突发": 2}
    assert {row[0]: row[1:] for row in f["by_township"]} == {"东坎街道": [2, 2, 0], "五汛镇": [2, 0, 2]}
    assert {row[0]: row[1] for row in f["by_key_group"]}["快递员"] == 2
    assert {row[0]: row[1] for row in f["by_key_group"]}["其他信息员"] == 2
    assert (f["on_time"], f["timeliness_rate"]) == (3, 0.75)
    assert (f["county_adopted"], f["above_adopted"], f["adoption_rate"], f["pending"]) == (1, 1, 0.5, 1)
    assert f["emergencies"] == [
        ["10-12 10:00", "某纺织企业拖欠工资苗头", "王建国", "东坎街道", "县级以上部门采用"],
        ["10-31 23:00", "外卖骑手反映站点罚款过重", "刘洋", "五汛镇", "待审核"],
    ]
    textile = Enterprise.objects.get(name="滨海华强纺织有限公司")
    assert f["repeated_enterprises"] == [["滨海华强纺织有限公司", 3, textile.pk]]  # the id links to its ledger
    assert f["disputes"] == {
        "registered": 1,
        "concluded": 1,
        "successful": 1,
        "workers": 126,
        "success_rate": 1.0,
        "compensation": "0.00",
        "wages_recovered": "1260000.00",
    }
    assert (f["quota"], f["missed_quota"]) == (1, [["陈志强", "五汛镇"]])


def test_rebuild_replaces_figures_and_keeps_the_meeting(county, october):
    summary = summaries.summary_build(county=county, month=OCT)
    summary.meeting_on, summary.conclusions = date(2026, 11, 3), "重点关注华强纺织欠薪风险"
    summary.save()
    SummaryAction.objects.create(
        summary=summary, description="走访华强纺织", owner=october["reviewer"], due_on=date(2026, 11, 15)
    )
    ReportFactory(officer=october["wang"], submitted_at=at(10, 30), occurred_at=at(10, 30))
    again = summaries.summary_build(county=county, month=OCT)
    assert again.pk == summary.pk and again.figures["total"] == 5
    assert (again.meeting_on, again.conclusions, again.actions.count()) == (
        date(2026, 11, 3),
        "重点关注华强纺织欠薪风险",
        1,
    )
    assert MonthlySummary.objects.count() == 1


def test_monthly_job_builds_and_notifies_reviewers_once(county, october, monkeypatch):
    from reports import reminders

    monkeypatch.setattr(reminders, "current_month", lambda now=None: date(2026, 11, 1))
    assert tasks.build_monthly_summaries.apply().get() == 1
    assert tasks.build_monthly_summaries.apply().get() == 1
    assert MonthlySummary.objects.get().month == OCT
    assert Reminder.objects.filter(kind="summary_ready").count() == 1
    assert Notification.objects.filter(recipient=october["reviewer"], title="月度分析研判材料已生成").count() == 1


def test_a_mail_outage_leaves_the_summary_email_for_the_next_run(county, october, monkeypatch):
    from reports import reminders

    october["reviewer"].email = "r@example.org"
    october["reviewer"].save()
    summary = summaries.summary_build(county=county, month=OCT)
    monkeypatch.setattr(outbox, "send_mail", mock.Mock(side_effect=ConnectionRefusedError("SMTP down")))
    assert reminders.notify_summary_ready(summary=summary) == 1  # told in the portal; the email waits
    assert OutboxMessage.objects.get(kind="reminder", channel="email").state == "pending"
    monkeypatch.setattr(outbox, "send_mail", mock.Mock())
    assert reminders.notify_summary_ready(summary=summary) == 0  # the 12:00 run: nobody told twice
    assert OutboxMessage.objects.get(kind="reminder", channel="email").state == "sent"
    assert Notification.objects.filter(title="月度分析研判材料已生成").count() == 1


def test_docx_and_xlsx_open(county, october):
    summary = summaries.summary_build(county=county, month=OCT)
    summary.meeting_on, summary.attendees, summary.conclusions = date(2026, 11, 3), "陈审核、周管理", "加强走访"
    summary.save()
    from unionportal.overview.summary_export import docx_bytes, xlsx_bytes

    document = docx.Document(io.BytesIO(docx_bytes(summary)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "滨海县2026年10月劳动领域信息分析研判"
    assert "本月突发信息" in headings and "分析会记录" in headings
    text = "\n".join(p.text for p in document.paragraphs)
    assert "本月共报送信息 4 条（上月 2 条，变化 +2）" in text and "研判意见：加强走访" in text
    assert "清理欠薪 1260000.00 元" in text
    assert len(document.inline_shapes) == 3  # the charts
    assert document.tables[0].rows[1].cells[0].text == "欠薪讨薪"
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(summary)))
    assert book.sheetnames == [
        "概况",
        "按信息类别",
        "按紧急程度",
        "按镇区街道",
        "按重点群体",
        "突发信息",
        "重复风险企业",
        "本月逾期办结的督办事项",
        "尚未办结的督办事项",
        "未完成任务",
    ]
    assert list(book["突发信息"].iter_rows(values_only=True))[1][1] == "某纺织企业拖欠工资苗头"


def _owner_reads(read) -> list[str]:
    """The SQL of the queries that read the summary's actions."""
    return [q["sql"] for q in read.captured_queries if '"reports_summaryaction"' in q["sql"]]


def test_the_meeting_file_names_each_actions_owner_and_reads_no_more_of_the_account(county, october):
    summary = summaries.summary_build(county=county, month=OCT)
    SummaryAction.objects.create(
        summary=summary, description="走访华强纺织", owner=october["reviewer"], due_on=date(2026, 11, 15)
    )
    with CaptureQueriesContext(connection) as read:
        document = docx.Document(io.BytesIO(docx_bytes(summary)))
    row = [cell.text for cell in document.tables[-1].rows[1].cells]
    assert row == ["走访华强纺织", "陈审核", "2026-11-15", "进行中"]
    (sql,) = _owner_reads(read)  # the actions and their owners' names in one query
    assert '"officers_user"."full_name"' in sql and '"officers_user"."password"' not in sql


def test_the_summary_page_names_each_actions_owner_and_reads_no_more_of_the_account(client, county, october):
    summary = summaries.summary_build(county=county, month=OCT)
    SummaryAction.objects.create(
        summary=summary, description="回访外卖站点骑手", owner=october["liu"].user, due_on=date(2026, 11, 15)
    )
    october["liu"].user.full_name = "刘洋"
    october["liu"].user.save(update_fields=["full_name"])
    client.force_login(october["reviewer"])
    with CaptureQueriesContext(connection) as read:
        page = client.get(reverse("overview:summary", args=[summary.pk]))
    assert "回访外卖站点骑手 · 刘洋 · 期限 2026-11-15" in page.content.decode()
    (sql,) = _owner_reads(read)
    assert '"officers_user"."full_name"' in sql and '"officers_user"."password"' not in sql


def test_the_summarys_supervision_figures_read_owners_by_name_in_two_queries(county, october):
    report = ReportFactory(officer=october["wang"], status="submitted")
    opened = datetime(2026, 10, 5, 9, tzinfo=BJ)
    report_services.supervision_open(
        subject=report,
        kind="other",
        owner=october["reviewer"],
        due_at=opened + timedelta(days=3),
        title="尚未办结",
        cause_key="尚未办结",
        now=opened,
    )
    with CaptureQueriesContext(connection) as read:
        figures = summaries.supervision_figures(county=county, start=at(10, 1, 0), end=at(11, 1, 0))
    assert [row[:3] for row in figures["supervision_open"]] == [["尚未办结", "其他督办", "陈审核"]]
    assert len(read) == 2  # the items closed late and those open, each with its owners' names
    for query in read.captured_queries:
        assert '"officers_user"."full_name"' in query["sql"] and '"officers_user"."password"' not in query["sql"]


def test_command(county, october, tmp_path):
    out = io.StringIO()
    call_command(
        "monthly_summary", "--county", "320922", "--month", "2026-10", "--output", str(tmp_path / "m.docx"), stdout=out
    )
    assert (
        out.getvalue().splitlines()[0]
        == "滨海县2026年10月分析研判材料已生成：报送信息 4 条，突发 2 条，未完成任务 1 人。"
    )
    assert docx.Document(str(tmp_path / "m.docx")).paragraphs[0].text == "滨海县2026年10月劳动领域信息分析研判"
    with pytest.raises(CommandError) as exc:
        call_command("monthly_summary", "--county", "320922", "--month", "2026-10", "--output", "x.pdf")
    assert str(exc.value) == "--output 只支持 .docx 或 .xlsx 文件"
    month = (timezone.localdate().replace(day=28) + timedelta(days=4)).replace(day=1)
    with pytest.raises(CommandError) as exc:
        call_command("monthly_summary", "--county", "320922", "--month", f"{month:%Y-%m}")
    assert str(exc.value) == f"{month.year}年{month.month}月还没有开始，不能生成分析研判材料"
    assert MonthlySummary.objects.filter(month=month).count() == 0


class TestPages:
    def test_meeting_and_actions(self, client, county, october):
        summary = summaries.summary_build(county=county, month=OCT)
        reviewer, liu = october["reviewer"], october["liu"]
        client.force_login(reviewer)
        page = client.get(reverse("overview:summary", args=[summary.pk]))
        assert page.status_code == 200 and page.context["chart_count"] == 3
        assert client.get(reverse("overview:summary_chart", args=[summary.pk, 0]))["Content-Type"] == "image/png"
        response = client.post(
            reverse("overview:summary_meeting", args=[summary.pk]),
            {"meeting_on": "2026-11-03", "attendees": "陈审核", "conclusions": "加强走访"},
        )
        assert response.status_code == 302
        future = (date.today() + timedelta(days=3)).isoformat()
        response = client.post(
            reverse("overview:summary_meeting", args=[summary.pk]),
            {"meeting_on": future, "attendees": "x", "conclusions": "y"},
        )
        assert response.context["meeting_form"].errors["meeting_on"] == ["分析会日期不能晚于今天"]
        response = client.post(
            reverse("overview:summary_meeting", args=[summary.pk]),
            {"meeting_on": "2026-09-30", "attendees": "x", "conclusions": "y"},
        )
        assert response.context["meeting_form"].errors["meeting_on"] == ["分析会日期不能早于所分析的月份（2026年10月）"]
        response = client.post(
            reverse("overview:summary_action", args=[summary.pk]),
            {
                "description": "补一项",
                "owner": liu.user.pk,
                "due_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            },
        )
        assert response.context["action_form"].errors["due_on"] == ["完成期限不能早于今天"]
        client.post(
            reverse("overview:summary_action", args=[summary.pk]),
            {"description": "回访外卖站点骑手", "owner": liu.user.pk, "due_on": NEXT_WEEK},
        )
        action = SummaryAction.objects.get()
        # The owner sees it on their home page until done, and can mark it done.
        client.force_login(liu.user)
        assert [a.description for a in client.get("/").context["open_actions"]] == ["回访外卖站点骑手"]
        client.post(reverse("overview:action_done", args=[action.pk]), {"next": "home"})
        assert list(client.get("/").context["open_actions"]) == []
        action.refresh_from_db()
        assert action.done_by == liu.user
        download = client.get(reverse("overview:summary_download", args=[summary.pk]))
        assert download.status_code == 403  # officers do not download the meeting file

    def test_owner_must_be_of_the_county(self, client, county, other_county, october):
        summary = summaries.summary_build(county=county, month=OCT)
        client.force_login(october["reviewer"])
        foreign = OfficerFactory(county=other_county)
        response = client.post(
            reverse("overview:summary_action", args=[summary.pk]),
            {"description": "x", "owner": foreign.user.pk, "due_on": NEXT_WEEK},
        )
        assert "owner" in response.context["action_form"].errors
        assert SummaryAction.objects.count() == 0

    def test_other_countys_summary_is_404(self, client, county, other_county, october):
        summary = summaries.summary_build(county=county, month=OCT)
        client.force_login(ReviewerFactory(county=other_county))
        assert client.get(reverse("overview:summary", args=[summary.pk])).status_code == 404
        assert client.get(reverse("overview:summary_download", args=[summary.pk])).status_code == 404
        client.force_login(AdminFactory(county=county))
        assert client.get(reverse("overview:summary_download", args=[summary.pk]) + "?format=xlsx").status_code == 200
