"""Supervision through HTTP for each role: officers refused, reviewers act, an admin decides
extensions, another county's staff find nothing; the risk-level forms of a report and a case; the staff
home and the list at a fixed number of queries with 10 and 1,000 open items."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports import selectors, services
from reports.models import RiskAssessment, SupervisionExtension, SupervisionItem
from tests.factories import AdminFactory, OfficerFactory, ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(county):
    return AdminFactory(county=county, full_name="周管理")


@pytest.fixture
def report(county):
    return ReportFactory(officer=OfficerFactory(county=county), title="某厂欠薪苗头", status="submitted")


@pytest.fixture
def item(report, reviewer):
    now = timezone.now()
    item, _ = services.supervision_open(
        subject=report,
        kind="other",
        owner=reviewer,
        due_at=now + timedelta(days=2),
        title="核实欠薪人数",
        cause_key="other:test",
        now=now,
    )
    return item


def test_an_officer_is_refused_every_page(client, item, officer):
    client.force_login(officer.user)
    for name in (
        "supervision_detail",
        "supervision_respond",
        "supervision_close",
        "supervision_extend",
        "supervision_decide",
    ):
        assert client.get(reverse(f"reports:{name}", args=[item.pk])).status_code == 403
        assert client.post(reverse(f"reports:{name}", args=[item.pk]), {"note": "x"}).status_code == 403
    assert client.get(reverse("reports:supervision")).status_code == 403
    assert (
        client.post(reverse("reports:risk", args=[item.report_id]), {"level": "red", "reason": "x"}).status_code == 403
    )
    item.refresh_from_db()
    assert item.state == "open" and not RiskAssessment.objects.exists()


def test_another_countys_staff_find_nothing(client, item, foreign_reviewer):
    client.force_login(foreign_reviewer)
    assert client.get(reverse("reports:supervision_detail", args=[item.pk])).status_code == 404
    assert client.post(reverse("reports:supervision_close", args=[item.pk]), {"note": "x"}).status_code == 404
    assert list(client.get(reverse("reports:supervision")).context["items"]) == []


def test_a_reviewer_responds_asks_for_an_extension_and_closes(client, item, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("reports:supervision_detail", args=[item.pk]))
    assert page.status_code == 200 and "核实欠薪人数" in page.content.decode()
    response = client.post(reverse("reports:supervision_respond", args=[item.pk]), {"note": "已联系企业"})
    assert response.status_code == 302
    new_due = (item.due_at + timedelta(days=3)).astimezone(timezone.get_current_timezone())
    response = client.post(
        reverse("reports:supervision_extend", args=[item.pk]),
        {"new_due_at": new_due.strftime("%Y-%m-%dT%H:%M"), "reason": "企业负责人出差"},
    )
    assert response.status_code == 302
    assert SupervisionExtension.objects.get().state == "pending"
    # a reviewer cannot decide it
    ext = SupervisionExtension.objects.get()
    assert (
        client.post(
            reverse("reports:supervision_decide", args=[item.pk]), {"extension": ext.pk, "decision": "approve"}
        ).status_code
        == 403
    )
    response = client.post(reverse("reports:supervision_close", args=[item.pk]), {"note": ""})
    assert response.status_code == 400
    assert "这个字段是必填项。" in response.content.decode()
    response = client.post(reverse("reports:supervision_close", args=[item.pk]), {"note": "企业已发放工资"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.close_note, item.responded_at is not None) == ("closed", "企业已发放工资", True)
    assert SupervisionExtension.objects.get().state == "refused"  # closed before it was decided


def test_an_admin_approves_an_extension(client, item, reviewer, admin):
    new_due = item.due_at + timedelta(days=3)
    ext = services.extension_request(item=item, actor=reviewer, new_due_at=new_due, reason="等待账目")
    client.force_login(admin)
    page = client.get(reverse("reports:supervision_detail", args=[item.pk]))
    assert 'data-testid="pending-extension"' in page.content.decode()
    response = client.post(
        reverse("reports:supervision_decide", args=[item.pk]),
        {"extension": ext.pk, "decision": "approve", "note": "同意"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    ext.refresh_from_db()
    assert (ext.state, ext.decided_by, item.due_at) == ("approved", admin, new_due)


def test_an_extension_to_the_past_is_refused_with_the_reason(client, item, reviewer):
    client.force_login(reviewer)
    past = (item.due_at - timedelta(days=5)).astimezone(timezone.get_current_timezone())
    response = client.post(
        reverse("reports:supervision_extend", args=[item.pk]),
        {"new_due_at": past.strftime("%Y-%m-%dT%H:%M"), "reason": "x"},
    )
    assert response.status_code == 400
    assert "延期后的期限须晚于当前期限" in response.content.decode()
    assert not SupervisionExtension.objects.exists()


def test_risk_level_on_a_report_page(client, report, reviewer, admin):
    client.force_login(reviewer)
    response = client.post(
        reverse("reports:risk", args=[report.pk]), {"level": "orange", "reason": "人数增加", "owner": admin.pk}
    )
    assert response.status_code == 302
    item = SupervisionItem.objects.get()
    assert (item.owner, item.kind, RiskAssessment.objects.get().level) == (admin, "risk", "orange")
    body = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert 'data-testid="risk-current">橙色<' in body and "橙色风险处置" in body
    response = client.post(reverse("reports:risk", args=[report.pk]), {"level": "orange", "reason": "再设"})
    assert response.status_code == 400 and "当前已是橙色风险，无需调整" in response.content.decode()


def make_items(county, owner, n):
    report = ReportFactory(officer=OfficerFactory(county=county), status="submitted")
    now = timezone.now()
    colours = ["none", "blue", "yellow", "red"]
    SupervisionItem.objects.bulk_create(
        SupervisionItem(
            county=county,
            kind="other",
            report=report,
            cause_key=f"bulk:{i}",
            title=f"事项{i}",
            owner=owner,
            opened_at=now,
            due_at=now + timedelta(days=i % 9 + 1),
            colour=colours[i % 4],
            colour_since=now,
        )
        for i in range(n)
    )


@pytest.mark.parametrize("n", [10, 1000])
def test_the_staff_home_and_the_list_at_a_fixed_number_of_queries(
    client, county, reviewer, n, django_assert_num_queries
):
    make_items(county, reviewer, n)
    client.force_login(reviewer)
    client.get(reverse("home"))  # warm the session and caches
    with django_assert_num_queries(HOME_QUERIES):
        home = client.get(reverse("home"))
    counts = {colour: count for colour, _, count in home.context["supervision"]["counts"]}
    assert counts == {"none": -(-n // 4), "blue": (n + 2) // 4, "yellow": (n + 1) // 4, "red": n // 4}
    assert [i.colour for i in home.context["supervision"]["items"]][:2] == ["red", "red"]
    with django_assert_num_queries(LIST_QUERIES):
        page = client.get(reverse("reports:supervision"))
    assert len(page.context["items"]) == min(n, 20)


# After h21's lighter signed-in floor (2 fewer on the home, 1 fewer on the list), the same at both sizes.
HOME_QUERIES = (
    13  # session, user, the page's figures; 2 for supervision, 1 for open 批示 follow-ups, whatever the numbers
)
LIST_QUERIES = 9  # the same page of 20 and one count by colour, for 10 or 1,000 items


def test_the_item_page_reads_the_names_it_shows_not_whole_accounts(client, item, reviewer, admin):
    ext = services.extension_request(
        item=item, actor=reviewer, new_due_at=item.due_at + timedelta(days=3), reason="等待账目"
    )
    services.extension_decide(extension=ext, actor=admin, approve=True, note="同意")
    services.supervision_close(item=item, actor=admin, note="已核实")
    with CaptureQueriesContext(connection) as read:
        shown = selectors.supervision_detail(user=admin, pk=item.pk)
    with CaptureQueriesContext(connection) as after:
        names = {
            "owner": shown.owner.get_full_name(),
            "opened_by": shown.opened_by.get_full_name() if shown.opened_by_id else "",
            "closed_by": shown.closed_by.get_full_name(),
            "actors": sorted({log.actor.get_full_name() for log in shown.logs.all() if log.actor_id}),
            "extension": [
                (e.requested_by.get_full_name(), e.decided_by.get_full_name()) for e in shown.extensions.all()
            ],
        }
    assert names["owner"] == reviewer.get_full_name() and names["closed_by"] == "周管理"
    assert names["extension"] == [(reviewer.get_full_name(), "周管理")]
    assert "周管理" in names["actors"]
    assert len(after) == 0
    sql = "\n".join(q["sql"] for q in read.captured_queries)
    assert '"officers_user"."password"' not in sql and '"officers_user"."full_name"' in sql
    client.force_login(admin)
    page = client.get(reverse("reports:supervision_detail", args=[item.pk])).content.decode()
    assert "周管理" in page and reviewer.get_full_name() in page
