from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disputes import services
from disputes.models import CaseAttachment, DisputeCase
from officers.models import Enterprise
from tests.factories import EnterpriseFactory, OfficerFactory, ReportFactory, ReviewerFactory, image_bytes
from unionportal.core.models import AuditEntry

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_register_with_a_new_employer(client, county, reviewer):
    client.force_login(reviewer)
    response = client.post(
        reverse("disputes:create"),
        {
            "registered_on": TODAY.isoformat(),
            "new_enterprise_name": "滨海某物流公司",
            "dispute_type": "wage_arrears",
            "workers_involved": "12",
            "amount_claimed": "36000",
            "description": "拖欠三个月工资",
        },
    )
    case = DisputeCase.objects.get()
    assert response["Location"] == reverse("disputes:detail", args=[case.pk])
    assert (case.number, case.enterprise.name, case.workers_involved) == (
        f"320922-{TODAY.year}-0001",
        "滨海某物流公司",
        12,
    )


def test_register_needs_an_employer_and_a_worker(client, county, reviewer):
    client.force_login(reviewer)
    form = {"registered_on": TODAY.isoformat(), "dispute_type": "wage_arrears"}
    response = client.post(reverse("disputes:create"), form | {"workers_involved": "0"})
    errors = response.context["form"].errors
    assert errors["workers_involved"] == ["确保该值大于或等于1。"]
    assert DisputeCase.objects.count() == 0
    response = client.post(reverse("disputes:create"), form | {"workers_involved": "2"})
    assert response.context["form"].errors["enterprise"] == ["请选择用人单位，或填写新单位名称"]


def test_report_becomes_a_case_after_the_reviewer_checks_its_facts(client, county, reviewer, officer, textile):
    report = ReportFactory(
        officer=officer, enterprise=textile, workers_involved=126, category="wage_arrears", title="拖欠工资"
    )
    client.force_login(reviewer)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert reverse("disputes:from_report", args=[report.pk]) in page
    url = reverse("disputes:from_report", args=[report.pk])
    form = client.get(url).context["form"]
    assert (form.initial["enterprise"], form.initial["workers_involved"], form.initial["dispute_type"]) == (
        textile,
        126,
        "wage_arrears",
    )
    assert DisputeCase.objects.count() == 0  # opening the form registers nothing
    fields = {
        "registered_on": TODAY.isoformat(),
        "enterprise": textile.pk,
        "dispute_type": "wage_arrears",
        "workers_involved": "120",  # corrected by the reviewer
        "description": "核实后的情况",
    }
    response = client.post(url, fields, follow=True)
    case = DisputeCase.objects.get()
    assert f"案件已登记，编号 {case.number}" in response.content.decode()
    assert (case.workers_involved, case.description, list(case.reports.all())) == (120, "核实后的情况", [report])
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert case.number in page and url not in page
    # A second click, from a page opened before, registers nothing and says where the case is.
    response = client.post(url, fields, follow=True)
    assert f"该信息已登记为争议案件 {case.number}" in response.content.decode()
    assert DisputeCase.objects.count() == 1


def test_a_report_without_an_employer_asks_for_one(client, county, reviewer, officer):
    report = ReportFactory(officer=officer, enterprise=None, enterprise_name="")
    client.force_login(reviewer)
    url = reverse("disputes:from_report", args=[report.pk])
    fields = {"registered_on": TODAY.isoformat(), "dispute_type": "other", "workers_involved": "1"}
    response = client.post(url, fields)
    assert response.context["form"].errors["enterprise"] == ["请选择用人单位，或填写新单位名称"]
    assert DisputeCase.objects.count() == 0 and not Enterprise.objects.filter(name__startswith="待核实").exists()


def test_foreign_reviewer_cannot_turn_a_report_into_a_case(client, county, other_county, officer):
    report = ReportFactory(officer=officer)
    client.force_login(ReviewerFactory(county=other_county))
    url = reverse("disputes:from_report", args=[report.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"dispute_type": "other", "workers_involved": "1"}).status_code == 404
    client.force_login(officer.user)  # the author: a reader, not a registrar
    assert client.get(url).status_code == 403
    assert DisputeCase.objects.count() == 0


def test_registration_date_cannot_be_in_the_future(client, county, reviewer, textile):
    client.force_login(reviewer)
    fields = {"enterprise": textile.pk, "dispute_type": "other", "workers_involved": "1"}
    tomorrow = TODAY + timedelta(days=1)
    response = client.post(reverse("disputes:create"), fields | {"registered_on": tomorrow.isoformat()})
    assert response.context["form"].errors["registered_on"] == ["登记日期不能晚于今天"]
    assert DisputeCase.objects.count() == 0


def test_case_page_actions(client, county, reviewer, textile):
    case = services.case_register(
        county=county,
        actor=reviewer,
        dispute_type="wage_arrears",
        workers_involved=126,
        enterprise=textile,
        registered_on=TODAY - timedelta(days=5),
    )
    client.force_login(reviewer)
    url = lambda name: reverse(f"disputes:{name}", args=[case.pk])  # noqa: E731
    offered = lambda: [v for v, _ in client.get(url("detail")).context["move_form"].fields["to_status"].choices]  # noqa: E731
    assert offered() == ["mediating"]
    assert client.post(url("move"), {"to_status": "mediating", "on": TODAY.isoformat()}).status_code == 302
    assert offered() == ["succeeded", "failed", "transferred"]
    bad = client.post(url("move"), {"to_status": "closed"})
    assert bad.status_code == 400
    assert bad.context["move_form"].errors["to_status"] == [
        "不能从“调解中”改为“结案”；可改为：调解失败、调解成功、移交"
    ]
    client.post(url("move"), {"to_status": "succeeded", "on": TODAY.isoformat()})
    client.post(url("outcome"), {"kind": "wages", "amount": "600000", "received_on": TODAY.isoformat()})
    client.post(
        url("outcome"), {"kind": "wages", "amount": "660000", "received_on": TODAY.isoformat(), "note": "第二期"}
    )
    client.post(url("follow_up"), {"action": "回访职工，工资已全部到账", "next_step": "结案"})
    empty = client.post(url("attach"), {})
    assert (empty.status_code, empty.context["attach_form"].errors["files"]) == (400, ["请选择要上传的文件"])
    client.post(url("attach"), {"files": [SimpleUploadedFile("调解协议.png", image_bytes(), content_type="image/png")]})
    page = client.get(url("detail"))
    assert page.context["case"].wages == Decimal("1260000.00")
    assert page.context["case"].status == "succeeded"
    assert "回访职工，工资已全部到账" in page.content.decode()
    attachment = CaseAttachment.objects.get()
    download = client.get(reverse("disputes:attachment", args=[attachment.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert AuditEntry.objects.filter(action="view_case_file").count() == 1
    assert AuditEntry.objects.filter(action="change_case").count() == 2
    # Pages were opened three times by GET; the two refused forms (move, attach) shown again are no views.
    assert AuditEntry.objects.filter(action="view_case").count() == 3
    client.force_login(OfficerFactory(county=county).user)
    assert client.get(reverse("disputes:attachment", args=[attachment.pk])).status_code == 404


def test_fixed_query_counts(client, county, reviewer):
    client.force_login(reviewer)

    def make(n):
        for _ in range(n):
            case = services.case_register(
                county=county,
                actor=reviewer,
                dispute_type="other",
                workers_involved=2,
                enterprise=EnterpriseFactory(county=county),
            )
            services.outcome_add(case=case, actor=reviewer, kind="wages", amount=Decimal("10"), received_on=TODAY)
            services.follow_up_add(case=case, actor=reviewer, action="跟进")
        return case

    def count(url):
        client.get(url)  # the steady state: the bell's count kept
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    case = make(2)
    small = (
        count(reverse("disputes:list")),
        count(reverse("disputes:detail", args=[case.pk])),
        count(reverse("disputes:stats")),
    )
    make(12)
    for _ in range(5):
        services.follow_up_add(case=case, actor=reviewer, action="再跟进")
    assert (
        count(reverse("disputes:list")),
        count(reverse("disputes:detail", args=[case.pk])),
        count(reverse("disputes:stats")),
    ) == small


def test_a_reporting_officer_sees_progress_not_the_case_file(client, county):
    reviewer = ReviewerFactory(county=county)
    first, second = OfficerFactory(county=county, name="甲"), OfficerFactory(county=county, name="乙")
    case = services.case_from_report(
        report=ReportFactory(officer=first, title="甲的信息", content="甲写的内容"),
        actor=reviewer,
        enterprise_name="某厂",
    )
    services.case_link_report(case=case, report=ReportFactory(officer=second, title="乙的信息"), actor=reviewer)
    attachment = services.case_attach(
        case=case, actor=reviewer, files=[SimpleUploadedFile("协议.png", image_bytes(), content_type="image/png")]
    )[0]
    client.force_login(second.user)
    body = client.get(reverse("disputes:detail", args=[case.pk])).content.decode()
    assert case.number in body and "乙的信息" in body
    assert "甲的信息" not in body and "甲写的内容" not in body and "协议.png" not in body
    assert client.get(reverse("disputes:attachment", args=[attachment.pk])).status_code == 404
    case.handlers.add(second.user)
    assert client.get(reverse("disputes:attachment", args=[attachment.pk])).status_code == 200


def test_staff_correct_a_cases_facts_and_the_timeline_says_what(client, county, reviewer, textile, other_county):
    case = services.case_register(
        county=county, actor=reviewer, dispute_type="other", workers_involved=1, enterprise=textile
    )
    url = reverse("disputes:correct", args=[case.pk])
    client.force_login(reviewer)
    form = client.get(url).context["form"]
    assert (form.initial["enterprise"], form.initial["workers_involved"]) == (textile.pk, 1)
    fields = {
        "seen": form.initial["seen"],
        "enterprise": textile.pk,
        "dispute_type": "wage_arrears",
        "workers_involved": "126",
        "amount_claimed": "1260000",
        "description": "核实后：126名职工被拖欠三个月工资",
    }
    response = client.post(url, fields, follow=True)
    assert "案件信息已更正，已记入跟进记录" in response.content.decode()
    case.refresh_from_db()
    assert (case.dispute_type, case.workers_involved, case.amount_claimed, case.number) == (
        "wage_arrears",
        126,
        Decimal("1260000.00"),
        f"320922-{TODAY.year}-0001",
    )
    assert case.follow_ups.get().action == "更正案件信息：争议类型、涉及人数、诉求金额、案情"
    # The same page sent again (a double click, or a second person's older page): refused, not undone.
    response = client.post(url, fields | {"workers_involved": "1"})
    assert response.context["form"].non_field_errors() == ["案件信息刚被他人更正过，请查看最新内容后再修改"]
    fields["seen"] = client.get(url).context["form"].initial["seen"]
    client.post(url, fields)  # from the current page, the same facts: nothing changed, nothing written
    assert case.follow_ups.count() == 1
    response = client.post(url, fields | {"workers_involved": "0"})
    assert response.context["form"].errors["workers_involved"] == ["确保该值大于或等于1。"]
    # Officers and other counties' staff cannot.
    client.force_login(OfficerFactory(county=county).user)
    assert client.post(url, fields).status_code == 403
    client.force_login(ReviewerFactory(county=other_county))
    assert client.get(url).status_code == 404
    case.refresh_from_db()
    assert case.workers_involved == 126
