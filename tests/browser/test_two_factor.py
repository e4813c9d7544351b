"""Staff sign in with both factors in a real browser: enrolment (the key typed by hand, as when the
camera cannot scan), the recovery codes, then a later sign-in with the app's code. The other browser
journeys count their staff as verified (conftest's ``second_factor_passed``); here it is overridden."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests.browser.conftest import open_menu
from tests.factories import PASSWORD, ReviewerFactory
from unionportal.core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def second_factor_passed():
    """Not passed here: the real check runs (overrides tests/browser/conftest.py's fixture)."""


def code(secret_text: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for the key as the enrolment page prints it."""
    totp = TOTP(b32decode(secret_text.replace(" ", "")), step=30, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号").fill("13900000002")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_reviewer_enrols_an_authenticator_then_signs_in_with_its_code(phone_page, live_server, county):
    page = phone_page
    ReviewerFactory(county=county, username="13900000002", full_name="陈审核")
    sign_in(page, live_server)
    page.get_by_role("heading", name="绑定身份验证器（双因素登录）").wait_for()
    secret = page.get_by_test_id("otp-secret").inner_text()
    assert page.get_by_test_id("otp-qr").locator("svg").count() == 1  # drawn here: no request outside
    page.goto(f"{live_server.url}/reports/review/")  # nothing else before the second factor
    page.get_by_role("heading", name="绑定身份验证器（双因素登录）").wait_for()
    page.get_by_label("验证器上显示的 6 位动态码").fill("000000" if code(secret) != "000000" else "111111")
    page.get_by_role("button", name="完成绑定").click()
    page.get_by_text("动态码不正确，请输入身份验证器上当前显示的 6 位数字").wait_for()
    assert page.get_by_test_id("otp-secret").inner_text() == secret  # the same key, still to confirm
    page.wait_for_timeout(1100)  # django-otp throttles a device for 1 s after a wrong code; a person types slower
    page.get_by_label("验证器上显示的 6 位动态码").fill(code(secret))
    page.get_by_role("button", name="完成绑定").click()
    page.get_by_test_id("recovery-codes").wait_for()
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    page.get_by_role("link", name="我已保存，继续").click()
    # The codes page has the signed-in menu too: wait for the next page itself, or the clicks below
    # land on the codes page while the link's navigation is still under way and the sign-out is lost.
    page.wait_for_url(f"{live_server.url}/reports/review/")
    page.get_by_role("heading", name="信息审核").wait_for()
    page.get_by_test_id("current-user").wait_for(state="attached")  # in the folded menu
    assert page.get_by_test_id("current-user").text_content() == "陈审核"

    open_menu(page)  # a phone: 退出 is in the folded menu
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/**")
    sign_in(page, live_server)
    page.get_by_role("heading", name="第二步：输入动态码").wait_for()
    # The code just used is spent: the app's next one (within the accepted drift) is what it shows next.
    page.get_by_label("动态码").fill(code(secret, steps_ahead=1))
    page.get_by_role("button", name="验证并登录").click()
    page.get_by_test_id("current-user").wait_for(state="attached")
    page.goto(f"{live_server.url}/reports/review/")
    page.get_by_role("heading", name="信息审核").wait_for()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {AuditEntry.Action.OTP_ENROL, AuditEntry.Action.OTP_VERIFY_FAILED} <= actions
    assert page.external_requests == []
