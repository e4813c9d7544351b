"""The officer ledger import (contract section 1), by command and on the admin import page."""

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from officers.models import Enterprise, Officer, OfficerStatusChange, User
from officers.services import county_upsert
from tests.factories import AdminFactory, EnterpriseFactory, OfficerFactory, ReviewerFactory
from unionportal.core.models import AuditEntry

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "samples"
HEADER = (
    "姓名,手机号,性别,县区代码,镇区街道,工作单位,统一社会信用代码,人员类别,重点群体,推荐单位,把关单位,状态,聘任日期"
)


@pytest.fixture
def binhai(db):
    county, _ = county_upsert(code="320922", name="滨海县", townships=["东坎街道", "坎北街道", "五汛镇", "八巨镇"])
    return county


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_officers", str(path), *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def import_rows(tmp_path, *rows):
    path = tmp_path / "o.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_officers", str(path), stdout=out, stderr=err)
    except CommandError:
        return None, err.getvalue().strip().splitlines()
    return out.getvalue().strip(), []


def write(tmp_path, text, name="ledger.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_sample_ledger_imports(binhai):
    out, _ = run(SAMPLES / "officers.csv")
    assert out == "导入完成：新增 6 条，更新 0 条，未变化 0 条（共 6 行）。"
    wang = Officer.objects.select_related("township", "employer", "user").get(phone="13815110001")
    assert (wang.name, wang.gender, wang.township.name, wang.category, wang.status, wang.appointed_on) == (
        "王建国",
        "M",
        "东坎街道",
        "union_committee",
        "active",
        date(2024, 3, 1),
    )
    assert (wang.employer.name, wang.employer.credit_code, wang.employer.county) == (
        "滨海华强纺织有限公司",
        "91320922MA1MX0001D",
        binhai,
    )
    assert wang.user.username == "13815110001" and wang.user.is_active
    liu = Officer.objects.get(phone="13815110004")
    assert (liu.category, liu.key_group, liu.recommended_by, liu.vetted_by, liu.employer) == (
        "new_form",
        "courier",
        "县快递行业协会",
        "县交通运输行业工会联合会",
        None,
    )
    sun = Officer.objects.select_related("user").get(phone="13815110006")
    assert (sun.status, sun.key_group, sun.appointed_on, sun.user.is_active) == (
        "candidate",
        "truck_driver",
        None,
        False,
    )
    # Two officers of 华强纺织 share one enterprise row.
    assert Enterprise.objects.count() == 2
    assert set(OfficerStatusChange.objects.values_list("reason", flat=True)) == {"台账导入"}
    # Each officer gets the county's next code, in the ledger's order.
    assert list(Officer.objects.order_by("pk").values_list("code", flat=True)) == [
        f"320922-{n:04d}" for n in range(1, 7)
    ]


def test_reimport_changes_nothing(binhai):
    run(SAMPLES / "officers.csv")
    before = (
        Officer.objects.count(),
        Enterprise.objects.count(),
        User.objects.count(),
        OfficerStatusChange.objects.count(),
    )
    out, _ = run(SAMPLES / "officers.csv")
    assert out == "导入完成：新增 0 条，更新 0 条，未变化 6 条（共 6 行）。"
    assert sorted(Officer.objects.values_list("code", flat=True))[-1] == "320922-0006"  # codes kept
    after = (
        Officer.objects.count(),
        Enterprise.objects.count(),
        User.objects.count(),
        OfficerStatusChange.objects.count(),
    )
    assert before == after == (6, 2, 6, 6)


def test_dry_run_writes_nothing(binhai):
    out, _ = run(SAMPLES / "officers.csv", "--dry-run")
    assert out == "试运行，未写入任何数据：将新增 6 条，更新 0 条，未变化 0 条（共 6 行）。"
    assert (Officer.objects.count(), Enterprise.objects.count(), User.objects.count()) == (0, 0, 0)


def test_changed_row_updates_and_records_status(binhai, tmp_path):
    run(SAMPLES / "officers.csv")
    text = (
        (SAMPLES / "officers.csv")
        .read_text(encoding="utf-8")
        .replace(
            "刘洋,13815110004,男,320922,坎北街道,,,新就业形态劳动者,快递员,县快递行业协会,县交通运输行业工会联合会,在岗",
            "刘洋,13815110004,男,320922,坎北街道,,,新就业形态劳动者,快递员,县快递行业协会,县交通运输行业工会联合会,停用",
        )
    )
    out, _ = run(write(tmp_path, text))
    assert out == "导入完成：新增 0 条，更新 1 条，未变化 5 条（共 6 行）。"
    liu = Officer.objects.get(phone="13815110004")
    assert liu.status == "suspended" and liu.user.is_active is False
    change = liu.status_changes.first()
    assert (change.from_status, change.to_status, change.reason) == ("active", "suspended", "台账导入")


def test_bad_rows_are_all_reported_and_nothing_is_written(binhai, tmp_path):
    rows = [
        HEADER,
        "王建国,13815110001,男,320922,东坎街道,滨海华强纺织有限公司,91320922MA1MX0001D,企业工会委员,,,,在岗,2024-03-01",
        "张三,1381511,男,320922,,,,一线职工,,,,,",
        "李四,13815110001,女,320922,,,,一线职工,,,,,",
        "王五,13815110005,男,320922,,某公司,91320922MA1MX0001E,一线职工,,,,,",
        "赵六,13815110006,男,999999,,,,一线职工,,,,,",
        "孙七,13815110007,男,320922,,,,一线职工,,,,离职,",
        "周八,13815110008,男,320922,滨海港镇,,,一线职工,,,,,",
        "吴九,13815110009,男,320922,,,,保安,,,,,2024/03/01",
        "郑十,13815110010,未知,320922,,,,一线职工,快递员,,,,",
        ",13815110011,,320922,,,,一线职工,,,,,",
    ]
    with pytest.raises(CommandError) as exc:
        run(write(tmp_path, "\n".join(rows) + "\n"))
    assert str(exc.value) == "导入失败：9 行有错误，未写入任何数据。请改正后重新导入。"
    _, err = _capture_errors(write(tmp_path, "\n".join(rows) + "\n"))
    assert err == [
        "第3行：手机号：“1381511”不是有效的手机号：应为以1开头的11位大陆手机号",
        "第4行：手机号：手机号 13815110001 与第2行重复",
        "第5行：统一社会信用代码：统一社会信用代码校验位不正确，请核对",
        "第6行：县区代码：县区代码 999999 不存在，请先创建该县区",
        "第7行：状态：“离职”不是有效的状态，应为：候选、在岗、停用、解聘",
        "第8行：镇区街道：“滨海港镇”不是滨海县的镇区街道",
        "第9行：人员类别：“保安”不是有效的人员类别，应为：企业工会委员、劳动法律监督员、劳动争议调解员、一线职工、班组长、工会干部、新就业形态劳动者",
        "第9行：聘任日期：“2024/03/01”不是有效日期，格式应为 YYYY-MM-DD",
        "第10行：性别：“未知”不是有效的性别，应为：男、女",
        "第11行：姓名：姓名不能为空",
    ]
    assert (Officer.objects.count(), Enterprise.objects.count(), User.objects.count()) == (0, 0, 0)


def _capture_errors(path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_officers", str(path), stdout=io.StringIO(), stderr=err)
    return None, err.getvalue().strip().splitlines()


def test_xlsx_with_number_and_date_cells_from_first_sheet(binhai, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "台账"
    # Columns in another order, an unknown column, a phone typed as a number and a real date cell.
    sheet.append(["备注", "手机号", "姓名", "县区代码", "人员类别", "聘任日期", "状态"])
    sheet.append(["老同志", 13815110001, "王建国", 320922, "一线职工", datetime(2024, 3, 1), "在岗"])
    sheet.append(["", 13815110002.0, "李秀英", "320922", "班组长", None, None])
    sheet.append([None] * 7)  # Excel's trailing empty row
    other = book.create_sheet("说明")
    other.append(["这张表不是台账"])
    book.active = 1  # saved with the second sheet open
    path = tmp_path / "ledger.xlsx"
    book.save(path)
    out, _ = run(path)
    assert out == "导入完成：新增 2 条，更新 0 条，未变化 0 条（共 2 行）。"
    wang = Officer.objects.get(phone="13815110001")
    assert (wang.appointed_on, wang.status, wang.county) == (date(2024, 3, 1), "active", binhai)
    assert Officer.objects.get(phone="13815110002").category == "team_leader"


def test_csv_with_bom(binhai, tmp_path):
    text = (SAMPLES / "officers.csv").read_text(encoding="utf-8")
    out, _ = run(write(tmp_path, text, encoding="utf-8-sig"))
    assert out == "导入完成：新增 6 条，更新 0 条，未变化 0 条（共 6 行）。"


def test_gbk_csv_is_refused_clearly(binhai, tmp_path):
    text = (SAMPLES / "officers.csv").read_text(encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        run(write(tmp_path, text, encoding="gbk"))
    assert str(exc.value) == "文件不是 UTF-8 编码。请在 Excel 中“另存为”选择“CSV UTF-8（逗号分隔）”后再导入。"
    assert Officer.objects.count() == 0


def test_missing_required_column(binhai, tmp_path):
    with pytest.raises(CommandError):
        run(write(tmp_path, "姓名,手机号,县区代码\n王建国,13815110001,320922\n"))
    _, err = _capture_errors(write(tmp_path, "姓名,手机号,县区代码\n王建国,13815110001,320922\n"))
    assert err == ["缺少必需的列：人员类别（第1行表头须与模板一致）"]


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing.csv", "找不到文件："), ("ledger.txt", "只支持 .csv（UTF-8）和 .xlsx 文件")],
)
def test_unreadable_files(binhai, tmp_path, name, message):
    path = tmp_path / name
    if name.endswith(".txt"):
        path.write_text(HEADER, encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        run(path)
    assert str(exc.value).startswith(message)


def test_corrupt_xlsx(binhai, tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(CommandError) as exc:
        run(path)
    assert str(exc.value) == "无法读取该 Excel 文件：请确认是 .xlsx 格式且未损坏"


class TestAdminImportPage:
    def _upload(self, client, text):
        upload = io.BytesIO(text.encode("utf-8"))
        upload.name = "ledger.csv"
        return client.post("/admin/officers/officer/import/", {"import_file": upload, "format": "0", "resource": "0"})

    def test_admin_previews_then_confirms(self, binhai, client):
        client.force_login(AdminFactory(county=binhai))
        response = self._upload(client, (SAMPLES / "officers.csv").read_text(encoding="utf-8"))
        assert response.status_code == 200
        assert Officer.objects.count() == 0  # the first step is a dry run
        confirm = response.context["confirm_form"]
        data = {name: field.value() for name, field in ((n, confirm[n]) for n in confirm.fields)}
        response = client.post("/admin/officers/officer/process_import/", data)
        assert response.status_code == 302
        assert sorted(Officer.objects.values_list("phone", flat=True)) == [
            "13815110001",
            "13815110002",
            "13815110003",
            "13815110004",
            "13815110005",
            "13815110006",
        ]

    def test_county_admin_cannot_import_into_another_county(self, binhai, other_county, client):
        client.force_login(AdminFactory(county=other_county))
        response = self._upload(client, (SAMPLES / "officers.csv").read_text(encoding="utf-8"))
        assert response.status_code == 200
        invalid = response.context["result"].invalid_rows
        assert [(row.number, row.error_dict) for row in invalid][:1] == [
            (2, {"县区代码": ["无权导入或修改其他县区的信息员"]})
        ]
        assert len(invalid) == 6
        assert "confirm_form" not in response.context
        assert Officer.objects.count() == 0

    def test_reviewer_has_no_admin_import(self, binhai, client):
        client.force_login(ReviewerFactory(county=binhai))
        response = self._upload(client, (SAMPLES / "officers.csv").read_text(encoding="utf-8"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        assert Officer.objects.count() == 0


class TestAdminExport:
    def test_export_is_the_ledger_format_scoped_and_escaped(self, binhai, other_county, client):
        import csv

        from officers.resources import COLUMNS, OfficerLedgerResource

        run(SAMPLES / "officers.csv")
        Officer.objects.filter(phone="13815110004").update(recommended_by='=HYPERLINK("http://x")', vetted_by="@SUM(1)")
        OfficerFactory(county=other_county, name="外县信息员")
        client.force_login(AdminFactory(county=binhai))
        fields = {f"officerledgerresource_{name}": "on" for name in OfficerLedgerResource().get_export_order()}
        response = client.post("/admin/officers/officer/export/", {"format": "0", "resource": "0", **fields})
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert tuple(rows[0]) == COLUMNS
        assert len(rows) == 7  # header + the county's 6 officers, none of the other county's
        liu = next(r for r in rows if r[1] == "13815110004")
        assert liu == [
            "刘洋",
            "13815110004",
            "男",
            "320922",
            "坎北街道",
            "",
            "",
            "新就业形态劳动者",
            "快递员",
            '\'=HYPERLINK("http://x")',
            "'@SUM(1)",
            "在岗",
            "2025-01-10",
        ]

    def test_exported_ledger_imports_back_unchanged(self, binhai, client, tmp_path):
        run(SAMPLES / "officers.csv")
        client.force_login(AdminFactory(county=binhai))
        from officers.resources import OfficerLedgerResource

        fields = {f"officerledgerresource_{name}": "on" for name in OfficerLedgerResource().get_export_order()}
        response = client.post("/admin/officers/officer/export/", {"format": "1", "resource": "0", **fields})
        path = tmp_path / "export.xlsx"
        path.write_bytes(response.content)
        out, _ = run(path)
        assert out == "导入完成：新增 0 条，更新 0 条，未变化 6 条（共 6 行）。"


def test_imports_are_audited(binhai):
    call_command("import_officers", str(SAMPLES / "officers.csv"), "--dry-run", stdout=io.StringIO())
    assert AuditEntry.objects.filter(action="import").count() == 0
    call_command("import_officers", str(SAMPLES / "officers.csv"), stdout=io.StringIO())
    entry = AuditEntry.objects.get(action="import")
    assert entry.target == "信息员台账：新增 6，更新 0，未变化 0"


def test_another_countys_credit_code_is_refused(tmp_path, county, other_county):
    EnterpriseFactory(county=other_county, name="阜宁某厂", credit_code="91320922MA1MX0001D")
    out, err = import_rows(tmp_path, "王建国,13815110001,男,320922,,某厂,91320922MA1MX0001D,一线职工,,,,在岗,")
    assert err == ["第2行：统一社会信用代码：统一社会信用代码 91320922MA1MX0001D 已登记为阜宁县的企业“阜宁某厂”"]
    assert Officer.objects.count() == 0


def test_reimport_respects_status_rules_and_blank_keeps_status(tmp_path, county):
    row = "王建国,13815110001,男,320922,,,,一线职工,,,,{},"
    import_rows(tmp_path, row.format("解聘"))
    out, err = import_rows(tmp_path, row.format("在岗"))
    assert err == ["第2行：状态：不能从“解聘”改为“在岗”（解聘后不能恢复，候选须先聘任）"]
    out, err = import_rows(tmp_path, row.format(""))
    assert out == "导入完成：新增 0 条，更新 0 条，未变化 1 条（共 1 行）。"
    officer = Officer.objects.get()
    assert (officer.status, officer.user.is_active) == ("dismissed", False)


def test_admin_import_says_why_a_file_cannot_be_read(client, county):
    client.force_login(AdminFactory(county=county))
    upload = io.BytesIO(HEADER.encode("gbk") + "\n王建国,13815110001\n".encode("gbk"))
    upload.name = "ledger.csv"
    response = client.post("/admin/officers/officer/import/", {"import_file": upload, "format": "0", "resource": "0"})
    assert response.context["form"].errors["import_file"] == [
        "文件不是 UTF-8 编码。请在 Excel 中“另存为”选择“CSV UTF-8（逗号分隔）”后再导入。"
    ]


def test_a_county_admin_learns_nothing_of_another_countys_officer_from_an_import(binhai, other_county):
    """Issue 14 item 14: the import said 无权…其他县区 for a phone held by another county's officer."""
    import tablib

    from officers.resources import OfficerLedgerResource
    from unionportal.core.ledger import row_messages

    OfficerFactory(county=other_county, phone="13815119999", name="外县信息员")
    ReviewerFactory(county=other_county, username="13815118888")
    headers = HEADER.split(",")
    rows = [
        ["王建国", phone, "男", "320922", "", "", "", "一线职工", "", "", "", "在岗", ""]
        for phone in ("13815119999", "13815118888", "13815117777")
    ]
    result = OfficerLedgerResource().import_data(
        tablib.Dataset(*rows, headers=headers), dry_run=True, user=AdminFactory(county=binhai)
    )
    taken = "该手机号已被其他账号使用，不能登记为本县区的信息员"
    assert row_messages(result) == [f"第2行：手机号：{taken}", f"第3行：手机号：{taken}"]
    assert not any("县区" in line and "其他县区" in line for line in row_messages(result))


ADMIN_IMPORT = "/admin/officers/officer/import/"


class TestAdminImportFiles:
    """Issue 14 item 11: the confirm step read and then deleted any file of the posted name in /tmp."""

    def _preview(self, client, text):
        upload = io.BytesIO(text.encode("utf-8"))
        upload.name = "ledger.csv"
        response = client.post(ADMIN_IMPORT, {"import_file": upload, "format": "0", "resource": "0"})
        confirm = response.context["confirm_form"]
        return {name: confirm[name].value() for name in confirm.fields}

    def test_a_forged_file_name_is_refused_and_the_file_survives(self, binhai, client, tmp_path):
        import tempfile

        victim = Path(tempfile.gettempdir()) / f"victim-{tmp_path.name}.csv"
        victim.write_text((SAMPLES / "officers.csv").read_text(encoding="utf-8"), encoding="utf-8")
        try:
            client.force_login(AdminFactory(county=binhai))
            data = self._preview(client, (SAMPLES / "officers.csv").read_text(encoding="utf-8"))
            for forged in (victim.name, str(victim), "../" * 8 + str(victim)):
                response = client.post("/admin/officers/officer/process_import/", {**data, "import_file_name": forged})
                assert response.status_code == 200
                assert "导入文件已失效，或不是您上传的文件：请重新上传。" in response.content.decode()
                assert victim.exists()
            assert Officer.objects.count() == 0
        finally:
            victim.unlink(missing_ok=True)

    def test_a_name_issued_to_another_admin_is_refused(self, binhai, client):
        client.force_login(AdminFactory(county=binhai))
        data = self._preview(client, (SAMPLES / "officers.csv").read_text(encoding="utf-8"))
        client.force_login(AdminFactory(county=binhai))
        response = client.post("/admin/officers/officer/process_import/", data)
        assert response.status_code == 200
        assert Officer.objects.count() == 0

    def test_the_waiting_file_is_in_the_portals_private_folder_and_removed_after(self, binhai, client, settings):
        client.force_login(AdminFactory(county=binhai))
        data = self._preview(client, (SAMPLES / "officers.csv").read_text(encoding="utf-8"))
        waiting = Path(settings.MEDIA_ROOT) / "private" / "imports" / "pending" / data["import_file_name"]
        assert waiting.is_file()
        response = client.post("/admin/officers/officer/process_import/", data)
        assert response.status_code == 302
        assert Officer.objects.count() == 6
        assert not waiting.exists()

    def test_a_file_too_large_for_one_request_is_sent_to_the_portals_page(self, binhai, client, settings):
        settings.IMPORT_BACKGROUND_ROWS = 3
        client.force_login(AdminFactory(county=binhai))
        upload = io.BytesIO((SAMPLES / "officers.csv").read_bytes())
        upload.name = "ledger.csv"
        response = client.post(ADMIN_IMPORT, {"import_file": upload, "format": "0", "resource": "0"})
        assert response.context["form"].errors["import_file"] == [
            "文件的行数，超过每个文件 3 行的上限。请把台账分成几个文件分别导入。"
            "更大的台账请在平台的“导入台账”页面导入：在后台运行，并显示进度。"
        ]

    def test_the_bad_rows_heading_and_reasons_read_in_chinese(self, binhai, client):
        client.force_login(AdminFactory(county=binhai))
        upload = io.BytesIO((HEADER + "\n王建国,1381511,男,320922,,,,一线职工,,,,在岗,\n").encode("utf-8"))
        upload.name = "ledger.csv"
        body = client.post(
            "/admin/officers/officer/import/", {"import_file": upload, "format": "0", "resource": "0"}
        ).content.decode()
        assert "某些行验数据证失败" not in body
        assert "以下各行有错误，整个文件没有导入" in body
        assert "<td>第2行</td>" in body and "手机号：“1381511”不是有效的手机号" in body
