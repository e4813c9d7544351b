"""Defects from the second review, each pinned by the case that showed it."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from disputes import services as dispute_services
from disputes.models import DisputeCase
from officers import services as officer_services
from reports import reminders, services
from reports.models import Reminder, StipendSetting, StipendSheet
from tests.factories import AdminFactory, EnterpriseFactory, OfficerFactory, ReportFactory, ReviewerFactory, image_bytes

pytestmark = pytest.mark.django_db


def test_a_reporting_officer_sees_progress_not_the_case_file(client, county):
    reviewer = ReviewerFactory(county=county)
    first, second = OfficerFactory(county=county, name="甲"), OfficerFactory(county=county, name="乙")
    case = dispute_services.case_from_report(
        report=ReportFactory(officer=first, title="甲的信息", content="甲写的内容"), actor=reviewer
    )
    dispute_services.case_link_report(case=case, report=ReportFactory(officer=second, title="乙的信息"), actor=reviewer)
    attachment = dispute_services.case_attach(
        case=case, actor=reviewer, files=[SimpleUploadedFile("协议.png", image_bytes(), content_type="image/png")]
    )[0]
    client.force_login(second.user)
    body = client.get(reverse("disputes:detail", args=[case.pk])).content.decode()
    assert case.number in body and "乙的信息" in body
    assert "甲的信息" not in body and "甲写的内容" not in body and "协议.png" not in body
    assert client.get(reverse("disputes:attachment", args=[attachment.pk])).status_code == 404
    case.handlers.add(second.user)
    assert client.get(reverse("disputes:attachment", args=[attachment.pk])).status_code == 200


def test_admin_account_choices_are_the_countys(client, county, other_county):
    ReviewerFactory(county=other_county, full_name="外县审核员")
    OfficerFactory(county=other_county, name="外县信息员")
    client.force_login(AdminFactory(county=county, full_name="本县管理员"))
    body = client.get("/admin/officers/guidance/add/").content.decode()
    assert "本县管理员" in body and "外县审核员" not in body and "外县信息员" not in body


def test_bad_month_never_approves_another(client, county):
    client.force_login(AdminFactory(county=county))
    assert client.post(reverse("reports:stipends_approve"), {"month": "2026-13"}).status_code == 404
    assert StipendSheet.objects.count() == 0


def test_a_month_not_yet_over_cannot_be_approved(county):
    this_month = timezone.localdate().replace(day=1)
    with pytest.raises(ValidationError) as exc:
        services.sheet_approve(county=county, month=this_month, actor=None)
    assert exc.value.messages == [f"滨海县{this_month.year}年{this_month.month}月尚未结束，月末之后才能审批补助表。"]


def test_settings_cannot_reach_back(county):
    past = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    with pytest.raises(ValidationError) as exc:
        StipendSetting(county=county, effective_from=past, quota=5).full_clean()
    assert exc.value.message_dict["effective_from"] == ["只能设置本月及以后执行的标准，过去的月份保持当时的标准"]
    StipendSetting(county=county, effective_from=timezone.localdate().replace(day=1), quota=2).full_clean()


def test_portal_numbers_skip_numbers_a_ledger_already_holds(county, tmp_path):
    year = timezone.localdate().year
    header = "案件编号,县区代码,登记日期,用人单位,争议类型,涉及人数,状态"
    path = tmp_path / "c.csv"
    path.write_text(f"{header}\n320922-{year}-0001,320922,{year}-01-05,某厂,欠薪,2,登记\n", encoding="utf-8")
    call_command("import_disputes", str(path), stdout=io.StringIO())
    case = dispute_services.case_register(
        county=county, actor=None, dispute_type="other", workers_involved=1, enterprise=EnterpriseFactory(county=county)
    )
    assert case.number == f"320922-{year}-0002"


def test_reimport_as_closed_keeps_the_mediation_result(county, tmp_path):
    header = "案件编号,县区代码,登记日期,用人单位,争议类型,涉及人数,状态,调解结果,结果日期"
    path = tmp_path / "c.csv"
    path.write_text(f"{header}\nL-1,320922,2026-01-05,某厂,欠薪,2,调解成功,成功,2026-02-01\n", encoding="utf-8")
    call_command("import_disputes", str(path), stdout=io.StringIO())
    path.write_text(f"{header}\nL-1,320922,2026-01-05,某厂,欠薪,2,结案,,\n", encoding="utf-8")
    call_command("import_disputes", str(path), stdout=io.StringIO())
    case = DisputeCase.objects.get()
    assert (case.status, case.mediation_result, case.result_on, case.closed_on) == (
        "closed",
        "success",
        date(2026, 2, 1),
        date(2026, 2, 1),
    )


@pytest.mark.parametrize("url", ["/dashboard/", "/reports/budget/"])
def test_unicode_digits_in_year_are_explained(client, county, url):
    client.force_login(AdminFactory(county=county))
    response = client.get(url, {"year": "²"})
    assert response.status_code == 200
    assert "年度应为2000–2100之间的四位数字，已显示今年" in response.content.decode()


def test_a_retry_finishes_a_pending_channel(county):
    officer = OfficerFactory(county=county)
    month = reminders.current_month()
    reminders.remind_officer(officer_id=officer.pk, month=month, kind="quota_20")
    Reminder.objects.update(sms_state="pending")  # as if the worker died before the SMS went out
    assert reminders.remind_officer(officer_id=officer.pk, month=month, kind="quota_20") is False
    assert Reminder.objects.get().sms_state == "sent"


def test_suspended_officer_cannot_sign_in(county):
    activity = officer_services.activity_create(
        county=county, actor=None, kind="exchange", held_on=timezone.localdate(), topic="交流会"
    )
    code = officer_services.sign_in_code_issue(activity=activity, actor=None)
    with pytest.raises(ValidationError) as exc:
        officer_services.sign_in(officer=OfficerFactory(county=county, status="suspended"), code=code.code)
    assert exc.value.message_dict == {"code": ["只有在岗信息员可以签到"]}


def test_reviewer_sees_no_money(client, county):
    client.force_login(ReviewerFactory(county=county))
    body = client.get("/dashboard/").content.decode()
    assert "补助发放与预算" not in body
