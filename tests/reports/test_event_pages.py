"""Event and merge pages through HTTP for each role: officer, reviewer, admin, another county's staff."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import rules, services
from reports.models import Event, EventEntry, Report
from tests.factories import EMERGENCY_ESSENTIALS, OfficerFactory, ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(officer):
    report = services.report_save(
        officer=officer,
        data={
            "title": "某服装厂职工聚集讨薪",
            "content": "约四十名职工聚集在厂门口。",
            "category": "mass_incident",
            "urgency": "emergency",
            "occurred_at": timezone.now() - timedelta(minutes=10),
            "township": officer.township,
            **EMERGENCY_ESSENTIALS,
        },
        submit=True,
    )
    return Event.objects.get(entries__report=report)


def followup_form(**fields):
    return {"situation": "人员已散去，企业承诺周五发放工资", "measures": "镇工会约谈企业"} | fields


class TestOfficer:
    def test_the_initial_form_asks_for_the_essentials(self, client, officer):
        client.force_login(officer.user)
        form = {
            "title": "职工聚集",
            "urgency": "emergency",
            "category": "mass_incident",
            "township": str(officer.township_id),
            "occurred_at": (timezone.localtime() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
            "content": "聚集",
            "submit": "1",
        }
        response = client.post(reverse("reports:create"), form)
        assert response.context["form"].errors == {
            "enterprise_name": ["突发信息请填写涉及的企业或场所（已登记的企业可直接选择）"],
            "workers_involved": ["突发信息请填写涉及人数"],
            "demands": ["突发信息请填写职工的诉求"],
        }
        assert Report.objects.count() == 0
        response = client.post(reverse("reports:create"), form | {k: str(v) for k, v in EMERGENCY_ESSENTIALS.items()})
        report = Report.objects.get()
        assert response["Location"] == reverse("reports:detail", args=[report.pk])
        assert Event.objects.get().entries.get().report == report
        body = client.get(response["Location"]).content.decode()
        assert reverse("reports:event", args=[report.event_entry.event_id]) in body

    def test_another_officer_of_the_county_files_a_followup(self, client, event, other_officer):
        client.force_login(other_officer.user)
        listing = client.get(reverse("reports:events")).content.decode()
        assert "某服装厂职工聚集讨薪" in listing and reverse("reports:event_followup", args=[event.pk]) in listing
        # Not their event yet: its page is not theirs to read.
        assert client.get(reverse("reports:event", args=[event.pk])).status_code == 404
        page = client.get(reverse("reports:event_followup", args=[event.pk]))
        assert page.status_code == 200 and "续报1" in page.content.decode()
        response = client.post(reverse("reports:event_followup", args=[event.pk]), followup_form(workers_involved="25"))
        assert response["Location"] == reverse("reports:event", args=[event.pk])
        entry = EventEntry.objects.get(kind="followup")
        assert (entry.officer, entry.number, entry.workers_involved, entry.source) == (other_officer, 1, 25, "portal")
        body = client.get(reverse("reports:event", args=[event.pk])).content.decode()
        assert "续报1" in body and "镇工会约谈企业" in body

    def test_the_officer_files_the_final_report(self, client, officer, event):
        client.force_login(officer.user)
        response = client.post(reverse("reports:event_final", args=[event.pk]), {"outcome": ""})
        assert response.status_code == 200
        assert response.context["form"].errors == {"outcome": ["终报请填写处置结果"]}
        client.post(reverse("reports:event_final", args=[event.pk]), {"outcome": "企业已结清工资"})
        event.refresh_from_db()
        assert (event.state, event.outcome) == ("closed", "企业已结清工资")
        response = client.get(reverse("reports:event_followup", args=[event.pk]))
        assert response["Location"] == reverse("reports:event", args=[event.pk])

    def test_the_officer_confirms_a_phone_report(self, client, officer, event, reviewer, other_officer):
        entry = services.event_entry_file(
            event=event, kind="followup", actor=reviewer, officer=officer, phone=True, data={"situation": "电话"}
        )
        client.force_login(other_officer.user)
        assert client.post(reverse("reports:event_entry_confirm", args=[entry.pk])).status_code == 404
        client.force_login(officer.user)
        body = client.get(reverse("reports:event", args=[event.pk])).content.decode()
        assert "电话报告·待确认" in body and "确认这条电话报告" in body
        client.post(reverse("reports:event_entry_confirm", args=[entry.pk]))
        entry.refresh_from_db()
        assert entry.confirmed_at is not None

    def test_another_countys_officer_is_refused(self, client, event, other_county):
        client.force_login(OfficerFactory(county=other_county).user)
        for name in ("reports:event", "reports:event_followup", "reports:event_final"):
            assert client.get(reverse(name, args=[event.pk])).status_code == 404
            assert client.post(reverse(name, args=[event.pk]), followup_form()).status_code in (404, 405)
        assert EventEntry.objects.count() == 1

    def test_the_officer_sees_their_report_as_merged(self, client, officer, other_officer, reviewer):
        first = ReportFactory(officer=other_officer)
        mine = ReportFactory(officer=officer)
        services.report_merge(report=mine, actor=reviewer, into_report=first)
        client.force_login(officer.user)
        assert "已合并" in client.get(reverse("reports:mine")).content.decode()
        assert 'data-testid="merged-note"' in client.get(reverse("reports:detail", args=[mine.pk])).content.decode()
        assert client.post(reverse("reports:merge", args=[mine.pk]), {"into_report": first.pk}).status_code == 403


class TestStaff:
    @pytest.mark.parametrize("role", ["reviewer", "county_admin"])
    def test_staff_see_the_chain_and_record_a_phone_report(self, client, request, role, event, officer):
        staff = request.getfixturevalue(role)
        services.event_entry_file(event=event, kind="followup", actor=officer.user, data={"situation": "第一次续报"})
        client.force_login(staff)
        listing = client.get(reverse("reports:events")).content.decode()
        assert "某服装厂职工聚集讨薪" in listing and "报告 2 次" in listing
        body = client.get(reverse("reports:event", args=[event.pk])).content.decode()
        assert body.index("初报") < body.index("续报1") < body.index("第一次续报")
        form = client.get(reverse("reports:event_followup", args=[event.pk])).context["form"]
        assert {"phone", "officer", "reported_at"} <= set(form.fields)
        client.post(
            reverse("reports:event_followup", args=[event.pk]),
            followup_form(phone="on", officer=str(officer.pk), situation="电话报告：已复工"),
        )
        entry = EventEntry.objects.get(number=2)
        assert (entry.source, entry.officer, entry.recorded_by) == ("phone", officer, staff)

    def test_staff_record_a_phone_initial_report_the_officer_confirms(self, client, reviewer, officer):
        client.force_login(reviewer)
        assert reverse("reports:event_phone_initial") in client.get(reverse("reports:events")).content.decode()
        key = client.get(reverse("reports:event_phone_initial")).context["form"]["submission_key"].value()
        called = timezone.localtime() - timedelta(minutes=3)
        form = {
            "submission_key": key,
            "officer": str(officer.pk),
            "called_at": called.strftime("%Y-%m-%dT%H:%M"),
            "title": "某电子厂职工停工",
            "category": "mass_incident",
            "occurred_at": (called - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"),
            "content": "来电称约三十名职工停工",
            "enterprise_name": "某电子厂",
            "workers_involved": "30",
            "demands": "要求补发加班费",
        }
        response = client.post(reverse("reports:event_phone_initial"), form)
        assert response.context["form"].errors == {"township": [rules.EMERGENCY_PLACE_MESSAGE]}
        assert Report.objects.count() == 0
        form["township"] = str(officer.township_id)
        response = client.post(reverse("reports:event_phone_initial"), form, follow=True)
        report = Report.objects.get()
        event = Event.objects.get()
        assert response.redirect_chain == [(reverse("reports:event", args=[event.pk]), 302)]
        assert "已代刘洋录入电话初报，事件已开启，已请信息员登录确认" in response.content.decode()
        assert (report.officer, report.recorded_by, report.urgency) == (officer, reviewer, "emergency")
        # the same form sent again (Back, then 录入 once more) records nothing new
        client.post(reverse("reports:event_phone_initial"), form)
        assert Report.objects.count() == 1
        # the officer sees the report as theirs, marked as a phone report, and confirms it
        client.force_login(officer.user)
        assert 'data-testid="phone-report"' in client.get(reverse("reports:detail", args=[report.pk])).content.decode()
        entry = event.entries.get()
        response = client.post(reverse("reports:event_entry_confirm", args=[entry.pk]), follow=True)
        assert "已确认初报（电话报告）" in response.content.decode()
        entry.refresh_from_db()
        assert entry.confirmed_at is not None

    def test_the_phone_initial_form_is_staff_only(self, client, officer, foreign_reviewer):
        client.force_login(officer.user)
        assert client.get(reverse("reports:event_phone_initial")).status_code == 403
        # another county's staff see only their own county's officers to choose from
        client.force_login(foreign_reviewer)
        form = client.get(reverse("reports:event_phone_initial")).context["form"]
        assert officer not in form.fields["officer"].queryset
        response = client.post(reverse("reports:event_phone_initial"), {"officer": str(officer.pk)})
        assert response.context["form"].errors["officer"] == ["所选信息员不是本县区在册的信息员"]
        assert Report.objects.count() == 0

    def test_a_staff_entry_of_their_own(self, client, reviewer, event):
        client.force_login(reviewer)
        client.post(reverse("reports:event_followup", args=[event.pk]), followup_form(situation="工作人员现场了解"))
        entry = EventEntry.objects.get(kind="followup")
        assert (entry.source, entry.officer, entry.recorded_by) == ("staff", None, reviewer)

    def test_the_review_page_shows_duplicates_and_merges(self, client, reviewer, officer, other_officer, event):
        later = ReportFactory(
            officer=other_officer, enterprise_name=EMERGENCY_ESSENTIALS["enterprise_name"], title="服装厂门口聚集"
        )
        client.force_login(reviewer)
        body = client.get(reverse("reports:detail", args=[later.pk])).content.decode()
        assert 'data-testid="duplicates"' in body and "某服装厂职工聚集讨薪" in body and "同一企业" in body
        response = client.post(reverse("reports:merge", args=[later.pk]), {"into_event": event.pk})
        assert response["Location"] == reverse("reports:detail", args=[later.pk])
        later.refresh_from_db()
        assert later.is_merged and later.lead.event == event
        body = client.get(reverse("reports:event", args=[event.pk])).content.decode()
        assert 'data-testid="lead-reports"' in body and "服装厂门口聚集" in body
        # merged again: refused with the reason, nothing changes
        response = client.post(reverse("reports:merge", args=[later.pk]), {"into_event": event.pk}, follow=True)
        assert "该信息已经合并过了" in response.content.decode()

    def test_another_countys_staff_are_refused(self, client, event, foreign_reviewer, officer):
        report = ReportFactory(officer=officer)
        client.force_login(foreign_reviewer)
        assert "某服装厂职工聚集讨薪" not in client.get(reverse("reports:events")).content.decode()
        for name in ("reports:event", "reports:event_followup", "reports:event_final"):
            assert client.get(reverse(name, args=[event.pk])).status_code == 404
        assert client.post(reverse("reports:merge", args=[report.pk]), {"into_event": event.pk}).status_code == 404
        assert not Report.objects.filter(lead__isnull=False).exists()


@pytest.mark.parametrize("followups", [1, 6])
def test_the_event_page_and_list_take_a_fixed_number_of_queries(
    client, reviewer, officer, event, followups, django_assert_num_queries
):
    for i in range(followups):
        services.event_entry_file(event=event, kind="followup", actor=officer.user, data={"situation": f"进展{i}"})
    # the staff page's risk panel: its levels (one change per follow-up) and the open item
    for level in ["blue", "red", "orange", "yellow", "blue", "red"][: followups + 1]:
        services.risk_level_set(subject=event, level=level, reason="研判", actor=reviewer)
    client.force_login(reviewer)
    client.get(reverse("reports:event", args=[event.pk]))  # warm the session and the caches
    with django_assert_num_queries(QUERIES["event"]):
        assert client.get(reverse("reports:event", args=[event.pk])).status_code == 200
    with django_assert_num_queries(QUERIES["list"]):
        assert client.get(reverse("reports:events")).status_code == 200


# the event page: 11 (its audit row is one statement), and 3 for the risk panel (owners, levels, items)
QUERIES = {"event": 14, "list": 8}
