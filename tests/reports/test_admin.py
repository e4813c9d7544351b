import io

import pytest
from django.utils import timezone

from reports.resources import ReportLedgerResource
from tests.factories import AdminFactory, CountyFactory, ReportFactory, TownshipFactory
from unionportal.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_admin_export_is_audited_and_scoped(client, county, other_county, officer):
    import csv

    ReportFactory(officer=officer, title="本县信息", content="=cmd|' /C calc'!A0")
    ReportFactory(officer__county=other_county, title="外县信息")
    admin = AdminFactory(county=county)
    client.force_login(admin)
    fields = {f"reportledgerresource_{name}": "on" for name in ReportLedgerResource().get_export_order()}
    response = client.post("/admin/reports/report/export/", {"format": "0", "resource": "0", **fields})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["本县信息"]
    assert rows[1][2] == "'=cmd|' /C calc'!A0"
    entry = AuditEntry.objects.get(action="export")
    assert (entry.actor, entry.county, entry.target) == (admin, county, "报送信息：1 条（csv）")


def test_the_export_page_is_in_chinese_and_its_select_all_box_works_under_the_csp(client, county):
    client.force_login(AdminFactory(county=county))
    body = client.get("/admin/reports/report/export/").content.decode()
    assert "全选" in body and "报送人手机号" in body
    assert "Select all" not in body and "Officer Phone" not in body
    assert '<script src="/static/js/admin_export.js"></script>' in body  # attaches the blocked inline handler


def test_audit_log_is_read_only_and_for_admins(client, county, other_county, officer, reviewer):
    report = ReportFactory(officer=officer)
    client.force_login(reviewer)
    client.get(f"/reports/{report.pk}/")
    foreign_admin = AdminFactory(county=other_county)
    client.force_login(foreign_admin)
    assert list(client.get("/admin/core/auditentry/").context["cl"].result_list) == []
    admin = AdminFactory(county=county)
    client.force_login(admin)
    listing = client.get("/admin/core/auditentry/", {"action__exact": "view_report"})
    assert [(e.actor, e.report) for e in listing.context["cl"].result_list] == [(reviewer, report)]
    entry = AuditEntry.objects.get()
    page = client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"target": "x"}).status_code == 403
    assert AuditEntry.objects.get().target == report.title
    # reviewers have no admin site at all
    client.force_login(reviewer)
    assert client.get("/admin/core/auditentry/").status_code == 302


def test_timeliness_rules_are_each_countys_own_on_the_admin_site(client, county, other_county):
    from reports.models import TimelinessRule

    own = TimelinessRule.objects.create(county=county, emergency_minutes=30)
    foreign = TimelinessRule.objects.create(county=other_county, emergency_minutes=90)
    client.force_login(AdminFactory(county=county))
    listing = client.get("/admin/reports/timelinessrule/")
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [own]
    assert client.get(f"/admin/reports/timelinessrule/{own.pk}/change/").status_code == 200
    assert client.get(f"/admin/reports/timelinessrule/{foreign.pk}/change/").status_code == 302  # "not found"


def test_admin_site_report_view_is_audited(client, county):
    report = ReportFactory(officer__county=county, title="机密信息")
    admin = AdminFactory(county=county)
    client.force_login(admin)
    assert client.get(f"/admin/reports/report/{report.pk}/change/").status_code == 200
    entry = AuditEntry.objects.get(action="view_report")
    assert (entry.actor, entry.report, entry.target) == (admin, report, "机密信息（管理后台）")
    # Its title on the admin site is in Beijing time, as every time shown.
    assert str(entry).startswith(f"{timezone.localtime(entry.created_at):%Y-%m-%d %H:%M} ")


def test_admin_lists_of_sheets_settings_and_counties_take_the_same_queries_for_more_rows(client, county):
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from officers.models import User
    from reports.models import StipendSetting, StipendSheet

    superuser = User.objects.create_superuser(username="13900000009", password="x", is_staff=True)
    client.force_login(superuser)
    approver = AdminFactory(county=county)

    def queries(url):
        client.get(url)  # the steady state: the bell's count kept
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    def add_rows(n):
        for _ in range(n):
            place = CountyFactory()
            TownshipFactory(county=place)
            StipendSheet.objects.create(county=place, month=date(2026, 9, 1), approved_by=approver)
            StipendSetting.objects.create(county=place, effective_from=date(2026, 12, 1), created_by=approver)

    add_rows(1)
    urls = ["/admin/reports/stipendsheet/", "/admin/reports/stipendsetting/", "/admin/officers/county/"]
    before = [queries(url) for url in urls]
    add_rows(3)
    assert [queries(url) for url in urls] == before


def test_the_admin_site_holds_the_meeting_record_to_the_same_rules(client, county):
    from datetime import date, timedelta

    from django.utils import timezone

    from officers.models import User
    from unionportal.overview import summaries
    from unionportal.overview.models import SummaryAction

    summary = summaries.summary_build(county=county, month=date(2026, 10, 1))
    owner = ReportFactory(officer__county=county).officer.user
    url = f"/admin/overview/monthlysummary/{summary.pk}/change/"

    def post(meeting_on):
        return client.post(
            url,
            {
                "meeting_on": meeting_on,
                "attendees": "陈审核",
                "conclusions": "加强走访",
                # an action slipped in beside the record: the inline is read-only, actions are added
                # on the summary's page (the service checks the owner and tells them)
                "actions-TOTAL_FORMS": "1",
                "actions-INITIAL_FORMS": "0",
                "actions-MIN_NUM_FORMS": "0",
                "actions-MAX_NUM_FORMS": "1000",
                "actions-0-description": "回访骑手",
                "actions-0-owner": owner.pk,
                "actions-0-due_on": "2020-01-01",
            },
        )

    for user in (AdminFactory(county=county), User.objects.create_superuser(username="13900000009", password="x")):
        client.force_login(user)
        response = post("2026-09-30")
        assert response.context["adminform"].form.errors["meeting_on"] == [
            "分析会日期不能早于所分析的月份（2026年10月）"
        ]
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        assert post(tomorrow).context["adminform"].form.errors["meeting_on"] == ["分析会日期不能晚于今天"]
        assert post("2026-11-03").status_code == 302
        summary.refresh_from_db()
        assert summary.meeting_on == date(2026, 11, 3)
        assert SummaryAction.objects.count() == 0
