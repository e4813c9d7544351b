import pytest

from reports.models import Report
from tests.browser.conftest import wait_until_true
from tests.factories import PASSWORD, OfficerFactory, ReportFactory, ReviewerFactory, TownshipFactory, image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, base, phone):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def test_emergency_report_from_phone_to_grade_and_back(browser, phone_page, live_server, county):
    township = TownshipFactory(county=county, name="坎北街道")
    OfficerFactory(
        county=county,
        township=township,
        name="刘洋",
        phone="13815110004",
        category="new_form",
        key_group="delivery_rider",
    )
    ReviewerFactory(county=county, username="13900000002", full_name="陈审核", email="chen@example.org")
    base = live_server.url

    # The officer, on a phone, reports an emergency with a photo.
    page = phone_page
    log_in(page, base, "13815110004")
    page.get_by_role("link", name="报送信息").first.click()
    page.get_by_label("标题").fill("外卖骑手反映站点罚款过重")
    page.get_by_label("突发").check()
    page.get_by_label("事发地（镇区街道）").select_option(label="坎北街道")  # an emergency names its place
    page.get_by_label("信息类别").select_option(label="群体性事件苗头")
    page.get_by_label("内容").fill("站点对超时订单罚款标准提高，部分骑手考虑集体停工。")
    page.get_by_label("涉及企业或场所（未登记时填写名称）").fill("某外卖站点")  # the 初报's essentials
    page.get_by_label("涉及人数").fill("20")
    page.get_by_label("职工诉求").fill("要求恢复原罚款标准")
    page.set_input_files(
        "input[name=attachments]", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": image_bytes()}]
    )
    page.get_by_role("button", name="报送", exact=True).click()
    page.get_by_text("信息已报送，正在提醒县总工会工作人员尽快处置").wait_for()
    assert page.get_by_text("已报送，等待县总工会审核。").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    report = Report.objects.get()
    assert (report.urgency, report.status, report.attachments.count()) == ("emergency", "submitted", 1)

    # The reviewer sees the alert at once, opens the report and grades it.
    reviewer_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    desk = reviewer_context.new_page()
    log_in(desk, base, "13900000002")
    assert desk.get_by_test_id("unread-count").inner_text() == "1"
    desk.get_by_test_id("bell").click()
    desk.get_by_role("link", name="【突发信息】外卖骑手反映站点罚款过重").click()
    desk.get_by_role("img", name="现场.png").wait_for()  # is_visible() alone does not wait for the page
    assert desk.get_by_role("img", name="现场.png").is_visible()
    # The photo is streamed by the scoped attachment view and really decodes as an image.
    wait_until_true(desk, "document.querySelector('img.img-thumbnail').complete")
    assert desk.evaluate("document.querySelector('img.img-thumbnail').naturalWidth") == 1
    desk.get_by_label("县总工会采用").check()
    desk.get_by_label("采用单位").fill("滨海县总工会")
    desk.get_by_label("审核意见").fill("已转县人社局劳动监察大队处置")
    desk.get_by_role("button", name="保存审核结果").click()
    desk.get_by_text("审核结果已保存，已通知信息员").wait_for()
    reviewer_context.close()

    # The officer sees the grade.
    page.goto(f"{base}/")
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    page.get_by_test_id("bell").click()
    page.get_by_role("link", name="您报送的“外卖骑手反映站点罚款过重”审核结果：县总工会采用").click()
    result = page.get_by_test_id("grade-result").inner_text()
    assert "审核结果：县总工会采用" in result and "已转县人社局劳动监察大队处置" in result
    assert page.external_requests == []


def test_withdrawing_asks_first(phone_page, live_server, county):
    from tests.factories import ReportFactory

    officer = OfficerFactory(county=county, phone="13815110004")
    report = ReportFactory(officer=officer, title="工地欠薪苗头")
    page = phone_page
    log_in(page, live_server.url, "13815110004")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="撤回").click()
    page.wait_for_timeout(300)
    report.refresh_from_db()
    assert (asked, report.status) == (["撤回后这条信息不再报送，也不能再修改。确定撤回吗？"], "submitted")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="撤回").click()
    page.get_by_text("信息已撤回").wait_for()
    report.refresh_from_db()
    assert report.status == "withdrawn"


def test_the_folded_return_and_risk_forms_on_a_phone(phone_page, live_server, county):
    """The report page fetches its 风险等级 and 退回 forms when their folds open (static/js/deferred_form.js);
    both work from a phone."""
    officer = OfficerFactory(county=county, name="刘洋", phone="13815110004")
    ReviewerFactory(county=county, username="13900000002", full_name="陈审核")
    report = ReportFactory(officer=officer, title="某电子厂拖欠职工工资")
    base, page = live_server.url, phone_page
    log_in(page, base, "13900000002")
    page.goto(f"{base}/reports/{report.pk}/")
    assert page.get_by_test_id("risk-form").count() == 0 and page.get_by_test_id("return-form").count() == 0

    panel = page.get_by_test_id("risk-panel")
    panel.get_by_text("设定 / 调整风险等级").click()  # the fold's summary
    panel.get_by_test_id("risk-form").wait_for()
    panel.get_by_label("橙色", exact=True).check()
    panel.get_by_label("理由").fill("拖欠人数多，春节前易激化")
    panel.get_by_role("button", name="设定 / 调整风险等级").click()
    page.get_by_text("风险等级已设定，已生成督办事项").wait_for()
    assert page.get_by_test_id("risk-current").inner_text() == "橙色"

    page.get_by_text("退回信息员修改（须写明退回原因）").click()
    form = page.get_by_test_id("return-form")
    form.wait_for()
    form.get_by_label("退回原因").fill("请补充企业名称和拖欠月数")
    form.get_by_role("button", name="退回信息员").click()
    page.get_by_text("已退回信息员修改").wait_for()
    report.refresh_from_db()
    assert (report.status, report.return_reason) == ("returned", "请补充企业名称和拖欠月数")
    assert report.risk_assessments.get().level == "orange"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.external_requests == []
