import pytest

from tests.browser.conftest import open_menu
from tests.factories import PASSWORD, OfficerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_officer_logs_in_on_a_phone_and_sees_home(phone_page, live_server, county):
    OfficerFactory(county=county, name="刘洋", phone="13815110004", category="new_form", key_group="courier")
    page = phone_page
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert page.get_by_label("手机号").is_visible()
    page.get_by_label("手机号").fill("13815110004")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_test_id("officer-home").inner_text() == "您好，刘洋"
    assert page.get_by_text("快递员").is_visible()
    assert no_horizontal_scroll(page)
    # Bootstrap is served from our own static files: the menu collapses and opens on a phone.
    open_menu(page)
    page.get_by_role("link", name="修改密码").wait_for(state="visible")
    assert page.external_requests == []


def test_wrong_password_message_on_a_phone(phone_page, live_server, county):
    OfficerFactory(county=county, phone="13815110004")
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号").fill("13815110004")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("手机号或密码不正确。请注意密码区分大小写。").wait_for()  # the answer, not the page before it
    assert page.get_by_text("手机号或密码不正确。请注意密码区分大小写。").is_visible()


def test_reviewer_finds_an_officer_on_a_phone(phone_page, live_server, county):
    OfficerFactory(county=county, name="王建国", phone="13815110001")
    OfficerFactory(county=county, name="李秀英", phone="13815110002")
    ReviewerFactory(county=county, username="13900000002")
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号").fill("13900000002")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/officers/")
    page.get_by_placeholder("姓名、手机号或工作单位").fill("王建国")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="王建国").click()
    page.get_by_role("heading", name="王建国").wait_for()  # is_visible() alone does not wait for the page
    assert page.get_by_role("heading", name="王建国").is_visible()
    assert page.get_by_text("138****0001").is_visible()
    assert no_horizontal_scroll(page)
    assert page.external_requests == []
