import threading
from datetime import datetime, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from reports import services
from reports.models import Report, ReportAttachment, ReviewEvent, TimelinessRule
from tests.factories import EMERGENCY_ESSENTIALS, ReportFactory, TownshipFactory, image_bytes
from unionportal.core import outbox
from unionportal.core.models import AuditEntry, Notification, OutboxMessage

BJ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=BJ)
pytestmark = pytest.mark.django_db


def data(**overrides):
    base = {
        "title": "外卖骑手反映站点罚款过重",
        "content": "站点对超时订单罚款标准提高，部分骑手考虑集体停工。",
        "category": "mass_incident",
        "urgency": "general",
        "occurred_at": NOW - timedelta(hours=2),
        "workers_involved": 30,
        "amount_involved": Decimal("1200.50"),
    }
    return base | overrides


def png(name="现场.jpg"):
    return SimpleUploadedFile(name, image_bytes(), content_type="image/jpeg")


class TestSubmit:
    def test_general_report_is_stored_on_time(self, officer):
        report = services.report_save(officer=officer, data=data(), submit=True, now=NOW)
        report.refresh_from_db()
        assert (report.status, report.grade, report.submitted_at, report.on_time, report.county_id) == (
            "submitted",
            "pending",
            NOW,
            True,
            officer.county_id,
        )
        assert report.amount_involved == Decimal("1200.50")
        assert OutboxMessage.objects.count() == 0

    def test_late_general_report(self, officer):
        report = services.report_save(
            officer=officer, data=data(occurred_at=NOW - timedelta(days=1)), submit=True, now=NOW
        )
        assert report.on_time is False

    def test_emergency_uses_the_county_limit(self, officer, county):
        TimelinessRule.objects.create(county=county, emergency_minutes=30)
        on_time = services.report_save(
            officer=officer,
            data=data(
                **EMERGENCY_ESSENTIALS,
                urgency="emergency",
                occurred_at=NOW - timedelta(minutes=29),
                township=officer.township,
            ),
            submit=True,
            now=NOW,
        )
        late = services.report_save(
            officer=officer,
            data=data(
                **EMERGENCY_ESSENTIALS,
                urgency="emergency",
                occurred_at=NOW - timedelta(minutes=31),
                township=officer.township,
            ),
            submit=True,
            now=NOW,
        )
        assert (on_time.on_time, late.on_time) == (True, False)

    @pytest.mark.parametrize(
        ("overrides", "errors"),
        [
            ({"occurred_at": NOW + timedelta(hours=1)}, {"occurred_at": ["发生时间不能晚于当前时间"]}),
            ({"occurred_at": None}, {"occurred_at": ["请填写发生时间"]}),
            ({"content": "  "}, {"content": ["请填写信息内容"]}),
            ({"title": ""}, {"title": ["此字段不能为空。"]}),
            ({"amount_involved": Decimal("-1")}, {"amount_involved": ["确保该值大于或等于0。"]}),
        ],
    )
    def test_bad_input_writes_nothing(self, officer, overrides, errors):
        with pytest.raises(ValidationError) as exc:
            services.report_save(officer=officer, data=data(**overrides), submit=True, now=NOW)
        assert exc.value.message_dict == errors
        assert Report.objects.count() == 0

    def test_township_of_another_county_is_refused(self, officer, other_county):
        with pytest.raises(ValidationError) as exc:
            services.report_save(
                officer=officer, data=data(township=TownshipFactory(county=other_county)), submit=True, now=NOW
            )
        assert exc.value.message_dict == {"township": ["镇区街道不属于您所在县区"]}

    def test_draft_needs_only_a_title_then_submits(self, officer):
        draft = services.report_save(officer=officer, data={"title": "草稿标题"}, submit=False, now=NOW)
        assert (draft.status, draft.submitted_at, draft.on_time) == ("draft", None, None)
        later = NOW + timedelta(hours=1)
        report = services.report_save(officer=officer, report=draft, data=data(occurred_at=NOW), submit=True, now=later)
        assert (report.pk, report.status, report.submitted_at, report.on_time) == (draft.pk, "submitted", later, True)

    def test_correcting_the_event_time_or_urgency_corrects_timeliness(self, officer):
        report = services.report_save(officer=officer, data=data(occurred_at=NOW), submit=True, now=NOW)
        later = NOW + timedelta(hours=2)
        report = services.report_save(
            officer=officer, report=report, data={"occurred_at": NOW - timedelta(days=3)}, submit=False, now=later
        )
        assert (report.submitted_at, report.on_time) == (NOW, False)  # the first report's moment is kept
        report = services.report_save(officer=officer, report=report, data={"title": "新标题"}, submit=False, now=later)
        assert report.on_time is False
        report = services.report_save(
            officer=officer, report=report, data={"occurred_at": NOW - timedelta(hours=1)}, submit=True, now=later
        )
        report.refresh_from_db()
        assert (report.submitted_at, report.on_time) == (NOW, True)


class TestAttachments:
    def test_photo_and_pdf_are_stored_privately(self, officer, settings):
        pdf = SimpleUploadedFile("协议.pdf", b"%PDF-1.4\n%...", content_type="application/pdf")
        report = services.report_save(
            officer=officer, data=data(), files=[png("../../etc/现场.jpg"), pdf], submit=True, now=NOW
        )
        photo, doc = report.attachments.order_by("pk")
        assert (photo.original_name, photo.kind, photo.content_type) == ("现场.jpg", "image", "image/png")
        assert (doc.original_name, doc.kind, doc.content_type) == ("协议.pdf", "pdf", "application/pdf")
        assert photo.file.name.startswith("attachments/") and photo.file.name.endswith(".png")
        assert str(settings.MEDIA_ROOT / "private") in photo.file.path
        assert "static" not in photo.file.path

    def test_disguised_file_is_refused(self, officer):
        fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is a program", content_type="image/jpeg")
        with pytest.raises(ValidationError) as exc:
            services.report_save(officer=officer, data=data(), files=[fake], submit=True, now=NOW)
        assert exc.value.message_dict == {
            "attachments": ["“photo.jpg”不是图片或 PDF 文件（只接受 JPG、PNG、WebP、HEIC 照片和 PDF）"]
        }
        assert (Report.objects.count(), ReportAttachment.objects.count()) == (0, 0)

    def test_oversized_file_is_refused(self, officer, settings):
        settings.ATTACHMENT_MAX_BYTES = 1024
        big = SimpleUploadedFile("big.png", image_bytes() + b"\0" * 2000, content_type="image/png")
        with pytest.raises(ValidationError) as exc:
            services.report_save(officer=officer, data=data(), files=[big], submit=True, now=NOW)
        assert exc.value.message_dict == {"attachments": ["“big.png”超过 0 MB，请压缩后再上传"]}

    def test_at_most_five_per_report(self, officer):
        report = services.report_save(
            officer=officer, data=data(), files=[png() for _ in range(4)], submit=False, now=NOW
        )
        with pytest.raises(ValidationError) as exc:
            services.report_save(officer=officer, report=report, data={}, files=[png(), png()], submit=False, now=NOW)
        assert exc.value.message_dict == {"attachments": ["每条信息最多 5 个附件（已有 4 个）"]}
        assert report.attachments.count() == 4


class TestOfficerChanges:
    def test_reviewed_report_cannot_be_edited_or_withdrawn(self, officer, reviewer):
        report = ReportFactory(officer=officer)
        services.report_grade(report=report, reviewer=reviewer, grade="qualified", version=0)
        with pytest.raises(ValidationError) as exc:
            services.report_save(officer=officer, report=report, data={"title": "改"}, submit=True, now=NOW)
        assert exc.value.messages == ["该信息已审核或已撤回，不能再修改"]
        with pytest.raises(ValidationError) as exc:
            services.report_withdraw(report=report, officer=officer)
        assert exc.value.messages == ["只有尚未审核的信息才能撤回"]

    def test_withdraw_before_review(self, officer):
        report = ReportFactory(officer=officer)
        services.report_withdraw(report=report, officer=officer)
        report.refresh_from_db()
        assert report.status == "withdrawn"

    def test_another_officer_cannot_touch_it(self, officer, other_officer):
        report = ReportFactory(officer=officer)
        with pytest.raises(Report.DoesNotExist):
            services.report_save(officer=other_officer, report=report, data={"title": "x"}, submit=True, now=NOW)
        with pytest.raises(Report.DoesNotExist):
            services.report_withdraw(report=report, officer=other_officer)

    def test_returned_report_is_revised_and_resubmitted(self, officer, reviewer):
        first = NOW - timedelta(hours=1)
        report = services.report_save(officer=officer, data=data(), submit=True, now=first)
        services.report_return(report=report, reviewer=reviewer, reason="请补充涉及企业名称", version=report.version)
        report.refresh_from_db()
        assert (report.status, report.return_reason) == ("returned", "请补充涉及企业名称")
        assert Notification.objects.get(recipient=officer.user).title == "您报送的“外卖骑手反映站点罚款过重”被退回修改"
        services.report_save(
            officer=officer, report=report, data={"enterprise_name": "某外卖站点"}, submit=True, now=NOW
        )
        report.refresh_from_db()
        # The revision keeps the first submission time, so timeliness and the month stay as reported.
        assert (report.status, report.submitted_at, report.enterprise_name, report.return_reason) == (
            "submitted",
            first,
            "某外卖站点",
            "",
        )


class TestGrading:
    def test_grade_records_history_notifies_and_audits(self, officer, reviewer):
        report = ReportFactory(officer=officer)
        services.report_grade(
            report=report,
            reviewer=reviewer,
            grade="county_adopted",
            version=0,
            comment="情况清楚",
            adopted_by="滨海县总工会",
            adopted_on=timezone.localdate(report.submitted_at),
            adoption_doc_no="滨工信〔2026〕12号",
        )
        report.refresh_from_db()
        assert (report.status, report.grade, report.adopted_by, report.reviewed_by, report.version) == (
            "reviewed",
            "county_adopted",
            "滨海县总工会",
            reviewer,
            1,
        )
        assert report.adopted_on == timezone.localdate(report.submitted_at)
        event = ReviewEvent.objects.get()
        assert (event.from_grade, event.to_grade, event.actor, event.comment) == (
            "pending",
            "county_adopted",
            reviewer,
            "情况清楚",
        )
        notification = Notification.objects.get(recipient=officer.user)
        assert notification.title == f"您报送的“{report.title}”审核结果：县总工会采用"
        assert AuditEntry.objects.filter(action="grade", actor=reviewer, report=report).count() == 1

    def test_regrade_keeps_every_change(self, officer, reviewer, county_admin):
        report = ReportFactory(officer=officer)
        services.report_grade(report=report, reviewer=reviewer, grade="qualified", version=0)
        services.report_grade(
            report=report, reviewer=county_admin, grade="above_adopted", version=1, adopted_by="盐城市总工会"
        )
        assert list(ReviewEvent.objects.values_list("from_grade", "to_grade", "actor__full_name")) == [
            ("pending", "qualified", "陈审核"),
            ("qualified", "above_adopted", "周管理"),
        ]

    def test_saving_the_same_review_again_does_not_notify_again(self, officer, reviewer):
        report = ReportFactory(officer=officer)
        first = services.report_grade(report=report, reviewer=reviewer, grade="qualified", version=0, comment="好")
        again = services.report_grade(report=report, reviewer=reviewer, grade="qualified", version=1, comment="好")
        changed = services.report_grade(report=report, reviewer=reviewer, grade="qualified", version=2, comment="补充")
        assert (first.officer_notified, again.officer_notified, changed.officer_notified) == (True, False, True)
        assert Notification.objects.filter(recipient=officer.user).count() == 2
        assert ReviewEvent.objects.filter(report=report).count() == 3  # every save stays in the history

    @pytest.mark.parametrize(
        ("days", "error"),
        [(1, "采用日期不能晚于今天"), (-400, "采用日期不能早于报送日期（{}）")],
    )
    def test_adoption_date_lies_between_the_report_and_today(self, officer, reviewer, days, error):
        report = ReportFactory(officer=officer)
        today = timezone.localdate()
        with pytest.raises(ValidationError) as exc:
            services.report_grade(
                report=report,
                reviewer=reviewer,
                grade="county_adopted",
                version=0,
                adopted_by="滨海县总工会",
                adopted_on=today + timedelta(days=days),
            )
        reported_on = timezone.localdate(report.submitted_at)
        assert exc.value.message_dict == {"adopted_on": [error.format(f"{reported_on:%Y-%m-%d}")]}
        report.refresh_from_db()
        assert (report.grade, report.adopted_on) == ("pending", None)

    def test_adoption_needs_the_adopting_body(self, officer, reviewer):
        report = ReportFactory(officer=officer)
        with pytest.raises(ValidationError) as exc:
            services.report_grade(report=report, reviewer=reviewer, grade="above_adopted", version=0)
        assert exc.value.message_dict == {"adopted_by": ["采用的信息请填写采用单位"]}
        report.refresh_from_db()
        assert report.grade == "pending"

    def test_stale_version_is_refused(self, officer, reviewer, county_admin):
        report = ReportFactory(officer=officer)
        services.report_grade(report=report, reviewer=reviewer, grade="qualified", version=0)
        with pytest.raises(ValidationError) as exc:
            services.report_grade(report=report, reviewer=county_admin, grade="rejected", version=0)
        assert exc.value.messages == [services.STALE_MESSAGE]
        report.refresh_from_db()
        assert report.grade == "qualified"
        assert ReviewEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_exactly_one_wins(county, officer, reviewer, county_admin):
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL 的行锁 (SELECT ... FOR UPDATE); set DATABASE_URL")
    report = ReportFactory(officer=officer)
    barrier = threading.Barrier(2)
    outcomes = []

    def grade(user, value):
        try:
            barrier.wait()
            services.report_grade(report=report, reviewer=user, grade=value, version=0)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=grade, args=args) for args in ((reviewer, "qualified"), (county_admin, "rejected"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == sorted(["ok", services.STALE_MESSAGE])
    assert ReviewEvent.objects.filter(report=report).count() == 1


class TestEmergencyAlerts:
    def test_alerts_reach_county_staff_once(
        self, officer, reviewer, county_admin, foreign_reviewer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            report = services.report_save(
                officer=officer,
                data=data(
                    **EMERGENCY_ESSENTIALS,
                    urgency="emergency",
                    occurred_at=NOW - timedelta(minutes=10),
                    township=officer.township,
                ),
                submit=True,
                now=NOW,
            )
        # reviewer: in-app + email; admin without an email: in-app only; the other county: nothing
        assert sorted(OutboxMessage.objects.values_list("recipient__full_name", "channel", "state")) == [
            ("周管理", "in_app", "sent"),
            ("陈审核", "email", "sent"),
            ("陈审核", "in_app", "sent"),
        ]
        assert sorted(Notification.objects.values_list("recipient__full_name", "title")) == [
            ("周管理", "【突发信息】外卖骑手反映站点罚款过重"),
            ("陈审核", "【突发信息】外卖骑手反映站点罚款过重"),
        ]
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert (message.to, message.subject) == (["chen@example.org"], "【信息员工作平台】有一条新的突发信息")
        assert f"/reports/{report.pk}/" in message.body
        # An emergency names the place it happens (its township, chosen by the officer: issue 14 item 3).
        assert "东坎街道" in message.body and "群体性事件苗头" in message.body
        # Neither the content, nor the title, nor who reported it leaves the portal by email.
        for secret in ("集体停工", "外卖骑手反映站点罚款过重", "刘洋", "13815110004"):
            assert secret not in message.body and secret not in message.subject
        # Delivering again (a retry, a second worker) sends nothing more.
        for delivery in OutboxMessage.objects.all():
            assert outbox.deliver(message_id=delivery.pk) is False
        assert (Notification.objects.count(), len(mail.outbox)) == (2, 1)

    def test_broker_down_report_stored_alerts_delivered_once_later(
        self, officer, reviewer, django_capture_on_commit_callbacks
    ):
        with mock.patch("unionportal.core.tasks.deliver_message.apply_async", side_effect=BrokerDown("Redis down")):
            with django_capture_on_commit_callbacks(execute=True):
                report = services.report_save(
                    officer=officer,
                    data=data(
                        **EMERGENCY_ESSENTIALS,
                        urgency="emergency",
                        occurred_at=NOW - timedelta(minutes=5),
                        township=officer.township,
                    ),
                    submit=True,
                    now=NOW,
                )
        assert Report.objects.get(pk=report.pk).status == "submitted"
        assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"pending"}
        assert Notification.objects.count() == 0 and len(mail.outbox) == 0
        # The broker is back: the periodic sweep queues what is still pending, once.
        assert outbox.sweep(older_than=timedelta(0)) == 2
        assert outbox.sweep(older_than=timedelta(0)) == 0
        assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}
        assert (Notification.objects.count(), len(mail.outbox)) == (1, 1)

    def test_general_report_alerts_nobody(self, officer, reviewer, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            services.report_save(officer=officer, data=data(), submit=True, now=NOW)
        assert (OutboxMessage.objects.count(), Notification.objects.count(), len(mail.outbox)) == (0, 0, 0)


class TestEditsAfterSubmission:
    def test_a_submitted_report_cannot_be_emptied(self, officer):
        report = services.report_save(officer=officer, data=data(), submit=True, now=NOW)
        with pytest.raises(ValidationError) as exc:
            services.report_save(
                officer=officer, report=report, data={"content": "", "occurred_at": None}, submit=False, now=NOW
            )
        assert exc.value.message_dict == {"content": ["请填写信息内容"], "occurred_at": ["请填写发生时间"]}

    def test_event_time_cannot_move_after_the_submission(self, officer):
        report = services.report_save(officer=officer, data=data(), submit=True, now=NOW)
        with pytest.raises(ValidationError) as exc:
            services.report_save(
                officer=officer,
                report=report,
                data={"occurred_at": NOW + timedelta(minutes=30)},
                submit=True,
                now=NOW + timedelta(hours=1),
            )
        assert exc.value.message_dict == {"occurred_at": ["报送时间不能早于发生时间"]}

    def test_an_edit_makes_an_open_review_stale(self, officer, reviewer):
        report = services.report_save(officer=officer, data=data(), submit=True, now=NOW)
        seen = report.version
        services.report_save(officer=officer, report=report, data={"content": "改写后的内容"}, submit=True, now=NOW)
        with pytest.raises(ValidationError) as exc:
            services.report_grade(report=report, reviewer=reviewer, grade="qualified", version=seen)
        assert exc.value.messages == [services.STALE_MESSAGE]
