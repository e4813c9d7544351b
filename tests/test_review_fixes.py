"""Defects found in review, each pinned by the case that showed it."""

import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from officers.models import Enterprise, Officer
from officers.services import county_upsert
from reports.models import AuditEntry, Report
from tests.factories import (
    PASSWORD,
    AdminFactory,
    EnterpriseFactory,
    OfficerFactory,
    ReportFactory,
    ReviewerFactory,
    TownshipFactory,
)
from unionportal.ledger import cell_money

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "spec" / "samples"
HEADER = (
    "姓名,手机号,性别,县区代码,镇区街道,工作单位,统一社会信用代码,人员类别,重点群体,推荐单位,把关单位,状态,聘任日期"
)
pytestmark = pytest.mark.django_db


def import_officers(tmp_path, *rows):
    path = tmp_path / "o.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_officers", str(path), stdout=out, stderr=err)
    except CommandError:
        return None, err.getvalue().strip().splitlines()
    return out.getvalue().strip(), []


def test_reviewer_cannot_unmask_phones_by_partial_search(client, county):
    OfficerFactory(county=county, name="王建国", phone="13815110001")
    client.force_login(ReviewerFactory(county=county))
    names = lambda q: [o.name for o in client.get(reverse("officers:list"), {"q": q}).context["officers"]]  # noqa: E731
    assert names("1381511") == []
    assert names("0001") == []
    assert names("13815110001") == ["王建国"]  # a full number the reviewer already has
    client.force_login(AdminFactory(county=county))
    assert names("0001") == ["王建国"]


def test_admin_site_report_view_is_audited(client, county):
    report = ReportFactory(officer__county=county, title="机密信息")
    admin = AdminFactory(county=county)
    client.force_login(admin)
    assert client.get(f"/admin/reports/report/{report.pk}/change/").status_code == 200
    entry = AuditEntry.objects.get(action="view_report")
    assert (entry.actor, entry.report, entry.target) == (admin, report, "机密信息（管理后台）")


def test_imports_are_audited(tmp_path, county):
    county_upsert(code="320922", name="滨海县", townships=["东坎街道", "坎北街道", "五汛镇", "八巨镇"])
    call_command("import_officers", str(SAMPLES / "officers.csv"), "--dry-run", stdout=io.StringIO())
    assert AuditEntry.objects.filter(action="import").count() == 0
    call_command("import_officers", str(SAMPLES / "officers.csv"), stdout=io.StringIO())
    entry = AuditEntry.objects.get(action="import")
    assert entry.target == "信息员台账：新增 6，更新 0，未变化 0"


def test_another_countys_credit_code_is_refused(tmp_path, county, other_county):
    EnterpriseFactory(county=other_county, name="阜宁某厂", credit_code="91320922MA1MX0001D")
    out, err = import_officers(tmp_path, "王建国,13815110001,男,320922,,某厂,91320922MA1MX0001D,一线职工,,,,在岗,")
    assert err == ["第2行：统一社会信用代码：统一社会信用代码 91320922MA1MX0001D 已登记为阜宁县的企业“阜宁某厂”"]
    assert Officer.objects.count() == 0


def test_form_refuses_another_countys_credit_code(client, county, other_county):
    EnterpriseFactory(county=other_county, name="阜宁某厂", credit_code="91320922MA1MX0001D")
    client.force_login(AdminFactory(county=county))
    response = client.post(
        reverse("officers:create"),
        {
            "name": "甲",
            "phone": "13815110009",
            "county": county.pk,
            "category": "frontline",
            "status": "active",
            "new_employer_name": "某厂",
            "new_employer_credit_code": "91320922MA1MX0001D",
        },
    )
    assert response.context["form"].errors["new_employer_credit_code"] == [
        "统一社会信用代码 91320922MA1MX0001D 已登记为阜宁县的企业“阜宁某厂”"
    ]
    assert Officer.objects.count() == 0 and Enterprise.objects.count() == 1


def test_reimport_respects_status_rules_and_blank_keeps_status(tmp_path, county):
    row = "王建国,13815110001,男,320922,,,,一线职工,,,,{},"
    import_officers(tmp_path, row.format("解聘"))
    out, err = import_officers(tmp_path, row.format("在岗"))
    assert err == ["第2行：状态：不能从“解聘”改为“在岗”（解聘后不能恢复，候选须先聘任）"]
    out, err = import_officers(tmp_path, row.format(""))
    assert out == "导入完成：新增 0 条，更新 0 条，未变化 1 条（共 1 行）。"
    officer = Officer.objects.get()
    assert (officer.status, officer.user.is_active) == ("dismissed", False)


def test_exported_reports_import_back_without_duplicates(client, county, tmp_path):
    officer = OfficerFactory(county=county, phone="13815110004")
    moment = datetime(2026, 10, 20, 19, 45, 37, tzinfo=ZoneInfo("Asia/Shanghai"))
    ReportFactory(
        officer=officer,
        title="派件费下调",
        submitted_at=moment,
        occurred_at=moment,
        grade="qualified",
        status="reviewed",
    )
    withdrawn = ReportFactory(
        officer=officer, title="已撤回的", submitted_at=moment, occurred_at=moment, status="withdrawn"
    )
    client.force_login(AdminFactory(county=county))
    from reports.resources import ReportLedgerResource

    fields = {f"reportledgerresource_{name}": "on" for name in ReportLedgerResource().get_export_order()}
    exported = client.post("/admin/reports/report/export/", {"format": "0", "resource": "0", **fields}).content
    text = exported.decode("utf-8-sig")
    target = tmp_path / "reexport.csv"
    target.write_text(text.replace("已撤回的,某企业职工反映情况", "已撤回的,改过的内容"), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_reports", str(target), stdout=io.StringIO(), stderr=err)
    assert "第2行：审核结果：该信息在平台中为“已撤回”，不能通过台账修改" in err.getvalue()
    target.write_text("\n".join(line for line in text.splitlines() if "已撤回的" not in line), encoding="utf-8")
    out = io.StringIO()
    call_command("import_reports", str(target), stdout=out)
    assert out.getvalue().strip() == "导入完成：新增 0 条，更新 0 条，未变化 1 条（共 1 行）。"
    assert Report.objects.count() == 2
    assert Report.objects.get(title="派件费下调").submitted_at == moment  # seconds kept
    withdrawn.refresh_from_db()
    assert withdrawn.status == "withdrawn"


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz$"])
def test_healthz_is_not_redirected_to_https(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


@pytest.mark.parametrize(
    ("value", "amount"),
    [(110.00000000000001, Decimal("110.00")), (0.30000000000000004, Decimal("0.30")), (12.5, Decimal("12.50"))],
)
def test_excel_float_amounts(value, amount):
    assert cell_money(value) == amount


def test_login_next_pointing_at_login_goes_home(client, county):
    officer = OfficerFactory(county=county)
    client.force_login(officer.user)
    response = client.get("/accounts/login/?next=/accounts/login/")
    assert response.status_code == 302 and response["Location"] == "/"
    client.logout()
    response = client.post("/accounts/login/?next=/accounts/login/", {"username": officer.phone, "password": PASSWORD})
    assert response["Location"] == "/"


@pytest.mark.parametrize("params", [{"year": "0"}, {"year": "99999"}, {"year": "abc"}])
def test_budget_year_out_of_range_is_explained(client, county, params):
    client.force_login(AdminFactory(county=county))
    response = client.get("/reports/budget/", params)
    assert response.status_code == 200
    assert "年度应为2000–2100之间的四位数字，已显示今年" in response.content.decode()


def test_stipend_month_out_of_range_is_explained(client, county):
    client.force_login(AdminFactory(county=county))
    response = client.get("/reports/stipends/", {"month": "9999-12"})
    assert response.status_code == 200
    assert "“9999-12”超出可查询的年份范围（2000–2100）" in response.content.decode()


def test_admin_import_says_why_a_file_cannot_be_read(client, county):
    client.force_login(AdminFactory(county=county))
    upload = io.BytesIO(HEADER.encode("gbk") + "\n王建国,13815110001\n".encode("gbk"))
    upload.name = "ledger.csv"
    response = client.post("/admin/officers/officer/import/", {"import_file": upload, "format": "0", "resource": "0"})
    assert response.context["form"].errors["import_file"] == [
        "文件不是 UTF-8 编码。请在 Excel 中“另存为”选择“CSV UTF-8（逗号分隔）”后再导入。"
    ]


def test_admin_filters_list_only_own_county(client, county, other_county):
    TownshipFactory(county=other_county, name="阜城街道")
    own = TownshipFactory(county=county, name="东坎街道")
    OfficerFactory(county=county, township=own)
    client.force_login(AdminFactory(county=county))
    body = client.get("/admin/officers/officer/").content.decode()
    assert "东坎街道" in body and "阜城街道" not in body
