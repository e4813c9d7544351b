"""`make screenshots`: drive Debian's Chromium through the real journeys on demo data and save the
pictures the user guides show (docs/images/). Run again whenever the pages change."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 860}
PASSWORD = "Binhai@2026"
# The admin's demo work-chat group: a 企业微信 robot at a closed port on this machine, so the
# 发送测试消息 button shows what a failure looks like and nothing leaves the machine.
DEMO_CHANNEL = """
from officers.channels.models import ChannelSetting
from officers.models import User
admin = User.objects.get(username="13900000001")
ChannelSetting.objects.get_or_create(
    county_id=admin.county_id,
    name="县总工会值班群",
    defaults={
        "kind": "wecom",
        "webhook_url": "http://127.0.0.1:9/cgi-bin/webhook/send?key=693a91f6-demo-4bc4-97a0-0ec2sifa5aaa",
        "for_alerts": True,
        "for_digests": True,
    },
)
"""
# The service worker has cached the offline shell and controls the page.
SHELL_READY = "caches.match('/reports/new/offline/').then((r) => !!r && navigator.serviceWorker.controller !== null)"


def free_port():
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    workdir = Path(tempfile.mkdtemp(prefix="unionportal-shots-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(workdir),
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "DJANGO_SETTINGS_MODULE": "unionportal.settings.local",
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([python, "manage.py", "shell", "-c", DEMO_CHANNEL], cwd=ROOT, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )

            def session(phone, viewport):
                page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
                page.goto(f"{base}/accounts/login/")
                page.get_by_label("手机号").fill(phone)
                page.get_by_label("密码").fill(PASSWORD)
                page.get_by_role("button", name="登录").click()
                page.wait_for_url(f"{base}/")
                return page

            def shot(page, name, url=None):
                if url:
                    page.goto(base + url)
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
                print(f"docs/images/{name}.png")

            officer = session("13700000001", PHONE)
            shot(officer, "officer-home")
            shot(officer, "officer-report-form", "/reports/new/")
            officer.get_by_label("标题").fill("快递网点派件费下调引发议论")
            officer.get_by_label("突发").check()
            officer.get_by_label("内容").fill("片区网点通知下月起派件费每件下调0.2元，快递员普遍不满。")
            officer.get_by_label("事发地（镇区街道）").select_option(index=1)  # an emergency names its place
            officer.get_by_label("涉及企业或场所（未登记时填写名称）").fill("某快递网点")  # the 初报's essentials
            officer.get_by_label("涉及人数").fill("12")
            officer.get_by_label("职工诉求").fill("要求恢复原派件费标准")
            officer.get_by_role("button", name="报送", exact=True).click()
            officer.wait_for_url(f"{base}/reports/*/")
            shot(officer, "officer-report-submitted")
            shot(officer, "officer-my-reports", "/reports/")

            # Offline: the form kept by the service worker, 报送 into the phone's outbox.
            offline = session("13700000001", PHONE)
            offline.goto(f"{base}/reports/new/")
            offline.wait_for_function(f"() => {SHELL_READY}", timeout=15000)
            offline.get_by_label("标题").fill("物流园骑手反映两个月工资未发")
            offline.get_by_label("内容").fill("二十余名骑手在物流园门口聚集，反映两个月工资未发。")
            offline.wait_for_timeout(300)
            offline.context.set_offline(True)
            offline.get_by_role("button", name="报送", exact=True).click()
            offline.get_by_test_id("outbox-banner").get_by_text("待发送 1 条").wait_for()
            shot(offline, "officer-offline-outbox")
            offline.context.set_offline(False)
            offline.get_by_test_id("outbox-banner").get_by_text("已发送").wait_for(timeout=15000)

            reviewer = session("13900000002", DESK)
            shot(reviewer, "reviewer-queue", "/reports/review/")
            reviewer.get_by_test_id("queue").get_by_role("link").first.click()
            shot(reviewer, "reviewer-grade")
            shot(reviewer, "reviewer-dashboard", "/dashboard/")
            shot(reviewer, "reviewer-disputes", "/disputes/stats/")

            admin = session("13900000001", DESK)
            shot(admin, "admin-officers", "/officers/")
            shot(admin, "admin-stipends", "/reports/stipends/")
            shot(admin, "admin-budget", "/reports/budget/")
            shot(admin, "admin-channels", "/officers/channels/")
            admin.get_by_role("link", name="县总工会值班群").click()
            admin.get_by_test_id("channel-test").click()
            admin.get_by_text("测试消息发送失败").wait_for()
            shot(admin, "admin-channel-test")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
