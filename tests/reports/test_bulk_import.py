"""The report history import at bulk speed (issue 21): batches within one transaction, COPY, the same
rules and messages as the admin's row-by-row page."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from officers.services import county_upsert
from reports.models import Report, ReviewEvent
from reports.resources import ReportLedgerResource
from reports.services.imports import ReportLedger
from tests.factories import AdminFactory
from tests.reports.test_import import HEADER, SAMPLES, run
from unionportal.core.imports.reading import command_limits, open_rows
from unionportal.core.imports.writing import RowWriter
from unionportal.core.ledger import load_ledger_file, row_messages
from unionportal.core.models import AuditEntry, ImportJob

BJ = ZoneInfo("Asia/Shanghai")
GOOD = "13815110001,标题{n},内容,职工思想动态,一般,2026-10-08 09:30,2026-10-08 16:{n:02d},15,,合格,"


@pytest.fixture
def ledger(db):
    county, _ = county_upsert(code="320922", name="滨海县", townships=["东坎街道", "坎北街道", "五汛镇", "八巨镇"])
    call_command("import_officers", str(SAMPLES / "officers.csv"), stdout=io.StringIO())
    return county


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(ReportLedger, "batch_rows", 2)


def write(tmp_path, lines, name="r.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def bulk(path, **kwargs):
    ledger = ReportLedger(**kwargs)
    with path.open("rb") as handle, open_rows(handle, ".csv", path.stat().st_size, command_limits()) as (header, rows):
        return ledger.run(header, rows)


def test_every_batch_is_written_in_one_transaction(ledger, tmp_path, small_batches):
    out, _, _ = run(write(tmp_path, [GOOD.format(n=n) for n in range(5)]))
    assert out == "导入完成：新增 5 条，更新 0 条，未变化 0 条（共 5 行）。"
    reports = Report.objects.order_by("submitted_at")
    assert [r.title for r in reports] == [f"标题{n}" for n in range(5)]
    assert {(r.status, r.grade, r.version, r.on_time) for r in reports} == {("reviewed", "qualified", 1, True)}
    assert ReviewEvent.objects.filter(comment="台账导入", from_grade="pending", to_grade="qualified").count() == 5
    assert AuditEntry.objects.filter(action="import", target="信息报送记录：新增 5，更新 0，未变化 0").count() == 1
    out, _, _ = run(write(tmp_path, [GOOD.format(n=n) for n in range(5)]))
    assert out == "导入完成：新增 0 条，更新 0 条，未变化 5 条（共 5 行）。"
    assert (Report.objects.count(), ReviewEvent.objects.count()) == (5, 5)


def test_a_bad_row_after_batches_were_written_rolls_all_of_them_back(ledger, tmp_path, small_batches):
    lines = [GOOD.format(n=n) for n in range(5)] + [
        "13815110001,坏的一行,内容,其他,一般,2026-10-08 09:30,2026-10-08 08:20,,,,"
    ]
    _, err, failure = run(write(tmp_path, lines))
    assert failure == "导入失败：1 行有错误，未写入任何数据。请改正后重新导入。"
    assert err == ["第7行：报送时间：报送时间不能早于发生时间"]
    assert (Report.objects.count(), ReviewEvent.objects.count()) == (0, 0)
    assert not AuditEntry.objects.filter(action="import", target__startswith="信息报送记录").exists()


def test_a_regrade_by_reimport_in_bulk_keeps_history_and_version(ledger, tmp_path, small_batches):
    run(write(tmp_path, [GOOD.format(n=n) for n in range(3)]))
    lines = [GOOD.format(n=n) for n in range(3)]
    lines[1] = lines[1].replace(",合格,", ",县级以上部门采用,盐城市总工会")
    out, _, _ = run(write(tmp_path, lines))
    assert out == "导入完成：新增 0 条，更新 1 条，未变化 2 条（共 3 行）。"
    report = Report.objects.get(title="标题1")
    assert (report.grade, report.adopted_by, report.version, report.status) == (
        "above_adopted",
        "盐城市总工会",
        2,
        "reviewed",
    )
    assert list(report.review_events.order_by("pk").values_list("from_grade", "to_grade")) == [
        ("pending", "qualified"),
        ("qualified", "above_adopted"),
    ]


def test_text_with_tabs_backslashes_and_line_breaks_arrives_as_written(ledger, tmp_path):
    content = '第一行\t制表\\反斜杠\n第二行，"引号"'
    quoted = '"' + content.replace('"', '""') + '"'
    path = write(tmp_path, [f"13815110001,特殊字符,{quoted},其他,一般,2026-10-08 09:30,2026-10-08 16:20,,,,"])
    out, _, _ = run(path)
    assert out == "导入完成：新增 1 条，更新 0 条，未变化 0 条（共 1 行）。"
    report = Report.objects.get(title="特殊字符")
    assert report.content == content
    assert report.submitted_at == datetime(2026, 10, 8, 16, 20, tzinfo=BJ)
    # Columns the ledger does not fill get the model's defaults, as save() would write them.
    assert (report.enterprise_name, report.submitted_at_note, report.review_comment, report.amount_involved) == (
        "",
        "",
        "",
        None,
    )


def test_control_characters_are_refused_as_full_clean_refuses_them(ledger, tmp_path):
    path = write(tmp_path, ["13815110001,标题\x07响铃,内容,其他,一般,2026-10-08 09:30,2026-10-08 16:20,,,,"])
    _, err, failure = run(path)
    assert err == ["第2行：标题：不能包含控制字符"] and failure.startswith("导入失败：1 行")
    assert Report.objects.count() == 0


def test_the_bulk_import_and_the_admin_page_give_the_same_reasons(ledger, tmp_path):
    lines = [
        "13815110001,好的一行,内容,职工思想动态,一般,2026-10-08 09:30,2026-10-08 16:20,15,,合格,",
        "13899999999,未知报送人,内容,其他,一般,2026-10-08 09:30,2026-10-08 16:20,,,,",
        "13815110001,类别错误,内容,工资,一般,2026/10/08 09:30,2026-10-08 16:20,-3,12.345,待定,",
        "13815110001,缺采用单位,内容,其他,一般,2026-10-08 09:30,2026-10-08 16:20,,,县级以上部门采用,",
        "13815110001,,,其他,一般,2026-10-08 09:30,2026-10-08 16:20,,,,",
        "13815110001,好的一行,内容,职工思想动态,一般,2026-10-08 09:30,2026-10-08 16:20,15,,合格,",
    ]
    path = write(tmp_path, lines)
    by_row = row_messages(ReportLedgerResource().import_data(load_ledger_file(str(path))))
    assert row_messages(bulk(path)) == by_row
    assert len(by_row) == 10 and Report.objects.count() == 0


def test_progress_is_told_after_every_batch(ledger, tmp_path, small_batches):
    told = []
    ledger_import = ReportLedger()
    ledger_import.progress = lambda checked, written: told.append((checked, written))
    path = write(tmp_path, [GOOD.format(n=n) for n in range(5)])
    with path.open("rb") as handle, open_rows(handle, ".csv", path.stat().st_size, command_limits()) as (header, rows):
        result = ledger_import.run(header, rows)
    assert result.ok and told == [(2, 2), (4, 4), (5, 5)]


def test_rows_are_read_as_they_are_asked_for(tmp_path):
    path = write(tmp_path, [GOOD.format(n=n % 60) for n in range(3000)] + ["\xff"], name="stream.csv")
    path.write_bytes(path.read_bytes().replace("\xff".encode(), b"\xff"))
    with path.open("rb") as handle, open_rows(handle, ".csv", path.stat().st_size, command_limits()) as (header, rows):
        assert header[0] == "报送人手机号"
        assert next(rows)[1] == "标题0"  # the bad byte at the end is not read yet


def test_a_row_writer_fills_every_column_it_is_not_given(ledger):
    from officers.models import Officer

    officer = Officer.objects.get(phone="13815110001")
    moment = datetime(2026, 10, 8, 9, 30, tzinfo=BJ)
    writer = RowWriter(Report, ("officer_id", "county_id", "title", "status", "occurred_at", "submitted_at"))
    (pk,) = writer.insert([(officer.pk, officer.county_id, "写入", "submitted", moment, moment)])
    report = Report.objects.get(pk=pk)
    assert (report.category, report.urgency, report.grade, report.version, report.content) == (
        "other",
        "general",
        "pending",
        0,
        "",
    )
    assert report.created_at == writer.now


def test_the_report_ledger_page_runs_the_bulk_import_as_a_job(
    client, ledger, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 2  # a "large" file: checked and written by the (eager) task
    admin = AdminFactory(county=ledger)
    client.force_login(admin)
    upload = SimpleUploadedFile("reports.csv", (SAMPLES / "reports.csv").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:import"), {"file": upload})
    job = ImportJob.objects.get(kind="reports")
    assert response.status_code == 302 and job.state == "checked" and job.rows_checked == 5
    assert job.preview[0]["columns"][:3] == ["报送人手机号", "标题", "内容"]
    assert job.preview[1]["row"] == 2 and job.preview[1]["action"] == "新增"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.rows_written, job.totals["new"]) == ("done", 5, 5)
    assert Report.objects.filter(county=ledger).count() == 5
    assert "导入完成" in client.get(reverse("imports:job", args=[job.pk])).content.decode()
