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
            officer.get_by_role("button", name="报送", exact=True).click()
            officer.wait_for_url(f"{base}/reports/*/")
            shot(officer, "officer-report-submitted")
            shot(officer, "officer-my-reports", "/reports/")

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
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
