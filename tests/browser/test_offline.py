"""Issue 20 on a phone without signal: the form kept as typed, 报送 into the outbox, the outbox kept
across a reload, sent once when the connection returns; the service worker's cache after a journey
through confidential pages holds only static files and the offline shell."""

import pytest
from playwright.sync_api import expect

from reports.models import Report
from tests.browser.conftest import open_menu, wait_until_true
from tests.browser.test_reports import log_in
from tests.factories import OfficerFactory, ReportFactory, TownshipFactory, image_bytes

pytestmark = pytest.mark.django_db(transaction=True)

SHELL_READY = "caches.match('/reports/new/offline/').then((r) => !!r && navigator.serviceWorker.controller !== null)"
CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
  }
  return urls;
}"""


@pytest.fixture
def officer(county):
    home = TownshipFactory(county=county, name="陈涛镇")
    return OfficerFactory(county=county, township=home, name="刘洋", phone="13815110004")


def test_a_report_sent_offline_waits_survives_a_reload_and_is_sent_once(phone_page, live_server, officer):
    page, base = phone_page, live_server.url
    log_in(page, base, "13815110004")
    page.goto(f"{base}/reports/new/")
    wait_until_true(page, SHELL_READY)
    page.get_by_label("标题").fill("某物流园拖欠骑手工资")
    page.get_by_label("信息类别").select_option(label="欠薪讨薪")
    page.get_by_label("内容").fill("二十余名骑手反映两个月工资未发。")
    page.get_by_label("附件（照片或 PDF）").set_input_files(
        {"name": "现场.png", "mimeType": "image/png", "buffer": image_bytes()}
    )
    # What is typed is kept on the phone: a reload (still online) brings it back, photo included.
    page.wait_for_timeout(300)
    page.reload()
    expect(page.get_by_label("标题")).to_have_value("某物流园拖欠骑手工资")
    assert page.evaluate("document.querySelector('input[name=attachments]').files.length") == 1

    page.context.set_offline(True)
    page.get_by_role("button", name="报送", exact=True).click()
    banner = page.get_by_test_id("outbox-banner")
    expect(banner).to_contain_text("待发送 1 条")
    expect(page.get_by_text("已存入待发送，联网后自动发送。")).to_be_visible()
    expect(page.get_by_test_id("char-counter")).to_have_text("已输入 0 / 5000 字")  # the emptied form counted again
    assert Report.objects.count() == 0

    page.reload()  # offline: the service worker answers with the form's offline shell
    expect(page.get_by_test_id("outbox-banner")).to_contain_text("待发送 1 条")
    expect(page.get_by_label("标题")).to_have_value("")
    assert Report.objects.count() == 0

    page.context.set_offline(False)
    expect(page.get_by_test_id("outbox-banner")).to_contain_text("待发送的 1 条信息已发送", timeout=15000)
    page.reload()  # the outbox is empty: nothing is sent again
    page.wait_for_timeout(500)
    report = Report.objects.get()
    assert (report.officer, report.title, report.status) == (officer, "某物流园拖欠骑手工资", "submitted")
    assert report.submitted_at <= report.received_at and report.submitted_at_note == ""
    assert [a.original_name for a in report.attachments.all()] == ["现场.png"]
    assert page.external_requests == []


def test_the_cache_holds_no_confidential_page(phone_page, live_server, officer):
    page, base = phone_page, live_server.url
    report = ReportFactory(officer=officer, county=officer.county, title="某厂机密线索")
    log_in(page, base, "13815110004")
    wait_until_true(page, SHELL_READY)
    for path in ("/", "/reports/", f"/reports/{report.pk}/", "/reports/new/", "/disputes/", "/accounts/password/"):
        page.goto(f"{base}{path}")
    page.goto(f"{base}/reports/{report.pk}/")
    urls = page.evaluate(CACHED_URLS)
    assert "/reports/new/offline/" in urls and "/static/css/portal.css" in urls
    assert all(url.startswith("/static/") or url == "/reports/new/offline/" for url in urls), urls
    shell = page.evaluate("caches.match('/reports/new/offline/').then((r) => r.text())")
    assert "某厂机密线索" not in shell and "刘洋" not in shell

    # Signing out clears the cache and the drafts.
    open_menu(page)
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(f"{base}/accounts/login/**")
    assert page.evaluate(CACHED_URLS) == []
    assert page.evaluate("indexedDB.databases().then((dbs) => dbs.map((d) => d.name))") == []
