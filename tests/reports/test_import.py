"""The report history import (contract section 2)."""

import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from officers.services import county_upsert
from reports.models import Report, ReviewEvent
from tests.factories import AdminFactory, OfficerFactory, ReportFactory

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "samples"
BJ = ZoneInfo("Asia/Shanghai")
HEADER = "报送人手机号,标题,内容,信息类别,紧急程度,发生时间,报送时间,涉及人数,涉及金额,审核结果,采用单位"


@pytest.fixture
def ledger(db):
    county_upsert(code="320922", name="滨海县", townships=["东坎街道", "坎北街道", "五汛镇", "八巨镇"])
    call_command("import_officers", str(SAMPLES / "officers.csv"), stdout=io.StringIO())


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_reports", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        return None, err.getvalue().strip().splitlines(), str(exc)
    return out.getvalue().strip(), err.getvalue().strip().splitlines(), None


def test_sample_history_imports(ledger):
    out, _, _ = run(SAMPLES / "reports.csv")
    assert out == "导入完成：新增 5 条，更新 0 条，未变化 0 条（共 5 行）。"
    wage = Report.objects.select_related("officer", "township").get(title="某纺织企业拖欠工资苗头")
    assert (wage.officer.phone, wage.category, wage.urgency, wage.workers_involved, wage.amount_involved) == (
        "13815110002",
        "wage_arrears",
        "emergency",
        126,
        Decimal("1260000.00"),
    )
    assert (wage.occurred_at, wage.submitted_at) == (
        datetime(2026, 10, 12, 10, 5, tzinfo=BJ),
        datetime(2026, 10, 12, 10, 40, tzinfo=BJ),
    )
    assert (wage.status, wage.grade, wage.adopted_by, wage.on_time) == (
        "reviewed",
        "above_adopted",
        "盐城市总工会",
        True,
    )
    assert wage.township.name == "东坎街道"  # the officer's township
    pending = Report.objects.get(title="外卖骑手反映站点罚款过重")
    assert (pending.status, pending.grade, pending.on_time) == ("submitted", "pending", True)
    assert Report.objects.get(title="快递网点派件费下调引发议论").on_time is True
    rejected = Report.objects.get(title="企业安全培训落实情况良好")
    assert (rejected.status, rejected.grade, rejected.adopted_by) == ("reviewed", "rejected", "")
    assert ReviewEvent.objects.count() == 4  # the four graded rows keep their grade in history


def test_reimport_creates_nothing(ledger):
    run(SAMPLES / "reports.csv")
    out, _, _ = run(SAMPLES / "reports.csv")
    assert out == "导入完成：新增 0 条，更新 0 条，未变化 5 条（共 5 行）。"
    assert (Report.objects.count(), ReviewEvent.objects.count()) == (5, 4)


def test_dry_run_writes_nothing(ledger):
    out, _, _ = run(SAMPLES / "reports.csv", "--dry-run")
    assert out == "试运行，未写入任何数据：将新增 5 条，更新 0 条，未变化 0 条（共 5 行）。"
    assert Report.objects.count() == 0


def test_bad_rows(ledger, tmp_path):
    rows = [
        HEADER,
        "13815110001,好的一行,内容,职工思想动态,一般,2026-10-08 09:30,2026-10-08 16:20,15,,合格,",
        "13899999999,未知报送人,内容,其他,一般,2026-10-08 09:30,2026-10-08 16:20,,,,",
        "13815110001,时间颠倒,内容,其他,一般,2026-10-08 09:30,2026-10-08 08:20,,,,",
        "13815110001,类别错误,内容,工资,一般,2026-10-08 09:30,2026-10-08 16:20,,,,",
        "13815110001,紧急错误,内容,其他,特急,2026/10/08 09:30,2026-10-08 16:20,,,,",
        "13815110001,数字错误,内容,其他,一般,2026-10-08 09:30,2026-10-08 16:20,-3,12.345,,",
        "13815110001,缺采用单位,内容,其他,一般,2026-10-08 09:30,2026-10-08 16:20,,,县级以上部门采用,",
        "13815110001,,,其他,一般,2026-10-08 09:30,2026-10-08 16:20,,,,",
        "13815110001,好的一行,内容,职工思想动态,一般,2026-10-08 09:30,2026-10-08 16:20,15,,合格,",
        "13815110001," + "长" * 101 + ",内容,其他,一般,2026-10-08 09:30,2026-10-08 16:20,,,待定,",
    ]
    path = tmp_path / "reports.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out, err, failure = run(path)
    assert failure == "导入失败：9 行有错误，未写入任何数据。请改正后重新导入。"
    assert err == [
        "第3行：报送人手机号：手机号 13899999999 不是已登记的信息员，请先导入信息员台账",
        "第4行：报送时间：报送时间不能早于发生时间",
        "第5行：信息类别：“工资”不是有效的信息类别，应为：欠薪讨薪、劳动争议、群体性事件苗头、职工思想动态、新就业形态劳动者权益、安全生产、网络舆情、其他",
        "第6行：紧急程度：“特急”不是有效的紧急程度，应为：一般、突发",
        "第6行：发生时间：“2026/10/08 09:30”不是有效时间，格式应为 YYYY-MM-DD HH:MM",
        "第7行：涉及人数：不能小于 0",
        "第7行：涉及金额：金额最多保留两位小数",
        "第8行：采用单位：审核结果为“县级以上部门采用”时请填写采用单位",
        "第9行：标题：标题不能为空",
        "第9行：内容：内容不能为空",
        "第10行：标题：与第2行是同一条信息（报送人、报送时间和标题都相同）",
        "第11行：标题：标题不能超过100个字（现有101个字）",
        "第11行：审核结果：“待定”不是有效的审核结果，应为：待审核、不予采用、合格、县总工会采用、县级以上部门采用",
    ]
    assert Report.objects.count() == 0


def test_xlsx_with_real_datetime_cells(ledger, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            13815110001,
            "车间反映加班费",
            "内容",
            "职工思想动态",
            "一般",
            datetime(2026, 10, 8, 9, 30),
            datetime(2026, 10, 8, 16, 20),
            15,
            3000.5,
            "合格",
            None,
        ]
    )
    path = tmp_path / "reports.xlsx"
    book.save(path)
    out, _, _ = run(path)
    assert out == "导入完成：新增 1 条，更新 0 条，未变化 0 条（共 1 行）。"
    report = Report.objects.get()
    assert (report.submitted_at, report.amount_involved, report.grade) == (
        datetime(2026, 10, 8, 16, 20, tzinfo=BJ),
        Decimal("3000.50"),
        "qualified",
    )


def test_regrade_by_reimport_updates(ledger, tmp_path):
    run(SAMPLES / "reports.csv")
    text = (SAMPLES / "reports.csv").read_text(encoding="utf-8").replace(",30,,待审核,", ",30,,合格,")
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    out, _, _ = run(path)
    assert out == "导入完成：新增 0 条，更新 1 条，未变化 4 条（共 5 行）。"
    report = Report.objects.get(title="外卖骑手反映站点罚款过重")
    assert (report.status, report.grade) == ("reviewed", "qualified")


def test_admin_of_another_county_cannot_import(ledger, other_county, client):
    client.force_login(AdminFactory(county=other_county))
    upload = io.BytesIO((SAMPLES / "reports.csv").read_bytes())
    upload.name = "reports.csv"
    response = client.post("/admin/reports/report/import/", {"import_file": upload, "format": "0", "resource": "0"})
    assert response.status_code == 200
    errors = [row.error_dict for row in response.context["result"].invalid_rows]
    assert errors[0] == {"报送人手机号": ["无权导入其他县区信息员的报送记录"]}
    assert Report.objects.count() == 0


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
