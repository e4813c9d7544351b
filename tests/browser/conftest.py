import os

import pytest
from playwright.sync_api import expect

# Playwright's sync API keeps an event loop running in this thread, and the test body and the
# database fixtures (set-up and flush) still use the ORM from it. Set for the whole session, as
# fixtures run outside any one test's monkeypatch.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE_VIEWPORT = {"width": 375, "height": 812}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # `playwright install` cannot download here: drive Debian's Chromium.
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


def wait_until_true(page, expression, timeout=30.0):
    """Poll a page expression. (page.wait_for_function compiles the expression inside the page,
    which the portal's Content-Security-Policy rightly forbids.) 30 s, as Playwright's own waits: on a
    busy 2-core CI machine the service worker's install once took longer than 10 s."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(expression):
            return True
        time.sleep(0.1)
    raise AssertionError(f"never true: {expression}")


def open_menu(page):
    """Open a phone's folded menu and wait until Bootstrap has finished opening it. A click on 退出
    while the menu was still unfolding (its "collapsing" transition) was sometimes lost: no submit
    event, no request, and the test waited 30 s for a sign-out that never started (about one run in
    seven on a busy machine)."""
    page.get_by_role("button", name="菜单").click()
    expect(page.locator("#mainNav")).to_have_attribute("class", "navbar-collapse collapse show")


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized page that fails the test if the portal asks for anything off this server."""
    context = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.external_requests = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url) or request.url.startswith("data:")
            else page.external_requests.append(request.url)
        ),
    )
    yield page
    context.close()


@pytest.fixture(autouse=True)
def second_factor_passed(monkeypatch):
    """The browser journeys are about their pages, not the login: their staff count as having passed
    the second factor (enrolment, codes, recovery and reset are tested with the test client in
    tests/security/test_accounts_and_login.py, and enrolment and sign-in in a real browser in
    test_two_factor.py, which overrides this fixture). Production code is untouched."""
    from officers.security import two_factor

    monkeypatch.setattr(two_factor, "is_verified", lambda request: True)
