from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import Report, ReportAttachment
from tests.factories import ReportFactory, image_bytes
from unionportal.core.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(officer):
    report = ReportFactory(officer=officer, title="快递网点派件费下调引发议论")
    ReportAttachment.objects.create(
        report=report,
        file=SimpleUploadedFile("x.png", image_bytes()),
        original_name="现场.png",
        content_type="image/png",
        kind="image",
        size=len(image_bytes()),
    )
    return report


def actors(officer, other_officer, reviewer, foreign_reviewer):
    return {
        "owner": officer.user,
        "other_officer": other_officer.user,
        "reviewer": reviewer,
        "foreign_reviewer": foreign_reviewer,
        "anonymous": None,
    }


MATRIX = [
    # (name, method, owner, other officer, reviewer of the county, reviewer of another county, anonymous)
    ("detail", "get", 200, 404, 200, 404, 302),
    ("edit", "get", 200, 404, 403, 403, 302),
    ("attachment", "get", 200, 404, 200, 404, 302),
    ("grade", "post", 403, 403, 302, 404, 302),
    ("return", "post", 403, 403, 302, 404, 302),
    ("withdraw", "post", 302, 404, 403, 403, 302),
]


ROLES = ["owner", "other_officer", "reviewer", "foreign_reviewer", "anonymous"]


@pytest.mark.parametrize(
    ("name", "method", "role", "status"),
    [(name, method, role, codes[i]) for name, method, *codes in MATRIX for i, role in enumerate(ROLES)],
)
def test_authorisation_matrix(
    client, report, officer, other_officer, reviewer, foreign_reviewer, name, method, role, status
):
    user = actors(officer, other_officer, reviewer, foreign_reviewer)[role]
    if user is not None:
        client.force_login(user)
    target = report.attachments.get().pk if name == "attachment" else report.pk
    url = reverse(f"reports:{name}", args=[target])
    payload = {"grade": {"version": 0, "grade": "qualified"}, "return": {"version": 0, "reason": "请补充"}}.get(
        name, {}
    )
    response = getattr(client, method)(url, payload)
    assert response.status_code == status, (name, role)
    if status == 302 and role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    report.refresh_from_db()
    changed = report.status != "submitted"
    assert changed is (status == 302 and role != "anonymous" and method == "post")


def test_draft_is_invisible_to_staff(client, officer, reviewer):
    draft = ReportFactory(officer=officer, status="draft", submitted_at=None, on_time=None)
    client.force_login(reviewer)
    assert client.get(reverse("reports:detail", args=[draft.pk])).status_code == 404
    assert draft not in client.get(reverse("reports:queue")).context["reports"]
    client.force_login(officer.user)
    assert client.get(reverse("reports:detail", args=[draft.pk])).status_code == 200


def test_attachment_download_headers_and_audit(client, report, reviewer):
    client.force_login(reviewer)
    attachment = report.attachments.get()
    response = client.get(reverse("reports:attachment", args=[attachment.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == image_bytes()
    inline = client.get(reverse("reports:attachment", args=[attachment.pk]) + "?inline=1")
    assert inline["Content-Disposition"].startswith("inline;")
    entries = AuditEntry.objects.filter(action="view_attachment", actor=reviewer, report=report)
    assert list(entries.values_list("target", flat=True)) == ["现场.png", "现场.png"]


def test_viewing_a_report_is_audited(client, report, reviewer):
    client.force_login(reviewer)
    client.get(reverse("reports:detail", args=[report.pk]))
    entry = AuditEntry.objects.get(action="view_report")
    assert (entry.actor, entry.report, entry.county, entry.ip_address) == (reviewer, report, report.county, "127.0.0.1")


class TestOfficerPages:
    def test_submit_emergency_with_photo(self, client, officer, reviewer, django_capture_on_commit_callbacks):
        client.force_login(officer.user)
        occurred = timezone.localtime() - timedelta(minutes=20)
        form = {
            "title": "某纺织企业拖欠工资苗头",
            "urgency": "emergency",
            "township": str(officer.township_id),
            "category": "wage_arrears",
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "content": "约126名员工未领到工资，已有职工在群内议论集体讨薪。",
            "workers_involved": "126",
            "enterprise_name": "某纺织企业",
            "demands": "要求按时足额发放工资",
            "amount_involved": "1260000",
            "attachments": [SimpleUploadedFile("现场.png", image_bytes(), content_type="image/png")],
            "submit": "1",
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reports:create"), form, follow=True)
        report = Report.objects.get()
        assert response.redirect_chain[-1][0] == reverse("reports:detail", args=[report.pk])
        assert "信息已报送，正在提醒县总工会工作人员尽快处置" in response.content.decode()
        assert (report.status, report.urgency, report.on_time, report.workers_involved) == (
            "submitted",
            "emergency",
            True,
            126,
        )
        assert report.attachments.count() == 1
        assert Notification.objects.filter(recipient=reviewer, kind="emergency").count() == 1

    def test_validation_error_keeps_what_was_typed(self, client, officer):
        client.force_login(officer.user)
        future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        response = client.post(
            reverse("reports:create"),
            {
                "title": "我写了很久的标题",
                "urgency": "general",
                "category": "other",
                "occurred_at": future,
                "content": "很长的内容",
                "submit": "1",
                "attachments": [SimpleUploadedFile("a.png", image_bytes(), content_type="image/png")],
            },
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert response.context["form"].errors["occurred_at"] == ["发生时间不能晚于当前时间"]
        assert 'value="我写了很久的标题"' in body and "很长的内容" in body
        assert "已填写的内容都保留了；附件需要重新选择。" in body
        assert Report.objects.count() == 0

    def test_errors_are_chinese_whatever_the_browser_asks(self, client, officer):
        client.force_login(officer.user)
        response = client.post(reverse("reports:create"), {"title": "", "submit": "1"}, HTTP_ACCEPT_LANGUAGE="en-US,en")
        assert response.status_code == 200 and response["Content-Language"] == "zh-hans"
        assert response.context["form"].errors["title"] == ["这个字段是必填项。"]
        assert "This field is required" not in response.content.decode()
        assert Report.objects.count() == 0

    @pytest.mark.parametrize(
        ("amount", "message"),
        [
            ("1000000000000000", "金额过大，不能超过 999999999999.99 元"),
            ("12.345", "金额最多保留 2 位小数（到分）"),
        ],
    )
    def test_amounts_are_explained_in_yuan(self, client, officer, amount, message):
        client.force_login(officer.user)
        response = client.post(reverse("reports:create"), {"title": "欠薪", "amount_involved": amount})
        assert response.context["form"].errors["amount_involved"] == [message]
        assert Report.objects.count() == 0

    def test_save_draft_then_finish(self, client, officer):
        client.force_login(officer.user)
        client.post(
            reverse("reports:create"), {"title": "先存一下", "urgency": "general", "category": "other", "draft": "1"}
        )
        draft = Report.objects.get()
        assert draft.status == "draft"
        occurred = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        client.post(
            reverse("reports:edit", args=[draft.pk]),
            {
                "title": "先存一下",
                "urgency": "general",
                "category": "other",
                "occurred_at": occurred,
                "content": "补全",
                "submit": "1",
            },
        )
        draft.refresh_from_db()
        assert (draft.status, draft.content) == ("submitted", "补全")

    def test_reviewed_report_shows_grade_and_cannot_be_edited(self, client, report, officer, reviewer):
        services.report_grade(
            report=report,
            reviewer=reviewer,
            grade="county_adopted",
            version=0,
            adopted_by="滨海县总工会",
            comment="很及时",
        )
        client.force_login(officer.user)
        body = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
        assert "审核结果：县总工会采用" in body and "很及时" in body
        response = client.get(reverse("reports:edit", args=[report.pk]), follow=True)
        assert "该信息已审核或已撤回，不能再修改" in response.content.decode()

    def test_my_reports_progress(self, client, officer, reviewer):
        services.report_grade(report=ReportFactory(officer=officer), reviewer=reviewer, grade="qualified", version=0)
        ReportFactory(officer=officer)
        ReportFactory(
            officer=officer,
            submitted_at=timezone.now() - timedelta(days=40),
            occurred_at=timezone.now() - timedelta(days=41),
        )
        client.force_login(officer.user)
        progress = client.get(reverse("reports:mine")).context["progress"]
        summary = tuple(progress[k] for k in ("submitted", "valid", "pending", "amount"))
        assert (summary, progress["tier"].label) == ((2, 1, 1, 100), "合格")

    def test_officer_sees_masked_nothing_of_others(self, client, officer, other_officer):
        ReportFactory(officer=other_officer, title="别人的信息")
        client.force_login(officer.user)
        assert "别人的信息" not in client.get(reverse("reports:mine")).content.decode()


class TestReviewPages:
    def test_queue_orders_emergencies_first_then_oldest(self, client, officer, reviewer):
        now = timezone.now()
        old = ReportFactory(
            officer=officer, title="旧的一般", submitted_at=now - timedelta(days=2), occurred_at=now - timedelta(days=2)
        )
        new_emergency = ReportFactory(officer=officer, title="新的突发", urgency="emergency")
        newer = ReportFactory(officer=officer, title="新的一般")
        client.force_login(reviewer)
        assert list(client.get(reverse("reports:queue")).context["reports"]) == [new_emergency, old, newer]

    @pytest.mark.parametrize(
        ("params", "titles"),
        [
            ({"urgency": "emergency"}, ["突发欠薪"]),
            ({"category": "new_form_rights"}, ["派件费"]),
            ({"q": "派件"}, ["派件费"]),
            ({"q": "骑手罚款"}, ["突发欠薪"]),
            ({"on_time": "0"}, ["派件费"]),
            ({"status": "reviewed"}, []),
        ],
    )
    def test_queue_filters(self, client, officer, reviewer, township, params, titles):
        ReportFactory(officer=officer, title="突发欠薪", urgency="emergency", content="骑手罚款", township=township)
        ReportFactory(officer=officer, title="派件费", category="new_form_rights", on_time=False)
        client.force_login(reviewer)
        assert sorted(r.title for r in client.get(reverse("reports:queue"), params).context["reports"]) == titles

    def test_queue_date_range_is_beijing_days(self, client, officer, reviewer):
        from datetime import datetime
        from zoneinfo import ZoneInfo

        late_evening = datetime(2026, 10, 31, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
        ReportFactory(officer=officer, title="十月最后", submitted_at=late_evening, occurred_at=late_evening)
        client.force_login(reviewer)
        titles = lambda **p: [r.title for r in client.get(reverse("reports:queue"), p).context["reports"]]  # noqa: E731
        assert titles(date_from="2026-10-31", date_to="2026-10-31") == ["十月最后"]
        assert titles(date_from="2026-11-01") == []

    def test_grade_through_the_page(self, client, report, reviewer, officer):
        client.force_login(reviewer)
        response = client.post(
            reverse("reports:grade", args=[report.pk]),
            {"version": 0, "grade": "county_adopted", "adopted_by": "滨海县总工会", "comment": "已转办"},
            follow=True,
        )
        assert "审核结果已保存，已通知信息员" in response.content.decode()
        report.refresh_from_db()
        assert report.grade == "county_adopted"

    def test_a_refused_grade_shows_the_page_again_and_counts_as_no_view(self, client, report, reviewer, officer):
        client.force_login(reviewer)
        response = client.post(
            reverse("reports:grade", args=[report.pk]), {"version": 0, "grade": "county_adopted", "adopted_by": ""}
        )
        assert response.status_code == 400
        assert "请填写采用单位" in response.content.decode()
        assert AuditEntry.objects.filter(action="view_report").count() == 0  # only a GET is a view
        assert Report.objects.get(pk=report.pk).grade == "pending"
        client.get(reverse("reports:detail", args=[report.pk]))
        assert AuditEntry.objects.filter(action="view_report").count() == 1

    def test_the_adoption_date_is_on_the_form_when_the_review_is_opened_again(self, client, report, reviewer):
        client.force_login(reviewer)
        day = timezone.localdate(report.submitted_at)
        fields = {"version": 0, "grade": "county_adopted", "adopted_by": "滨海县总工会", "adopted_on": f"{day}"}
        client.post(reverse("reports:grade", args=[report.pk]), fields)
        body = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
        assert f'name="adopted_on" value="{day:%Y-%m-%d}"' in body
        response = client.post(reverse("reports:grade", args=[report.pk]), {**fields, "version": 1}, follow=True)
        assert "审核结果已保存（结果和意见未变，未再次通知信息员）" in response.content.decode()
        report.refresh_from_db()
        assert report.adopted_on == day

    def test_second_reviewer_gets_a_clear_message(self, client, report, reviewer, county_admin):
        client.force_login(county_admin)
        client.post(reverse("reports:grade", args=[report.pk]), {"version": 0, "grade": "qualified"})
        client.force_login(reviewer)
        response = client.post(
            reverse("reports:grade", args=[report.pk]), {"version": 0, "grade": "rejected"}, follow=True
        )
        assert services.STALE_MESSAGE in response.content.decode()
        report.refresh_from_db()
        assert report.grade == "qualified"

    def test_adoption_without_body_is_explained(self, client, report, reviewer):
        client.force_login(reviewer)
        response = client.post(reverse("reports:grade", args=[report.pk]), {"version": 0, "grade": "above_adopted"})
        assert response.status_code == 400
        assert response.context["grade_form"].errors["adopted_by"] == ["采用的信息请填写采用单位"]

    def test_phone_masked_for_reviewer(self, client, report, reviewer):
        client.force_login(reviewer)
        body = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
        assert "138****0004" in body and "13815110004" not in body


class TestNotifications:
    def test_bell_count_and_reading(self, client, report, officer, reviewer):
        services.report_grade(report=report, reviewer=reviewer, grade="qualified", version=0)
        client.force_login(officer.user)
        assert client.get(reverse("home")).context["unread_notifications"] == 1
        client.get(reverse("reports:detail", args=[report.pk]))  # opening the report reads its notices
        assert client.get(reverse("home")).context["unread_notifications"] == 0

    def test_mark_all_read_only_touches_own(self, client, report, officer, reviewer):
        services.report_grade(report=report, reviewer=reviewer, grade="qualified", version=0)
        Notification.objects.create(recipient=reviewer, kind="emergency", title="给审核人的")
        client.force_login(officer.user)
        client.post(reverse("reports:notifications"))
        assert Notification.objects.get(recipient=reviewer).read_at is None
        assert Notification.objects.get(recipient=officer.user).read_at is not None


class TestQueryCounts:
    """The same number of queries at two data sizes."""

    def count(self, client, url):
        client.get(url)  # the steady state: the bell's count kept
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    def add_reports(self, officer, n):
        for _ in range(n):
            report = ReportFactory(officer=officer)
            ReportAttachment.objects.create(
                report=report,
                file=SimpleUploadedFile("x.png", image_bytes()),
                original_name="a.png",
                content_type="image/png",
                kind="image",
                size=1,
            )

    def test_my_reports(self, client, officer):
        client.force_login(officer.user)
        self.add_reports(officer, 2)
        small = self.count(client, reverse("reports:mine"))
        self.add_reports(officer, 15)
        assert self.count(client, reverse("reports:mine")) == small

    def test_review_queue(self, client, officer, other_officer, reviewer):
        client.force_login(reviewer)
        self.add_reports(officer, 2)
        small = self.count(client, reverse("reports:queue"))
        self.add_reports(other_officer, 15)
        assert self.count(client, reverse("reports:queue")) == small

    def test_report_page(self, client, report, reviewer, county_admin):
        client.force_login(reviewer)
        url = reverse("reports:detail", args=[report.pk])
        ungraded = self.count(client, url)  # the report has its attachment, no review history yet
        services.report_grade(report=report, reviewer=reviewer, grade="qualified", version=0)
        # A list is read only when it has rows (core.prefetching): one query more for the review
        # history now filled, then the same however many rows each list holds.
        small = self.count(client, url)
        assert small == ungraded + 1
        for i in range(3):
            self.attach(report, f"{i}.png")
        services.report_grade(report=report, reviewer=county_admin, grade="rejected", version=1)
        services.report_grade(report=report, reviewer=reviewer, grade="qualified", version=2)
        assert self.count(client, url) == small

    def attach(self, report, name):
        ReportAttachment.objects.create(
            report=report,
            file=SimpleUploadedFile("x.png", image_bytes()),
            original_name=name,
            content_type="image/png",
            kind="image",
            size=1,
        )


def test_queue_search_is_indexed_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes exist on PostgreSQL only; set DATABASE_URL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'reports_report'")
        names = {row[0] for row in cursor.fetchall()}
    expected = {
        "report_title_trgm_idx",
        "report_content_trgm_idx",
        "report_queue_idx",
        "report_category_idx",
        "report_township_idx",
        "report_urgency_idx",
        "report_on_time_idx",
        "report_submitted_idx",
    }
    assert expected <= names
