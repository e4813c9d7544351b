"""Every page escapes what people typed: a markup payload in every text column, on every page, for every role.

The world is one county with one object of every kind, made through the services. Then EVERY free-text
column of our models (found by introspection, so a new column is covered without touching this file) is
set to a payload that names its column. Every URL of the project (resolver-based, as in test_security, so
a new view cannot escape) and every admin page of our models is then opened as each role: no payload may
come back as markup, and the escaped payloads must really be on the pages.
"""

import itertools
import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from disputes import services as dispute_services
from officers import services as officer_services
from officers.models import County
from reports import services as report_services
from reports.models import PointsTable
from tests.factories import (
    AdminFactory,
    EnterpriseFactory,
    OfficerFactory,
    RegionalReviewerFactory,
    ReviewerFactory,
    TownshipFactory,
    UserFactory,
    image_bytes,
)
from tests.unionportal.test_security import project_patterns
from unionportal.core import outbox
from unionportal.core.audit import audit_record
from unionportal.core.idempotency import submit_once
from unionportal.core.imports import services as import_services
from unionportal.core.models import OutboxMessage
from unionportal.overview import notices as notice_services
from unionportal.overview import services as overview_services
from unionportal.overview import summaries

pytestmark = pytest.mark.django_db

OUR_APPS = ("core", "officers", "reports", "disputes", "overview")
ROOT = Path(__file__).resolve().parents[2]

# ---- the payloads ----------------------------------------------------------------------------------------
# Each column gets a marker "~NNN" (its place in text_columns()), so a page shows which columns reached it.
# The longest payload that fits the column is used; each is active markup if it comes back unescaped.
PAYLOADS = ("<script>alert('{m}')</script>\"'", "<svg/onload={m}>", "<b x={m}>")
# What a payload looks like when it was NOT escaped: none of these may be in any page.
RAW_MARKERS = ("<script>alert(", "<svg/onload=", "<b x=~")
ESCAPED = "&lt;script&gt;alert("
REFLECTED = "<script>alert('~rfl')</script>\"'"  # typed into query strings
MARKER_RE = re.compile(r"~(\d{3})")

# Free-text columns that cannot hold a payload, and why. Every other CharField/TextField without
# choices in officers, reports and disputes (the custom User included) gets one.
NOT_PAYLOADED = {
    ("officers.County", "code"): "6-digit administrative code: CHECK constraint county_code_six_digits refuses it",
    ("officers.Region", "code"): "6-digit administrative code: CHECK constraint region_code_six_digits refuses it",
    ("officers.Officer", "phone"): "mobile number: CHECK constraint officer_phone_format refuses it",
    ("officers.Officer", "code"): "officer code 320922-0042: CHECK constraint officer_code_format refuses it",
    ("reports.ForwardedItem", "officer_code"): "officer code: CHECK constraint forward_code_format refuses it",
    ("officers.User", "password"): "a password hash, never shown; changing it would end the sessions under test",
    ("officers.PasswordHistory", "password"): "the hash of an earlier password: never shown anywhere",
    ("officers.SignInCode", "code"): "6 digits drawn by the server: 6 characters cannot hold an active payload",
    ("core.AuditEntry", "prev_hash"): "a digest the audit chain writes (hex), never typed; shown only as hex",
    ("core.AuditEntry", "entry_hash"): "a digest the audit chain writes (hex), never typed; shown only as hex",
    ("core.AuditEntry", "hash_algorithm"): "sha256 or sm3, set from settings: 8 characters hold no payload",
    ("core.AuditPurge", "last_hash"): "a digest copied from the audit chain (hex), never typed",
    ("core.AuditPurge", "archive_sha256"): "the archive's SHA-256 (hex), computed by the purge command",
    ("core.UserSession", "session_key"): "the session store's key: changing it would orphan the row under test",
}

# The columns people type into and that the portal shows: each must be seen (escaped) on some page,
# so the sweep cannot pass by showing nothing.
MUST_REACH_A_PAGE = {
    ("officers.County", "name"),
    ("officers.Township", "name"),
    ("officers.Enterprise", "name"),
    ("officers.Enterprise", "industry"),
    ("officers.User", "full_name"),
    ("officers.Officer", "name"),
    ("officers.Officer", "recommended_by"),
    ("officers.Officer", "vetted_by"),
    ("officers.OfficerStatusChange", "reason"),
    ("officers.VettingNote", "content"),
    ("officers.Activity", "topic"),
    ("officers.Activity", "place"),
    ("officers.Activity", "organiser"),
    ("officers.Guidance", "problem"),
    ("officers.Suggestion", "text"),
    ("officers.Commendation", "reason"),
    ("reports.Report", "title"),
    ("reports.Report", "content"),
    ("reports.Report", "enterprise_name"),
    ("reports.Report", "adopted_by"),
    ("reports.Report", "adoption_doc_no"),
    ("reports.Report", "review_comment"),
    ("reports.Report", "return_reason"),
    ("reports.ReportAttachment", "original_name"),
    ("reports.ReviewEvent", "comment"),
    ("reports.Report", "demands"),
    ("reports.Event", "title"),
    ("reports.Event", "enterprise_name"),
    ("reports.EventEntry", "situation"),
    ("reports.EventEntry", "demands"),
    ("reports.EventEntry", "measures"),
    ("reports.EventEntry", "outcome"),
    ("reports.Lead", "title"),
    ("core.Notification", "title"),
    ("core.Notification", "body"),
    ("core.AuditEntry", "target"),
    ("reports.StipendSheetRow", "name"),
    ("reports.StipendSheetRow", "employer"),
    ("reports.SheetEvent", "reason"),
    ("reports.Budget", "note"),
    ("reports.BudgetLine", "description"),
    ("reports.Reminder", "text"),
    ("core.OutboxMessage", "last_error"),
    ("officers.ChannelSetting", "name"),
    ("officers.ChannelSetting", "sign_name"),
    ("overview.MonthlySummary", "attendees"),
    ("overview.MonthlySummary", "conclusions"),
    ("overview.SummaryAction", "description"),
    ("disputes.DisputeCase", "number"),
    ("disputes.DisputeCase", "description"),
    ("disputes.FollowUp", "action"),
    ("disputes.FollowUp", "next_step"),
    ("disputes.Outcome", "note"),
    ("disputes.Outcome", "over_limit_reason"),
    ("disputes.Outcome", "void_reason"),
    ("disputes.OutcomeCorrection", "reason"),
    ("disputes.CaseAttachment", "original_name"),
    ("disputes.MediationExtension", "reason"),
    ("disputes.ReturnVisit", "note"),
    ("disputes.Agreement", "workers"),
    ("disputes.Agreement", "terms"),
    ("disputes.Agreement", "court"),
    ("disputes.Agreement", "court_case_number"),
    ("disputes.AgreementTemplate", "text"),
    ("reports.ForwardedItem", "title"),
    ("reports.ForwardedItem", "content"),
    ("reports.ForwardedItem", "note"),
    ("reports.ForwardedItem", "refusal_reason"),
    ("reports.ForwardedItem", "publication"),
    ("reports.ForwardedItem", "issue"),
    ("reports.Commission", "topic"),
    ("reports.Commission", "guidance"),
    ("reports.CommissionRecipient", "nothing_note"),
    ("overview.RankingNotice", "foreword"),
    ("overview.RankingNotice", "number"),
    ("reports.RiskAssessment", "reason"),
    ("reports.SupervisionItem", "title"),
    ("reports.SupervisionItem", "close_note"),
    ("reports.SupervisionExtension", "reason"),
    ("reports.SupervisionExtension", "decision_note"),
    ("reports.SupervisionLog", "note"),
    # issue 15: receipts, bulletins and leader instructions
    ("reports.Publication", "name"),
    ("reports.BulletinIssue", "editor_note"),
    ("reports.BulletinIssue", "signer"),
    ("reports.BulletinIssue", "report_to"),
    ("reports.BulletinItem", "heading"),
    ("reports.BulletinItem", "text"),
    ("reports.BulletinItem", "source"),
    ("reports.Instruction", "leader"),
    ("reports.Instruction", "text"),
    ("reports.FollowUp", "feedback"),
}


def unescaped_payloads(body: str) -> list[str]:
    """THE assertion helper: the payload markup that came back unescaped (an empty list for a safe page)."""
    return [marker for marker in RAW_MARKERS if marker in body]


def payload_for(marker: str, max_length: int | None) -> str | None:
    for template in PAYLOADS:
        text = template.format(m=marker)
        if max_length is None or len(text) <= max_length:
            return text
    return None


def text_columns():
    """Every CharField/TextField without choices of our apps' models, in a stable order."""
    found = []
    for app_label in OUR_APPS:
        for model in apps.get_app_config(app_label).get_models():
            for column in model._meta.concrete_fields:
                if isinstance(column, models.CharField | models.TextField) and not column.choices:
                    found.append((model, column))
    return sorted(found, key=lambda pair: (pair[0]._meta.label, pair[1].name))


def _unique(model, column) -> bool:
    if column.unique:
        return True
    together = [set(fields) for fields in model._meta.unique_together]
    together += [set(c.fields) for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
    return any(column.name in fields for fields in together)


def _update_audit_rows(rows, **values) -> None:
    """The audit log is append-only (a trigger refuses UPDATE): the sweep plays the table owner who
    switches it off, as a shell session with those rights might."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE reports_auditentry DISABLE TRIGGER reports_auditentry_append_only")
        rows.update(**values)
        cursor.execute("ALTER TABLE reports_auditentry ENABLE TRIGGER reports_auditentry_append_only")


def plant_payloads() -> dict[tuple[str, str], str]:
    """Set every payload-able column of every row to its payload, bypassing validators (as a bad
    import, a shell session or a future code path might); returns {(model label, column): marker}."""
    planted = {}
    for number, (model, column) in enumerate(text_columns()):
        key = (model._meta.label, column.name)
        if key in NOT_PAYLOADED:
            continue
        marker = f"~{number:03d}"
        rows = model._base_manager.all()
        assert rows.exists(), f"{key}: the world has no {model.__name__}; build one in payload_world()"
        if _unique(model, column):
            for pk in rows.values_list("pk", flat=True):
                value = payload_for(f"{marker}.{pk}", column.max_length)
                assert value, f"{key}: too short for any payload; list it in NOT_PAYLOADED with the reason"
                model._base_manager.filter(pk=pk).update(**{column.name: value})
        else:
            value = payload_for(marker, column.max_length)
            assert value, f"{key}: too short for any payload; list it in NOT_PAYLOADED with the reason"
            if model._meta.label == "core.AuditEntry":
                _update_audit_rows(rows, **{column.name: value})
            else:
                rows.update(**{column.name: value})
        planted[key] = marker
    return planted


# ---- the world -----------------------------------------------------------------------------------------


@dataclass
class World:
    officer: object
    people: dict  # role -> User
    township: object
    last_month: object
    planted: dict = field(default_factory=dict)

    def ids(self, label: str) -> list[int]:
        return sorted(apps.get_model(label)._base_manager.values_list("pk", flat=True))


def _png(name="a.png"):
    return SimpleUploadedFile(name, image_bytes(), content_type="image/png")


def payload_world(county, other_county) -> World:
    """One object of every kind in ``county``, made through the services as in real use."""
    today = timezone.localdate()
    now = timezone.now()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)

    city, _ = officer_services.region_upsert(code="320900", name="盐城市", level="city")
    County.objects.filter(pk=county.pk).update(region=city)
    reviewer = ReviewerFactory(county=county, email="reviewer@example.com")
    county_admin = AdminFactory(county=county, email="admin@example.com")
    superuser = UserFactory(county=None, role="admin", is_staff=True, is_superuser=True)
    township = TownshipFactory(county=county)
    TownshipFactory(county=other_county)
    enterprise = EnterpriseFactory(county=county, township=township, industry="制造业")
    officer = OfficerFactory(
        county=county,
        township=township,
        employer=enterprise,
        category="new_form",
        key_group="courier",
        recommended_by="推荐单位",
        vetted_by="把关单位",
        appointed_on=today - timedelta(days=60),
    )
    officer_services.officer_change_status(officer=officer, to_status="suspended", actor=county_admin, reason="停用")
    officer_services.officer_change_status(officer=officer, to_status="active", actor=county_admin, reason="恢复")
    officer.refresh_from_db()
    officer_services.vetting_note_add(
        officer=officer, author=reviewer, kind="talk", happened_on=today, content="考察情况"
    )
    officer_services.guidance_record(officer=officer, given_by=reviewer, problem="问题", suggestions="建议一\n建议二")
    officer_services.commendation_add(officer=officer, level="county", reason="表彰事由", awarded_on=today)
    activity = officer_services.activity_create(
        county=county,
        actor=reviewer,
        kind="exchange",
        held_on=today + timedelta(days=3),
        topic="主题",
        place="地点",
        organiser="组织单位",
    )
    code = officer_services.sign_in_code_issue(activity=activity, actor=reviewer)
    officer_services.sign_in(officer=officer, code=code.code)

    # Reports: A returned once, resubmitted and adopted; B returned; C an emergency; D a draft.
    def report(title, urgency="general", submit=True, files=()):
        data = {
            "title": title,
            "content": "内容",
            "category": "wage_arrears",
            "urgency": urgency,
            "occurred_at": now - timedelta(minutes=30),
            "township": township,
            "enterprise": enterprise,
            "enterprise_name": "登记外企业",
            "workers_involved": 3,
            "demands": "诉求",
            "amount_involved": Decimal("1000"),
        }
        return report_services.report_save(officer=officer, data=data, submit=submit, files=files)

    adopted = report("甲", files=[_png()])
    adopted = report_services.report_return(report=adopted, reviewer=reviewer, reason="退回", version=adopted.version)
    adopted = report_services.report_save(officer=officer, report=adopted, data={}, submit=True)
    report_services.report_grade(
        report=adopted,
        reviewer=reviewer,
        grade="county_adopted",
        version=adopted.version,
        comment="意见",
        adopted_by="采用单位",
        adopted_on=today,
        adoption_doc_no="文号",
    )
    report_services.report_adopt(
        report=adopted,
        actor=reviewer,
        body="采用单位",
        publication="刊物",
        issue="期号",
        adopted_on=today,
        source="receipt",
        region=city,
    )
    # Bulletins and a leader instruction (issue 15): the county's publication, a signed issue with the
    # adopted item, a draft, and an instruction on the item with its follow-up answered; a 补发 row.
    publication = report_services.publication_create(actor=county_admin, name="工作信息")
    for sign in (True, False):
        bulletin = report_services.issue_create(publication=publication, actor=reviewer)
        report_services.item_add(issue=bulletin, actor=reviewer, report_id=adopted.pk)
        report_services.issue_update(
            issue=bulletin,
            actor=reviewer,
            editor_note="编者按",
            compiler="编辑",
            signer="签发人",
            report_to="报",
            send_to="送",
            issue_to="发",
        )
        if sign:
            bulletin = report_services.issue_sign(issue=bulletin, actor=reviewer)
            signed_item = bulletin.items.get()
    instruction = report_services.instruction_record(
        report=adopted,
        bulletin_item=signed_item,
        actor=reviewer,
        leader="领导",
        rank="county",
        text="批示",
        given_on=today,
        owner=reviewer,
        due_on=today + timedelta(days=5),
        officer_sees_text=True,
        scan=_png("批示.png"),
    )
    report_services.follow_up_feedback(follow_up=instruction.follow_up, actor=reviewer, feedback="反馈")
    returned = report("乙")
    report_services.report_return(report=returned, reviewer=reviewer, reason="退回原因", version=returned.version)
    emergency = report("丙", urgency="emergency")
    # Events: the emergency's event with a 续报, a phone report and a merged duplicate; another one closed.
    from reports.models import Event

    event = Event.objects.get(entries__report=emergency)
    report_services.event_entry_file(
        event=event,
        kind="followup",
        actor=officer.user,
        data={"situation": "进展", "demands": "诉求", "measures": "措施"},
    )
    report_services.event_entry_file(
        event=event, kind="followup", actor=reviewer, officer=officer, phone=True, data={"situation": "电话"}
    )
    report_services.report_merge(report=report("戊"), actor=reviewer, into_event=event)
    report_services.event_followups_check(event_id=event.pk, now=timezone.now() + timedelta(days=3))  # 漏报
    closed_event = Event.objects.get(entries__report=report("己", urgency="emergency"))
    report_services.event_entry_file(event=closed_event, kind="final", actor=officer.user, data={"outcome": "结果"})
    from reports.models import Budget, BudgetLine, Reminder, StipendSetting, TimelinessRule

    for delivery in OutboxMessage.objects.filter(report=emergency):
        outbox.deliver(message_id=delivery.pk)
    report("丁", submit=False)
    # D, sent once through the one-time key of the report form.
    submit_once(
        key=uuid.uuid4(),
        user=officer.user,
        purpose="reports:create",
        create=lambda: report("丁", submit=False),
        url_of=lambda draft: reverse("reports:detail", args=[draft.pk]),
    )
    audit_record(actor=reviewer, action="view_report", report=adopted, target="目标")
    # A county channel (通知渠道) with a group message that failed, for its settings and status pages.
    from officers.channels.models import ChannelSetting

    channel = ChannelSetting.objects.create(
        county=county, kind="dingtalk", name="值班群", webhook_url="https://x/send?access_token=t", for_alerts=True
    )
    OutboxMessage.objects.create(
        key="alert:0:channel:0",
        kind="alert",
        channel="dingtalk",
        channel_setting=channel,
        address="值班群",
        title="标题",
        state="failed",
        attempts=1,
        last_error="错误",
    )

    # Money: an approved (then reopened and re-approved) stipend sheet, a budget, an equipment line.
    report_services.sheet_approve(county=county, month=last_month, actor=county_admin)
    report_services.sheet_reopen(county=county, month=last_month, actor=county_admin, reason="撤销原因")
    report_services.sheet_approve(county=county, month=last_month, actor=county_admin)
    from reports.models import BackPay, StipendSheet

    BackPay.objects.create(
        county=county,
        officer=officer,
        month=last_month,
        source_sheet=StipendSheet.objects.get(county=county, month=last_month),
        paid_on=StipendSheet.objects.create(county=county, month=this_month),
        from_tier="qualified",
        to_tier="excellent",
        amount=200,
    )
    StipendSetting.objects.create(county=county, effective_from=this_month, created_by=county_admin)
    TimelinessRule.objects.create(county=county, emergency_minutes=60)
    Budget.objects.create(county=county, year=today.year, amount=Decimal("100000"), note="说明")
    BudgetLine.objects.create(
        county=county, kind="equipment", spent_on=today, amount=Decimal("300"), description="手机", officer=officer
    )
    Reminder.objects.create(recipient=officer.user, county=county, kind="quota_20", period=this_month, text="提醒")

    # The monthly analysis meeting.
    summary = summaries.summary_build(county=county, month=this_month)
    overview_services.meeting_record(
        summary=summary, actor=reviewer, meeting_on=today, attendees="参会人员", conclusions="研判意见"
    )
    for owner in (officer.user, reviewer):
        overview_services.action_add(
            summary=summary, actor=reviewer, description="措施", owner=owner, due_on=today + timedelta(days=7)
        )

    # Disputes: one the officer handles (full view), one from their report only (limited view).
    case = dispute_services.case_register(
        county=county,
        actor=reviewer,
        dispute_type="wage_arrears",
        workers_involved=3,
        enterprise_name="用人单位",
        amount_claimed=Decimal("5000"),
        description="案情",
        township=township,
        reports=[adopted],
    )
    case.handlers.add(officer.user)
    dispute_services.follow_up_add(case=case, actor=reviewer, action="跟进", next_step="下一步")
    dispute_services.outcome_add(
        case=case, actor=reviewer, kind="wages", amount=Decimal("500"), received_on=today, note="说明"
    )
    # A payment confirmed above the claim, corrected, and one voided: their reasons are shown too.
    paid = dispute_services.outcome_add(
        case=case,
        actor=reviewer,
        kind="compensation",
        amount=Decimal("6000"),
        received_on=today,
        confirmed=True,
        confirm_reason="原因",
    )
    dispute_services.outcome_correct(
        outcome=paid, actor=reviewer, amount=Decimal("5500"), reason="更正", confirmed=True
    )
    dispute_services.outcome_void(
        outcome=dispute_services.outcome_add(
            case=case, actor=reviewer, kind="wages", amount=Decimal("100"), received_on=today
        ),
        actor=reviewer,
        reason="作废",
    )
    dispute_services.case_attach(case=case, actor=reviewer, files=[_png("b.png")])
    dispute_services.case_move(case=case, to_status="mediating", actor=reviewer, note="备注")
    dispute_services.mediation_extend(
        case=case, actor=reviewer, agreed_on=today, new_deadline=today + timedelta(days=30), reason="延长"
    )
    closed = dispute_services.case_register(
        county=county, actor=reviewer, dispute_type="other", workers_involved=1, enterprise_name="用人单位"
    )
    for status in ("mediating", "succeeded", "closed"):
        dispute_services.case_move(case=closed, to_status=status, actor=reviewer)
    dispute_services.return_visit_record(
        case=closed, actor=reviewer, visited_on=today, reached=True, money="na", satisfaction="satisfied", note="回访"
    )
    dispute_services.agreement_record(
        case=closed, actor=reviewer, workers="劳动者", terms="条款", amount=Decimal("100"), signed_on=today
    )
    dispute_services.court_confirmation_record(
        case=closed, actor=reviewer, court="法院", applied_on=today, confirmed_on=today, court_case_number="案号"
    )
    dispute_services.agreement_template_save(county=county, actor=county_admin, text="{{劳动者}}")
    dispute_services.case_link_report(case=case, report=emergency, actor=reviewer)
    dispute_services.case_from_report(report=returned, actor=reviewer)

    # Issue 17: a commission answered 无相关情况, a points table, last month's notice (a draft) and the
    # month before's (published).
    commission = report_services.commission_create(
        county=county,
        actor=reviewer,
        topic="约稿",
        guidance="要求",
        due_on=today + timedelta(days=7),
    )
    report_services.commission_answer_nothing(commission=commission, officer=officer, note="无相关情况说明")
    PointsTable.objects.create(county=county, effective_from=this_month, created_by=county_admin)
    notice_services.notice_publish(
        notice=notice_services.notice_build(county=county, month=(last_month - timedelta(days=1)).replace(day=1)),
        actor=county_admin,
    )
    notice_services.notice_foreword(
        notice=notice_services.notice_build(county=county, month=last_month), foreword="按语"
    )
    # Risk levels and supervision (督办): a report's and a case's levels, an item with a refused
    # extension, one closed; a day of the working calendar.
    from officers.models import DeadlineSetting, WorkCalendarDay
    from reports.models import SupervisionItem

    report_services.risk_level_set(subject=adopted, level="red", reason="理由", actor=reviewer)
    report_services.risk_level_set(subject=case, level="blue", reason="理由", actor=reviewer)
    report_services.risk_level_set(subject=event, level="orange", reason="理由", actor=reviewer)  # the event's panel
    risk_item = SupervisionItem.objects.get(report=adopted)
    extension = report_services.extension_request(
        item=risk_item, actor=reviewer, new_due_at=risk_item.due_at + timedelta(days=2), reason="延期"
    )
    report_services.extension_decide(extension=extension, actor=county_admin, approve=False, note="不批准")
    report_services.supervision_close(item=SupervisionItem.objects.get(case=case), actor=reviewer, note="办结")
    WorkCalendarDay.objects.get_or_create(day=today, defaults={"is_workday": False, "name": "节日", "source": "通知"})
    DeadlineSetting.objects.create(county=county, effective_from=today + timedelta(days=1), created_by=county_admin)

    # A ledger import checked and waiting for confirmation, and one refused with its bad rows.
    header = "姓名,手机号,县区代码,人员类别\n"
    for rows in ("王建国,13815119001,{code},一线职工\n", "王建国,1381511,{code},一线职工\n"):
        text = (header + rows.format(code=county.code)).encode()
        job = import_services.job_start(kind="officers", user=county_admin, upload=SimpleUploadedFile("台账.csv", text))
        import_services.job_run(job.pk)

    # 上报: A forwarded to the city and refused; C forwarded with its attachments and adopted there.
    city_reviewer = RegionalReviewerFactory(region=city)
    refused = report_services.item_forward(
        report=adopted, actor=reviewer, title="上报标题", content="上报内容", note="报送说明", with_attachments=True
    )
    report_services.item_refuse(item=refused, actor=city_reviewer, reason="理由")
    taken = report_services.item_forward(report=emergency, actor=reviewer, title="上报标题", content="上报内容")
    report_services.item_adopt(item=taken, actor=city_reviewer, adopted_on=today, publication="刊物", issue="期号")
    # Personal information and security: a notice and its consent, a correction, a session, a purge.
    from officers import personal
    from unionportal.core.models import AuditPurge, UserSession

    personal.notice_publish(actor=None, title="告知书", text="告知内容")
    personal.consent_accept_online(request=None, user=officer.user)
    personal.correction_request_create(officer=officer, text="请更正")
    UserSession.objects.create(user=officer.user, session_key="s" * 40, user_agent="浏览器")
    AuditPurge.objects.create(
        purged_before=last_month,
        rows=0,
        last_id=0,
        last_hash="0" * 64,
        archive_path="/backup/a.jsonl",
        archive_sha256="0" * 64,
    )

    world = World(
        officer=officer,
        people={
            "officer": officer.user,
            "reviewer": reviewer,
            "admin": county_admin,
            "superuser": superuser,
            "city reviewer": city_reviewer,
        },
        township=township,
        last_month=last_month,
    )
    world.planted = plant_payloads()
    # The month's figures carry township and other names: build them again from the payloads.
    summaries.summary_build(county=county, month=this_month)
    notice_services.notice_build(county=county, month=last_month)
    return world


# ---- the sweep -----------------------------------------------------------------------------------------

# Which objects a URL's parameter names. A pattern not listed here is asked with EVERY id of the world.
PARAMETER_MODELS = (
    (r"^officers/activities/", "officers.Activity"),
    (r"^officers/channels/", "officers.ChannelSetting"),
    (r"^officers/", "officers.Officer"),
    (r"^reports/attachments/", "reports.ReportAttachment"),
    (r"^reports/forwarded/", "reports.ForwardedItem"),
    (r"^reports/commissions/", "reports.Commission"),
    (r"^notices/", "overview.RankingNotice"),
    (r"^reports/supervision/", "reports.SupervisionItem"),
    (r"^reports/bulletins/issues/", "reports.BulletinIssue"),
    (r"^reports/bulletins/items/", "reports.BulletinItem"),
    (r"^reports/bulletins/", "reports.Publication"),
    (r"^reports/instructions/", "reports.Instruction"),
    (r"^reports/adoptions/", "reports.Adoption"),
    (r"^reports/events/entries/", "reports.EventEntry"),
    (r"^reports/events/", "reports.Event"),
    (r"^enterprises/", "officers.Enterprise"),
    (r"^reports/summaries/", "overview.MonthlySummary"),
    (r"^reports/actions/", "overview.SummaryAction"),
    (r"^reports/", "reports.Report"),
    (r"^disputes/from-report/", "reports.Report"),
    (r"^disputes/attachments/", "disputes.CaseAttachment"),
    (r"^disputes/", "disputes.DisputeCase"),
    (r"^imports/", "core.ImportJob"),
    (r"^security/accounts/", "officers.User"),
)

# List pages with the filters that show the world's objects (the review queue opens on 待审核 only).
LIST_QUERIES = {
    "reports/review/": (
        {"status": ""},
        {"status": "submitted"},
        {"status": "returned"},
        {"status": "reviewed"},
        {"status": "", "grade": "county_adopted"},
        {"status": "", "q": "<script>alert("},
        {"status": "", "township": "{township}"},
    ),
    "officers/": ({"status": ""}, {"status": "active"}, {"q": "<script>alert("}, {"township": "{township}"}),
    "disputes/": ({"status": ""}, {"status": "mediating"}, {"q": "<script>alert("}, {"township": "{township}"}),
    "reports/stipends/": ({"month": "{last_month}"},),
    "reports/stipends/export/": ({"month": "{last_month}", "format": "csv"},),
    "reports/": ({"page": "1"},),
    "reports/forwarded/": ({"status": ""}, {"status": "", "box": "all"}),
}
# Query parameters the views read: each is also sent with a payload to every parameterless URL (reflected XSS).
REFLECTED_PARAMETERS = (
    "q status urgency category grade township on_time date_from date_to key_group dispute_type "
    "registered_from registered_to month county year start end page format inline next"
).split()


@dataclass
class SweepResult:
    requests: int = 0
    html_pages: set = field(default_factory=set)  # (who, url) of HTML pages answered 200
    escaped_pages: set = field(default_factory=set)  # ... of those with an escaped script payload
    unescaped: list = field(default_factory=list)  # (who, url, status, markers)
    seen_markers: set = field(default_factory=set)
    unmapped_patterns: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (who, url, exception) of pages that crashed
    skip: set = field(default_factory=set)  # paths that answered a file, an image or 405


def _body(response) -> str | None:
    # A streamed file is read to its end, which closes it (the test client's wrapper does so without
    # the request_finished signal, which would close the test's database connection).
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    return content.decode()


def _fetch(client, who, url, result: SweepResult):
    path = url.split("?")[0]
    if path in result.skip:
        return  # a file, an image or a POST-only URL: asked once, by the first role allowed to
    result.requests += 1
    try:
        response = client.get(url)
    except Exception as exc:  # a page that crashes shows nothing: the test reports it
        result.errors.append((who, url, f"{type(exc).__name__}: {exc}"))
        return
    body = _body(response)
    if response.status_code == 405 or (body is None and response.status_code == 200):
        result.skip.add(path)
    if body is None:
        return
    found = unescaped_payloads(body)
    if found:
        result.unescaped.append((who, url, response.status_code, found))
    if response.status_code == 200:
        result.html_pages.add((who, url))
        if ESCAPED in body:
            result.escaped_pages.add((who, url))
        result.seen_markers.update(MARKER_RE.findall(body))


def project_urls(world: World, result: SweepResult) -> tuple[list[str], list[str]]:
    """Every project URL, its parameters filled with the world's ids, with the list pages' queries;
    and every parameterless URL with each query parameter set to a payload."""
    our_models = [m for app in OUR_APPS for m in apps.get_app_config(app).get_models()]
    all_ids = sorted({pk for model in our_models for pk in world.ids(model._meta.label)})
    fill = {
        "township": getattr(world.township, "pk", ""),
        "last_month": f"{world.last_month:%Y-%m}" if world.last_month else "",
    }
    urls, reflected = [], []
    for pattern in project_patterns():
        names = re.findall(r"<int:(\w+)>", pattern)
        choices = []
        for name in names:
            if name == "index":
                choices.append(range(3))
                continue
            label = next((label for prefix, label in PARAMETER_MODELS if re.match(prefix, pattern)), None)
            if label is None:
                result.unmapped_patterns.append(pattern)
            choices.append(world.ids(label) if label else all_ids)
        for values in itertools.product(*choices):
            path = pattern
            for name, value in zip(names, values, strict=True):
                path = path.replace(f"<int:{name}>", str(value), 1)
            urls.append("/" + path)
        for query in LIST_QUERIES.get(pattern, ()):
            filled = {k: v.format(**fill) for k, v in query.items()}
            urls.append(f"/{pattern}?{urlencode(filled)}")
        if not names:
            reflected.append(f"/{pattern}?{urlencode(dict.fromkeys(REFLECTED_PARAMETERS, REFLECTED))}")
    return urls, reflected


def admin_urls(world: World, *, full: bool) -> list[str]:
    """The changelist (plain and searched) and the change page of every ModelAdmin of our models; in
    full also the add, history, import and export pages, and a second object's change page."""
    urls = []
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label not in OUR_APPS:
            continue
        base = f"admin:{opts.app_label}_{opts.model_name}"
        changelist = reverse(f"{base}_changelist")
        urls += [changelist, f"{changelist}?{urlencode({'q': REFLECTED})}"]
        ids = world.ids(opts.label)[: 2 if full else 1]
        assert ids, f"the world has no {opts.label} for its admin pages: build one in payload_world()"
        urls += [reverse(f"{base}_change", args=[pk]) for pk in ids]
        if full:
            urls += [reverse(f"{base}_add"), reverse(f"{base}_history", args=[ids[0]])]
            for action in ("import", "export"):
                try:
                    urls.append(reverse(f"{base}_{action}"))
                except NoReverseMatch:
                    pass
    return urls


REFLECTING_ROLES = ("anonymous", "officer", "admin")  # reviewers see a subset of the admins' pages


def sweep(client, world: World, *, with_admin=True, only=None) -> SweepResult:
    """GET every URL as each role; ``only`` narrows the URLs (for the test of the sweep itself)."""
    result = SweepResult()
    urls, reflected = project_urls(world, result)
    if only:
        urls, reflected = [u for u in urls if only(u)], [u for u in reflected if only(u)]
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)  # hundreds of expected 403s and 404s
    try:
        for who, user in [("anonymous", None), *world.people.items()]:
            if user is None:
                client.logout()
            else:
                client.force_login(user)
            for url in urls if user else ["/accounts/login/"]:
                _fetch(client, who, url, result)
            if who in REFLECTING_ROLES:
                for url in reflected:
                    _fetch(client, who, url, result)
            if with_admin and user is not None and user.is_staff:
                for url in admin_urls(world, full=user.is_superuser):
                    _fetch(client, who, url, result)
    finally:
        request_log.setLevel(level)
        client.logout()
    return result


# ---- the tests -----------------------------------------------------------------------------------------


def test_every_page_escapes_every_text_field(client, county, other_county):
    world = payload_world(county, other_county)
    planted = world.planted

    # The introspection really found the columns, the custom User's included.
    assert len(planted) >= 50
    assert MUST_REACH_A_PAGE <= set(planted), MUST_REACH_A_PAGE - set(planted)
    assert any(label == get_user_model()._meta.label for label, _ in planted)
    stale = set(NOT_PAYLOADED) - {(m._meta.label, c.name) for m, c in text_columns()}
    assert not stale, f"NOT_PAYLOADED names columns that no longer exist: {stale}"

    result = sweep(client, world)

    assert result.unescaped == []
    assert result.unmapped_patterns == []  # a new URL with an id: add it to PARAMETER_MODELS
    assert result.errors == []
    # The payloads were really on the pages: for every role, on the portal's and on the admin's pages,
    # and every column people type into and the portal shows was seen, escaped, somewhere.
    assert len(result.html_pages) >= 250
    assert len(result.escaped_pages) >= 250
    for who in world.people:
        assert any(w == who for w, _ in result.escaped_pages), who
    assert sum(url.startswith("/admin/") for _, url in result.escaped_pages) >= 50
    marker_of = {marker[1:]: key for key, marker in planted.items()}
    reached = {marker_of[m] for m in result.seen_markers if m in marker_of}
    assert MUST_REACH_A_PAGE - reached == set()


def test_the_helper_catches_unescaped_markup():
    """The sweep's helper flags each payload printed with |safe or autoescape off, and passes it escaped."""
    for max_length in (None, 17, 16):  # the script, the svg and the short payload
        value = payload_for("~001", max_length)
        unsafe = Template("<p>{{ v|safe }}</p>").render(Context({"v": value}))
        off = Template("{% autoescape off %}<p>{{ v }}</p>{% endautoescape %}").render(Context({"v": value}))
        safe = Template("<p>{{ v }}</p>").render(Context({"v": value}))
        assert len(unescaped_payloads(unsafe)) == 1 and unescaped_payloads(off) == unescaped_payloads(unsafe)
        assert unescaped_payloads(safe) == []
    assert ESCAPED in Template("{{ v }}").render(Context({"v": payload_for("~001", None)}))


def test_the_sweep_would_catch_a_view_that_forgets_escaping(client, county, settings):
    """A stand-in for a careless new view: it prints a report's title into HTML by hand. The sweep
    finds it through the resolver (no list to update) and flags it; the same view escaping is not flagged."""
    import sys

    from django.http import HttpResponse
    from django.urls import path
    from django.utils.html import escape

    from reports.models import Report
    from tests.factories import ReportFactory
    from unionportal import urls as project_urls_module

    def careless(request, pk):
        return HttpResponse(f"<p>{Report.objects.get(pk=pk).title}</p>")

    def careful(request, pk):
        return HttpResponse(f"<p>{escape(Report.objects.get(pk=pk).title)}</p>")

    module = type(project_urls_module)("careless_xss_urls")
    module.urlpatterns = [
        path("careless/<int:pk>/", careless),
        path("careful/<int:pk>/", careful),
        *project_urls_module.urlpatterns,
    ]
    sys.modules["careless_xss_urls"] = module
    settings.ROOT_URLCONF = "careless_xss_urls"
    reviewer = ReviewerFactory(county=county)
    report = ReportFactory(officer=OfficerFactory(county=county), title=payload_for("~000", 100))
    world = World(officer=report.officer, people={"reviewer": reviewer}, township=None, last_month=None)
    result = sweep(client, world, with_admin=False, only=lambda url: url.startswith(("/careless/", "/careful/")))
    assert result.unmapped_patterns == ["careless/<int:pk>/", "careful/<int:pk>/"]
    assert ("reviewer", f"/careless/{report.pk}/", 200, ["<script>alert("]) in result.unescaped
    assert {url for _, url, _, _ in result.unescaped} == {f"/careless/{report.pk}/"}
    assert ("reviewer", f"/careful/{report.pk}/") in result.escaped_pages


# Every place in our code and templates that builds markup by hand or turns escaping off, counted per
# file, with why it is safe. A new one fails this test until it is reviewed and listed here; each listed
# one is on pages the sweep above opens with payloads in the values it prints.
REVIEWED_UNESCAPING = {
    ("unionportal/core/templatetags/portal.py", "format_html"): (
        5,
        "filter_control: every value (the query's current value, choice labels such as township names, "
        "field labels) passes through format_html's escaping, each option's markup (kept per process by "
        "_options) too; swept on the review queue, officer and case lists",
    ),
    ("unionportal/core/templatetags/portal.py", "mark_safe"): (
        1,
        "filter_control: the options' markup joined, each part made by format_html in _options (a value or "
        "label never reaches it unescaped); swept on every list page",
    ),
    ("unionportal/core/form_markup.py", "format_html"): (
        21,
        "|quick_form and |quick_field: every form's labels, values, choice labels, errors and ids pass through "
        "format_html's escaping, as crispy-forms' templates escape them (tests/core/test_form_markup.py holds "
        "every form of the portal to crispy's own output, markup in its values); swept on every page with a form; "
        "a file input's attribute values too, its format's only added parts constants (the invalid box, disabled)",
    ),
    ("unionportal/core/form_markup.py", "format_html_join"): (
        6,
        "|quick_form: radio options, select options, error lists, a file input's attributes and a form's fields "
        "joined, each escaped by format_html_join",
    ),
    ("unionportal/core/form_markup.py", "mark_safe"): (
        2,
        "REQUIRED_MARK, a constant; and a field's help text, the form's own words, which crispy-forms and "
        "Django's templates print unescaped too (a help text showing a stored value escapes it itself: see "
        "officers/channels/forms.py)",
    ),
    ("unionportal/core/rows.py", "html_rows"): (
        3,
        "html_rows itself (the module docstring, its definition and __all__): the hot lists' rows, every value "
        "escaped by escaped(), which tests/core/test_rows.py holds to conditional_escape value by value, and "
        "the whole to format_html_join; each of its uses is listed below",
    ),
    ("unionportal/core/rows.py", "mark_safe"): (
        1,
        "html_rows: the rows' markup, the code's own row format with every value escaped by escaped()",
    ),
    ("unionportal/core/rows.py", "SafeString"): (1, "html_rows' return annotation"),
    ("unionportal/core/rows.py", "format_html_join"): (1, "html_rows' docstring, naming what it matches"),
    ("reports/templatetags/report_tags.py", "html_rows"): (
        8,
        "report_badges: status and urgency labels escaped by html_rows; swept on every list and report page; "
        "review_rows, my_report_rows, event_rows, supervision_rows, forward_rows: each list's rows (titles, names, "
        "townships, labels) escaped by html_rows; swept on the review queue, my reports, the events and "
        "supervision lists and the forwarded queues; emergency_rows: the red banner's titles and townships, "
        "escaped by html_rows (tests/reports/test_report_tags.py renders a title with markup in it); "
        "merge_event_options: event titles of a report's 并入事件 list, escaped by html_rows (the same file)",
    ),
    ("reports/templatetags/report_tags.py", "format_html"): (
        1,
        "event_rows: the 漏报 badge, its one value a count, escaped by format_html; swept on the events list",
    ),
    ("reports/templatetags/report_tags.py", "mark_safe"): (
        1,
        "forward_rows: EMERGENCY_BADGE, a constant without any value in it",
    ),
    ("unionportal/overview/templatetags/overview_tags.py", "format_html_join"): (
        3,
        "counties_reporting: county names and figures, escaped by format_html_join; swept on the region dashboards; "
        "zero_filer_names and late_emergency_lines: officers' names, townships and report titles of a ranking "
        "notice, escaped by format_html_join; swept on the notice page",
    ),
    ("unionportal/overview/templatetags/overview_tags.py", "html_rows"): (
        1,
        "region_rows: the region dashboard's counties (names, figures, links built from ids and dates) escaped "
        "by html_rows; swept on the region dashboards",
    ),
    ("unionportal/overview/templatetags/overview_tags.py", "format_html"): (
        2,
        "late_emergency_lines: a constant sentence through format_html; "
        "region_rows: the name of a county's city, shown to a province's staff, escaped by format_html (the "
        "sweep's city staff see their own counties, without it)",
    ),
    ("disputes/templatetags/dispute_tags.py", "html_rows"): (
        1,
        "case_rows: the case list's rows (case number, enterprise, township, labels, amounts) escaped by "
        "html_rows; swept on the case list",
    ),
    ("disputes/templatetags/dispute_tags.py", "format_html"): (
        1,
        "case_rows: the mediation clock's line (a date and a count) escaped by format_html; swept on the case list",
    ),
    ("disputes/templatetags/dispute_tags.py", "mark_safe"): (
        2,
        "case_rows: COURT_CONFIRMED and UNTOLD, constants without any value in them",
    ),
    ("officers/channels/forms.py", "format_html"): (
        1,
        "the channel form's help text shows the stored (masked) address or key: help texts are printed "
        "unescaped, so format_html escapes the value; swept on the channel edit page",
    ),
    ("templates/registration/otp_enrol.html", "|safe"): (
        1,
        "the enrolment QR code: SVG markup drawn by segno from the otpauth address (base32 secret, the "
        "account's phone, the fixed issuer); no stored text reaches it",
    ),
    ("templates/overview/dashboard.html", "json_script"): (
        1,
        "json_script escapes <, > and & as \\u003C etc.; the chart data are numbers and choice labels",
    ),
}
UNESCAPING = re.compile(
    r"mark_safe|format_html\w*|SafeString|SafeText|html_safe|\|\s*safe\b|safeseq|autoescape\s+off|"
    r"allow_tags|is_safe\s*=\s*True|needs_autoescape|json_script|escapejs|html_rows"
)


def test_every_place_that_turns_escaping_off_is_reviewed():
    found = {}
    folders = ("officers", "reports", "disputes", "unionportal")
    sources = [p for folder in folders for p in (ROOT / folder).rglob("*.py")]
    sources += list((ROOT / "templates").rglob("*.html"))
    for source in sources:
        for line in source.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith(("from ", "import ")):
                continue
            for match in UNESCAPING.finditer(line):
                key = (str(source.relative_to(ROOT)), match.group(0))
                found[key] = found.get(key, 0) + 1
    assert found == {key: count for key, (count, _) in REVIEWED_UNESCAPING.items()}
    # An attribute value not in quotes is not made safe by escaping: none may come from a variable.
    unquoted = [
        str(t.relative_to(ROOT))
        for t in (ROOT / "templates").rglob("*.html")
        if re.search(r"\s[\w:-]+=\{[{%]", t.read_text(encoding="utf-8"))
    ]
    assert unquoted == []
