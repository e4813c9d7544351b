"""The portal's ledger import pages and their background job (issue 14 items 10 and 17)."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from disputes.models import DisputeCase
from officers.models import Officer
from officers.services import county_upsert
from tests.disputes.test_stats_and_ledger import HEADER as CASES_HEADER
from tests.disputes.test_stats_and_ledger import LEDGER
from tests.factories import AdminFactory, ReviewerFactory
from unionportal.core.imports import services
from unionportal.core.imports.tasks import run_import_job
from unionportal.core.models import AuditEntry, ImportJob

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "samples"
HEADER = (
    "姓名,手机号,性别,县区代码,镇区街道,工作单位,统一社会信用代码,人员类别,重点群体,推荐单位,把关单位,状态,聘任日期"
)
START = "/officers/import/"


@pytest.fixture
def binhai(db):
    county, _ = county_upsert(code="320922", name="滨海县", townships=["东坎街道", "坎北街道", "五汛镇", "八巨镇"])
    return county


@pytest.fixture
def admin(binhai):
    return AdminFactory(county=binhai)


def upload(client, text, name="ledger.csv"):
    return client.post(START, {"file": SimpleUploadedFile(name, text.encode("utf-8"))})


def sample():
    return (SAMPLES / "officers.csv").read_text(encoding="utf-8")


def officer_rows(n, start=0):
    return [f"信息员{i},1381520{i:04d},男,320922,东坎街道,,,一线职工,,,,在岗," for i in range(start, start + n)]


def test_a_bad_row_is_shown_with_its_number_and_reason_and_nothing_is_written(client, admin):
    client.force_login(admin)
    text = sample().replace("13815110003", "1381511000")
    response = upload(client, text)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.state == ImportJob.State.FAILED
    assert job.errors == [
        {"row": 4, "column": "手机号", "message": "“1381511000”不是有效的手机号：应为以1开头的11位大陆手机号"}
    ]
    body = client.get(response["Location"]).content.decode()
    assert "校验未通过" in body and "整个文件没有导入" in body
    assert "<td>第4行</td><td>手机号</td><td>“1381511000”不是有效的手机号：应为以1开头的11位大陆手机号</td>" in body
    assert Officer.objects.count() == 0


def test_preview_in_chinese_then_confirm_writes_all_and_again_changes_nothing(client, admin):
    client.force_login(admin)
    response = upload(client, sample())
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.CHECKED and Officer.objects.count() == 0
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "<th>姓名</th><th>手机号</th><th>性别</th><th>县区代码</th>" in body
    assert "<td>2</td><td>新增</td><td>王建国</td><td>13815110001</td><td>男</td>" in body
    assert "企业工会委员" in body and "在岗" in body
    assert "M</td>" not in body and "union_committee" not in body and "active" not in body.replace("btn", "")
    assert "将新增 6 条，更新 0 条，未变化 0 条" in body

    response = client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert (job.rows_checked, job.rows_written, job.totals["new"]) == (6, 6, 6)
    assert Officer.objects.filter(county=admin.county).count() == 6
    assert "导入完成：新增 6 条，更新 0 条，未变化 0 条（共 6 行）" in client.get(response["Location"]).content.decode()
    assert AuditEntry.objects.filter(action="import", target="信息员台账：新增 6，更新 0，未变化 0").count() == 1

    upload(client, sample())
    again = ImportJob.objects.first()
    client.post(reverse("imports:confirm", args=[again.pk]))
    again.refresh_from_db()
    assert (again.state, again.totals["skip"], again.totals["new"]) == ("done", 6, 0)


def test_a_large_file_runs_as_a_background_job_with_progress(
    client, admin, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 5
    client.force_login(admin)
    text = "\n".join([HEADER, *officer_rows(12)]) + "\n"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        upload(client, text)
    job = ImportJob.objects.get()
    assert (job.state, job.total_rows, len(queued)) == ("queued", 12, 1)  # nothing done in the request
    status = client.get(reverse("imports:status", args=[job.pk])).json()
    assert status == {
        "state": "queued",
        "state_label": "排队中",
        "total": 12,
        "checked": 0,
        "written": 0,
        "running": True,
    }
    body = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "data-import-progress" in body and "js/import_progress.js" in body
    queued[0]()  # the worker runs the task (eager)
    job.refresh_from_db()
    assert (job.state, job.rows_checked) == ("checked", 12)
    assert client.get(reverse("imports:status", args=[job.pk])).json()["running"] is False

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.rows_written) == ("done", 12)
    assert Officer.objects.count() == 12


def test_the_task_is_safe_to_run_twice(admin):
    data = ("\n".join([HEADER, *officer_rows(3)]) + "\n").encode()
    job = services.job_start(kind="officers", user=admin, upload=SimpleUploadedFile("a.csv", data))
    run_import_job(job.pk)
    run_import_job(job.pk)
    services.job_confirm(job=job, user=admin)
    run_import_job(job.pk)
    run_import_job(job.pk)
    job.refresh_from_db()
    assert (job.state, job.totals["new"]) == ("done", 3)
    assert Officer.objects.count() == 3
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_two_imports_of_the_same_county_and_ledger_do_not_run_at_once(admin, binhai):
    data = ("\n".join([HEADER, *officer_rows(3)]) + "\n").encode()
    first = services.job_start(kind="officers", user=admin, upload=SimpleUploadedFile("a.csv", data))
    with pytest.raises(ValidationError) as exc:
        services.job_start(kind="officers", user=AdminFactory(county=binhai), upload=SimpleUploadedFile("b.csv", data))
    assert exc.value.messages == ["本县区已有一份信息员台账正在导入，请等它完成后再导入。"]
    # Another ledger of the county may run beside it.
    reports = services.job_start(
        kind="reports", user=admin, upload=SimpleUploadedFile("r.csv", (SAMPLES / "reports.csv").read_bytes())
    )
    assert reports.state == "queued"
    # The database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportJob.objects.create(kind="officers", county=binhai, user=admin, original_name="c.csv", state="writing")
    services.job_run(first.pk)
    assert services.job_start(kind="officers", user=admin, upload=SimpleUploadedFile("b.csv", data)).state == "queued"


def test_a_job_whose_worker_died_stops_holding_the_lock(admin, settings):
    data = ("\n".join([HEADER, *officer_rows(2)]) + "\n").encode()
    dead = services.job_start(kind="officers", user=admin, upload=SimpleUploadedFile("a.csv", data))
    ImportJob.objects.filter(pk=dead.pk).update(state="checking", started_at=timezone.now() - timedelta(hours=1))
    services.job_start(kind="officers", user=admin, upload=SimpleUploadedFile("b.csv", data))
    dead.refresh_from_db()
    assert dead.state == "failed"
    assert dead.errors[0]["message"] == "任务中断（服务器重启或超时），未写入任何数据。请重新上传。"


def test_limits_are_said_on_the_form(client, admin, settings):
    client.force_login(admin)
    settings.IMPORT_MAX_ROWS = 4
    response = upload(client, sample())
    assert response.context["form"].errors["file"] == [
        "文件的行数，超过每个文件 4 行的上限。请把台账分成几个文件分别导入。"
    ]
    settings.IMPORT_MAX_BYTES = 100
    response = upload(client, sample())
    assert response.context["form"].errors["file"][0].startswith("文件过大")
    response = upload(client, sample(), name="ledger.xls")
    assert response.context["form"].errors["file"] == ["只支持 .csv（UTF-8）和 .xlsx 文件"]
    assert ImportJob.objects.count() == 0


def test_the_file_is_kept_privately(admin, settings):
    job = services.job_start(kind="officers", user=admin, upload=SimpleUploadedFile("台账.csv", sample().encode()))
    path = Path(job.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT) / "private" / "imports" / "jobs")
    assert job.original_name == "台账.csv" and path.name != "台账.csv"


def test_only_admins_and_only_the_uploader(client, admin, binhai):
    job = services.job_start(kind="officers", user=admin, upload=SimpleUploadedFile("a.csv", sample().encode()))
    client.force_login(AdminFactory(county=binhai))
    for name in ("imports:job", "imports:status"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[job.pk])).status_code == 404
    client.force_login(ReviewerFactory(county=binhai))
    assert client.get(START).status_code == 403
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 403


def test_the_officer_list_links_to_the_import_page(client, admin):
    client.force_login(admin)
    assert f'href="{START}"' in client.get("/officers/").content.decode()
    assert "导入信息员台账" in client.get(START).content.decode()


def test_an_xlsx_import_through_the_page(client, admin):
    import openpyxl

    book = openpyxl.Workbook()
    for line in sample().strip().splitlines():
        book.active.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    client.force_login(admin)
    client.post(START, {"file": SimpleUploadedFile("ledger.xlsx", out.getvalue())})
    job = ImportJob.objects.get()
    assert job.state == "checked" and job.total_rows == 6


def test_the_dispute_ledger_has_its_import_page_too(client, admin):
    client.force_login(admin)
    assert 'href="/disputes/import/"' in client.get("/disputes/").content.decode()
    text = "\n".join([CASES_HEADER, *LEDGER]) + "\n"
    response = client.post("/disputes/import/", {"file": SimpleUploadedFile("cases.csv", text.encode("utf-8"))})
    job = ImportJob.objects.get(kind="disputes")
    assert job.state == ImportJob.State.CHECKED and DisputeCase.objects.count() == 0
    client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.totals["new"], DisputeCase.objects.filter(county=admin.county).count()) == ("done", 4, 4)
    client.force_login(ReviewerFactory(county=admin.county))
    assert client.get("/disputes/import/").status_code == 403
    assert response.status_code == 302
