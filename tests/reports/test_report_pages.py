"""Issue 14: the report form sent once, an emergency's place, the content limit, required marks,
deleting a draft, a withdrawn report in 我的报送, the queue's date range, the emergency banner and
the reporter's phone (reports/views/reports.py, reports/views/review.py, reports/filters.py,
reports/context_processors.py)."""

import re
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from officers.models import User
from reports import services
from reports.models import Report, ReportAttachment
from reports.rules import EMERGENCY_PLACE_MESSAGE
from reports.selectors.reports import open_emergencies_now
from tests.factories import (
    EMERGENCY_ESSENTIALS,
    OfficerFactory,
    RegionalReviewerFactory,
    ReportFactory,
    TownshipFactory,
    image_bytes,
    unit_tree,
)
from unionportal.core.idempotency import NOT_YOURS_MESSAGE, REPEATED_MESSAGE
from unionportal.core.models import AuditEntry, SubmissionKey

pytestmark = pytest.mark.django_db


def report_form(**overrides):
    occurred = timezone.localtime() - timedelta(minutes=20)
    form = {
        "title": "某纺织企业拖欠工资苗头",
        "urgency": "general",
        "category": "wage_arrears",
        "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
        "content": "约126名员工未领到工资。",
        "submit": "1",
    }
    return form | overrides


def rendered_key(response) -> str:
    return re.search(r'name="submission_key" value="([0-9a-f-]{36})"', response.content.decode()).group(1)


class TestSentOnce:
    def test_back_then_submit_again_shows_the_first_report(self, client, officer):
        client.force_login(officer.user)
        key = rendered_key(client.get(reverse("reports:create")))
        first = client.post(reverse("reports:create"), report_form(submission_key=key))
        report = Report.objects.get()
        assert first["Location"] == reverse("reports:detail", args=[report.pk])
        # Back: the same render, its key and all, sent again (with its photo, even).
        again = client.post(
            reverse("reports:create"),
            report_form(
                submission_key=key,
                attachments=[SimpleUploadedFile("现场.png", image_bytes(), content_type="image/png")],
            ),
            follow=True,
        )
        assert again.redirect_chain == [(reverse("reports:detail", args=[report.pk]), 302)]
        assert REPEATED_MESSAGE in again.content.decode()
        assert (Report.objects.count(), ReportAttachment.objects.count()) == (1, 0)

    def test_each_render_is_a_new_report(self, client, officer):
        client.force_login(officer.user)
        for _ in range(2):
            key = rendered_key(client.get(reverse("reports:create")))
            client.post(reverse("reports:create"), report_form(submission_key=key))
        assert Report.objects.count() == 2

    def test_a_refused_form_keeps_its_key_and_the_corrected_one_is_stored(self, client, officer):
        client.force_login(officer.user)
        key = str(uuid.uuid4())
        refused = client.post(reverse("reports:create"), report_form(submission_key=key, content=""))
        assert refused.context["form"].errors["content"] == ["请填写信息内容"]
        assert rendered_key(refused) == key and SubmissionKey.objects.count() == 0
        client.post(reverse("reports:create"), report_form(submission_key=key))
        assert Report.objects.count() == 1

    def test_another_officers_key_is_refused(self, client, officer, county):
        key = str(uuid.uuid4())
        client.force_login(officer.user)
        client.post(reverse("reports:create"), report_form(submission_key=key))
        intruder = OfficerFactory(county=county)
        client.force_login(intruder.user)
        response = client.post(reverse("reports:create"), report_form(submission_key=key, title="别人的令牌"))
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [NOT_YOURS_MESSAGE]
        assert list(Report.objects.values_list("officer", flat=True)) == [officer.pk]


class TestEmergencyPlace:
    def test_township_is_on_the_first_screen_and_not_prefilled(self, client, officer):
        client.force_login(officer.user)
        body = client.get(reverse("reports:create")).content.decode()
        first_screen = body.split("<details")[0]
        assert 'name="township"' in first_screen and "事发地（镇区街道）" in first_screen
        select = re.search(r'<select name="township".*?</select>', body, re.S).group(0)
        assert "selected" not in select.split("</option>", 1)[1]  # nothing chosen but the empty choice
        assert f'data-own-township="{officer.township_id}"' in select

    def test_an_emergency_without_a_place_is_refused(self, client, officer):
        client.force_login(officer.user)
        response = client.post(reverse("reports:create"), report_form(urgency="emergency"))
        assert response.context["form"].errors["township"] == [EMERGENCY_PLACE_MESSAGE]
        assert Report.objects.count() == 0

    def test_an_emergency_elsewhere_is_filed_where_it_happens(self, client, officer, county):
        elsewhere = TownshipFactory(county=county, name="八巨镇")
        client.force_login(officer.user)
        client.post(
            reverse("reports:create"),
            report_form(urgency="emergency", township=str(elsewhere.pk), **EMERGENCY_ESSENTIALS),
        )
        assert Report.objects.get().township == elsewhere

    def test_an_emergency_draft_may_wait_for_its_place(self, client, officer):
        client.force_login(officer.user)
        form = report_form(urgency="emergency")
        del form["submit"]
        client.post(reverse("reports:create"), form | {"draft": "1"})
        assert Report.objects.get().status == "draft"


class TestContentAndRequiredMarks:
    def test_content_over_the_limit_is_refused_with_its_count(self, client, officer):
        client.force_login(officer.user)
        response = client.post(reverse("reports:create"), report_form(content="字" * 200_000))
        assert response.context["form"].errors["content"] == [
            "内容不能超过 5000 字（现有 200000 字），较长的材料请作为附件上传"
        ]
        assert Report.objects.count() == 0
        client.post(reverse("reports:create"), report_form(content="字" * 5000))
        assert Report.objects.count() == 1

    def test_the_form_marks_what_is_required_and_counts_characters(self, client, officer):
        client.force_login(officer.user)
        body = client.get(reverse("reports:create")).content.decode()
        for name in ("title", "occurred_at", "content"):
            tag = re.search(rf'<(input|textarea)[^>]*name="{name}"[^>]*>', body).group(0)
            assert " required" in tag, name
        # (a select whose first choice is not empty takes no `required` attribute: its label has the *)
        assert re.search(r'for="id_category"[^>]*>\s*信息类别<span class="asteriskField">\*</span>', body)
        assert body.count('class="asteriskField"') >= 5  # the note, title, urgency, category, time, content
        assert 'data-max-chars="5000"' in body and "js/char_counter.js" in body and "js/report_form.js" in body

    def test_a_draft_does_not_need_what_submitting_needs(self, client, officer):
        client.force_login(officer.user)
        client.post(
            reverse("reports:create"), {"title": "先存一下", "urgency": "general", "category": "other", "draft": "1"}
        )
        assert Report.objects.get().status == "draft"


class TestDraftsAndWithdrawn:
    def test_the_author_deletes_a_draft_after_confirming(self, client, officer):
        draft = services.report_save(officer=officer, data={"title": "草稿"}, submit=False)
        client.force_login(officer.user)
        page = client.get(reverse("reports:detail", args=[draft.pk])).content.decode()
        assert reverse("reports:delete_draft", args=[draft.pk]) in page and "data-confirm=" in page
        assert client.get(reverse("reports:delete_draft", args=[draft.pk])).status_code == 405
        response = client.post(reverse("reports:delete_draft", args=[draft.pk]), follow=True)
        assert "草稿“草稿”已删除" in response.content.decode()
        assert not Report.objects.exists()

    def test_a_submitted_report_or_anothers_draft_is_not_deleted(self, client, officer, county):
        submitted = ReportFactory(officer=officer)
        other = OfficerFactory(county=county)
        others_draft = services.report_save(officer=other, data={"title": "别人的草稿"}, submit=False)
        client.force_login(officer.user)
        response = client.post(reverse("reports:delete_draft", args=[submitted.pk]), follow=True)
        assert "只有草稿可以删除；已报送的信息可以撤回" in response.content.decode()
        assert client.post(reverse("reports:delete_draft", args=[others_draft.pk])).status_code == 404
        assert Report.objects.count() == 2

    def test_a_withdrawn_report_stays_in_my_reports(self, client, officer):
        report = ReportFactory(officer=officer, title="撤回的信息")
        client.force_login(officer.user)
        client.post(reverse("reports:withdraw", args=[report.pk]))
        response = client.get(reverse("reports:mine"))
        assert list(response.context["reports"]) == [report]
        badge = r"撤回的信息</span>\s*<span[^>]*><span class=\"badge[^\"]*\">已撤回"
        assert re.search(badge, response.content.decode())


class TestQueueDateRange:
    def test_a_range_ending_before_it_starts_says_so_and_lists_nothing(self, client, officer, reviewer):
        ReportFactory(officer=officer, title="十月")
        client.force_login(reviewer)
        response = client.get(reverse("reports:queue"), {"date_from": "2026-11-30", "date_to": "2026-11-01"})
        assert "开始日期不能晚于结束日期" in response.content.decode()
        assert list(response.context["reports"]) == []


class TestEmergencyBanner:
    def test_staff_see_open_emergencies_until_someone_opens_them(self, client, officer, reviewer, county_admin):
        emergency = ReportFactory(officer=officer, urgency="emergency", title="某厂聚集", township=officer.township)
        ReportFactory(officer=officer, title="一般信息")
        # Its reporter opening it does not close it.
        client.force_login(officer.user)
        client.get(reverse("reports:detail", args=[emergency.pk]))
        assert "emergency-banner" not in client.get(reverse("reports:mine")).content.decode()
        client.force_login(county_admin)
        body = client.get(reverse("home")).content.decode()
        assert 'data-testid="emergency-banner"' in body and "【东坎街道】某厂聚集" in body
        # Nor another officer of the county reading the event after filing a 续报 into it.
        event = services.event_open(report=emergency)
        other = OfficerFactory(county=officer.county)
        services.event_entry_file(event=event, kind="followup", actor=other.user, data={"situation": "仍在聚集"})
        client.force_login(other.user)
        assert client.get(reverse("reports:event", args=[event.pk])).status_code == 200
        client.force_login(county_admin)
        assert "【东坎街道】某厂聚集" in client.get(reverse("home")).content.decode()
        client.force_login(reviewer)
        client.get(reverse("reports:detail", args=[emergency.pk]))
        client.force_login(county_admin)
        assert "emergency-banner" not in client.get(reverse("home")).content.decode()

    def test_another_countys_staff_see_nothing(self, client, officer, foreign_reviewer):
        ReportFactory(officer=officer, urgency="emergency")
        client.force_login(foreign_reviewer)
        assert "emergency-banner" not in client.get(reverse("home")).content.decode()

    def test_staff_above_the_county_see_none_and_it_costs_no_query(self, client, officer):
        """A city's or a province's staff see no county's reports, so no banner: built without a query
        (every page of theirs asks for it, the refusal pages too)."""
        ReportFactory(officer=officer, urgency="emergency", title="某厂聚集")
        units = unit_tree(officer.county)
        for region in (units["city"], units["province"]):
            client.force_login(RegionalReviewerFactory(region=region))
            body = client.get(reverse("reports:notifications")).content.decode()
            assert "emergency-banner" not in body and "某厂聚集" not in body
            user = User.objects.get(pk=client.session["_auth_user_id"])
            with CaptureQueriesContext(connection) as queries:
                assert open_emergencies_now(user=user) == []
            assert len(queries) == 0

    def test_the_banner_costs_one_query(self, client, officer, reviewer):
        for i in range(8):
            ReportFactory(officer=officer, urgency="emergency", title=f"突发{i}")
        client.force_login(reviewer)
        with CaptureQueriesContext(connection) as queries:
            body = client.get(reverse("reports:notifications")).content.decode()
        assert body.count("（") and "5 条以上" in body
        assert len([q for q in queries if "reports_auditentry" in q["sql"] and "EXISTS" in q["sql"]]) == 1


class TestEmergencyBannerShared:
    """The banner is shared by a county's staff through the cache and forgotten whenever it changes."""

    @pytest.fixture(autouse=True)
    def banner_cache(self, settings):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "b"}}
        settings.OPEN_EMERGENCIES_CACHE_SECONDS = 300

    def banner(self, client):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(reverse("reports:notifications")).content.decode()
        asked = len([q for q in queries if "reports_auditentry" in q["sql"] and "EXISTS" in q["sql"]])
        return re.findall(r'alert-link" href="/reports/(\d+)/', body), asked

    def test_kept_for_the_countys_staff_and_forgotten_on_every_change(
        self, client, officer, reviewer, county_admin, foreign_reviewer
    ):
        first = ReportFactory(officer=officer, urgency="emergency", title="某厂聚集", township=officer.township)
        client.force_login(county_admin)
        assert self.banner(client) == ([str(first.pk)], 1)
        client.force_login(reviewer)
        assert self.banner(client) == ([str(first.pk)], 0)  # the same county's: read, not asked again
        client.force_login(foreign_reviewer)
        assert self.banner(client) == ([], 1)  # another county's staff have their own
        # an officer submits another emergency: at once on the banner
        second = services.report_save(
            officer=officer,
            data={
                "title": "快递网点停工",
                "content": "快递员停止派件",
                "category": "new_form_rights",
                "urgency": "emergency",
                "occurred_at": timezone.now() - timedelta(minutes=5),
                "township": officer.township,
                **EMERGENCY_ESSENTIALS,
            },
            submit=True,
        )
        client.force_login(county_admin)
        assert self.banner(client) == ([str(first.pk), str(second.pk)], 1)
        # the reviewer opens the first: off the banner for everyone at once (the report's own page,
        # rendered after the audit row, already put the new banner in the cache)
        client.force_login(reviewer)
        opened = client.get(reverse("reports:detail", args=[first.pk])).content.decode()
        assert f'href="/reports/{first.pk}/"' not in opened.split('data-testid="emergency-banner"')[1][:600]
        client.force_login(county_admin)
        assert self.banner(client) == ([str(second.pk)], 0)
        # the officer withdraws the second: the banner is empty
        services.report_withdraw(report=second, officer=officer)
        assert self.banner(client) == ([], 1)

    def test_opening_an_emergency_that_cannot_be_on_it_keeps_the_banner(self, client, officer, reviewer, county_admin):
        on_it = ReportFactory(officer=officer, urgency="emergency", title="某厂聚集", township=officer.township)
        graded = ReportFactory(officer=officer, urgency="emergency", status="reviewed", title="已审核的突发")
        client.force_login(reviewer)
        assert self.banner(client) == ([str(on_it.pk)], 1)

        def banner_asked_by_the_page_of(report):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 200
            return len([q for q in queries if "reports_auditentry" in q["sql"] and "EXISTS" in q["sql"]])

        assert banner_asked_by_the_page_of(graded) == 0  # never on the banner: the kept one is still right
        assert banner_asked_by_the_page_of(on_it) == 1  # opened: forgotten and read again without it
        client.force_login(county_admin)
        assert self.banner(client) == ([], 0)


class TestReporterPhone:
    def test_staff_see_an_emergencys_full_phone_on_the_audited_page(self, client, officer, reviewer):
        emergency = ReportFactory(officer=officer, urgency="emergency")
        general = ReportFactory(officer=officer)
        client.force_login(reviewer)
        body = client.get(reverse("reports:detail", args=[emergency.pk])).content.decode()
        assert 'href="tel:13815110004"' in body
        assert AuditEntry.objects.filter(action="view_report", report_id=emergency.pk, actor=reviewer).count() == 1
        assert "13815110004" not in client.get(reverse("reports:detail", args=[general.pk])).content.decode()

    def test_a_grading_form_shown_again_does_not_reveal_it(self, client, officer, reviewer):
        emergency = ReportFactory(officer=officer, urgency="emergency")
        client.force_login(reviewer)
        response = client.post(reverse("reports:grade", args=[emergency.pk]), {"version": "0", "grade": "nonsense"})
        assert response.status_code == 400 and "13815110004" not in response.content.decode()
