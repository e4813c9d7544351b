"""The officer ledger import page in Chromium: a bad row shown with its number and reason, then a good
file previewed in Chinese and imported; a background job's progress bar follows the job."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from officers.models import Officer
from officers.services import county_upsert
from tests.factories import PASSWORD, AdminFactory
from unionportal.core.imports import services

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "samples"


@pytest.fixture
def admin_page(browser, live_server):
    county, _ = county_upsert(code="320922", name="滨海县", townships=["东坎街道", "坎北街道", "五汛镇", "八巨镇"])
    admin = AdminFactory(county=county, username="13900000001")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号").fill("13900000001")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.admin = admin
    yield page
    context.close()


def test_a_bad_row_is_shown_then_a_good_file_is_imported(admin_page, live_server, tmp_path):
    page = admin_page
    good = (SAMPLES / "officers.csv").read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(good.replace("13815110003", "1381511000"), encoding="utf-8")
    ok = tmp_path / "good.csv"
    ok.write_text(good, encoding="utf-8")

    page.goto(f"{live_server.url}/officers/")
    page.get_by_role("link", name="导入台账").click()
    page.get_by_label("台账文件").set_input_files(str(bad))
    page.get_by_role("button", name="上传并校验").click()
    page.get_by_test_id("job-failed").wait_for()
    rows = page.get_by_test_id("bad-rows").locator("tbody tr")
    assert rows.count() == 1
    assert rows.first.inner_text().split("\t") == [
        "第4行",
        "手机号",
        "“1381511000”不是有效的手机号：应为以1开头的11位大陆手机号",
    ]
    assert Officer.objects.count() == 0

    page.get_by_role("link", name="重新上传").click()
    page.get_by_label("台账文件").set_input_files(str(ok))
    page.get_by_role("button", name="上传并校验").click()
    page.get_by_test_id("job-checked").wait_for()
    preview = page.get_by_test_id("preview")
    assert preview.locator("thead th").all_inner_texts()[:5] == ["行号", "处理", "姓名", "手机号", "性别"]
    first = preview.locator("tbody tr").first.locator("td").all_inner_texts()
    assert first[:5] == ["2", "新增", "王建国", "13815110001", "男"] and "企业工会委员" in first and "在岗" in first
    page.get_by_role("button", name="确认导入").click()
    page.get_by_test_id("job-done").wait_for()
    assert "导入完成：新增 6 条，更新 0 条，未变化 0 条（共 6 行）" in page.get_by_test_id("job-done").inner_text()
    assert Officer.objects.count() == 6


def test_the_progress_bar_follows_a_background_job(admin_page, live_server):
    page = admin_page
    data = (SAMPLES / "officers.csv").read_bytes()
    job = services.job_start(kind="officers", user=page.admin, upload=SimpleUploadedFile("big.csv", data))
    page.goto(f"{live_server.url}/imports/{job.pk}/")
    assert page.get_by_test_id("job-state").inner_text() == "排队中"
    assert page.get_by_test_id("job-progress").is_visible()
    services.job_run(job.pk)  # the worker checks the file while the page waits
    page.get_by_test_id("job-checked").wait_for(timeout=15_000)  # the page polled, then reloaded
    assert page.get_by_test_id("job-state").inner_text() == "待确认"
