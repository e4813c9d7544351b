import pytest

from tests.factories import PASSWORD, AdminFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_select_all_on_the_export_page_works_under_the_csp(browser, live_server, county):
    # django-import-export wires 全选 with an inline onchange attribute, which the policy blocks
    # (Chromium logs that once as the page is parsed); static/js/admin_export.js does the work.
    AdminFactory(county=county, username="13900000001")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号").fill("13900000001")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/admin/reports/report/export/")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]:not(.select-toggle)')
    assert fields.count() == 11 and all(fields.nth(i).is_checked() for i in range(11))
    page.locator("input.select-toggle").uncheck()
    assert not any(fields.nth(i).is_checked() for i in range(11))
    page.get_by_label("报送人手机号").check()
    page.locator("input.select-toggle").check()
    assert all(fields.nth(i).is_checked() for i in range(11))
    context.close()
