from datetime import timedelta

import pytest
from django.utils import timezone

from disputes import services as dispute_services
from tests.factories import PASSWORD, EnterpriseFactory, OfficerFactory, ReportFactory, ReviewerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_report_to_case_to_recovered_wages(browser, live_server, county):
    textile = EnterpriseFactory(county=county, name="滨海华强纺织有限公司")
    officer = OfficerFactory(county=county, name="李秀英", password=None)
    submitted = timezone.now() - timedelta(days=2)
    report = ReportFactory(
        officer=officer,
        title="某纺织企业拖欠工资苗头",
        category="wage_arrears",
        workers_involved=126,
        enterprise=textile,
        submitted_at=submitted,
        occurred_at=submitted,
    )
    ReviewerFactory(county=county, username="13900000002", full_name="陈审核")
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("手机号").fill("13900000002")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/disputes/stats/")
    assert page.get_by_test_id("fig-successful").inner_text() == "0"
    assert page.get_by_test_id("fig-wages").inner_text() == "0.00"

    page.goto(f"{base}/reports/{report.pk}/")
    page.get_by_role("link", name="转为争议案件").click()
    page.get_by_test_id("from-report").wait_for()  # the case form, filled in from the report
    assert page.get_by_label("涉及人数").input_value() == "126"
    page.get_by_role("button", name="登记").click()
    page.get_by_text("案件已登记，编号").wait_for()
    assert page.get_by_test_id("case-status").inner_text() == "登记"

    def move(status):
        page.get_by_label("变更为").select_option(label=status)
        page.get_by_role("button", name="变更", exact=True).click()
        page.get_by_text("案件状态已变更").wait_for()

    move("调解中")
    move("调解成功")
    assert page.get_by_test_id("case-status").inner_text() == "调解成功"
    page.get_by_label("类别").select_option(label="清理欠薪")
    page.get_by_label("金额（元）*", exact=True).fill("1260000")
    page.get_by_role("button", name="登记金额").click()
    page.get_by_text("金额已登记").wait_for()
    assert page.get_by_test_id("case-wages").inner_text() == "1,260,000.00 元"

    page.goto(f"{base}/disputes/stats/")
    assert page.get_by_test_id("fig-successful").inner_text() == "1"
    assert page.get_by_test_id("fig-rate").inner_text() == "100%"
    assert page.get_by_test_id("fig-workers").inner_text() == "126"
    assert page.get_by_test_id("fig-wages").inner_text() == "1,260,000.00"
    context.close()


def test_money_above_the_claim_is_confirmed_and_a_payment_voided_on_a_phone(phone_page, live_server, county):
    from decimal import Decimal

    from disputes import services
    from disputes.models import Outcome

    reviewer = ReviewerFactory(county=county, username="13900000003", full_name="陈审核")
    case = services.case_register(
        county=county,
        actor=reviewer,
        dispute_type="wage_arrears",
        workers_involved=40,
        enterprise=EnterpriseFactory(county=county, name="滨海华强纺织有限公司"),
        amount_claimed=Decimal("320000"),
    )
    page, base = phone_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("手机号").fill("13900000003")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/disputes/{case.pk}/")
    page.get_by_label("类别").select_option(label="清理欠薪")
    page.get_by_label("金额（元）*", exact=True).fill("330000")
    page.get_by_role("button", name="登记金额").click()
    page.get_by_text("金额 330,000.00 元超过本案诉求金额 320,000.00 元").wait_for()
    assert Outcome.objects.count() == 0
    page.get_by_label("确认金额无误").check()
    page.get_by_label("金额超出的原因").fill("含经济补偿金，职工签字确认")
    page.get_by_role("button", name="登记金额").click()
    page.get_by_text("金额已登记").wait_for()
    assert page.get_by_test_id("case-wages").inner_text() == "330,000.00 元"

    page.get_by_label("类别").select_option(label="清理欠薪")
    page.get_by_label("金额（元）*", exact=True).fill("5000")
    page.get_by_role("button", name="登记金额").click()
    page.get_by_text("金额已登记").wait_for()
    assert page.get_by_test_id("case-wages").inner_text() == "335,000.00 元"

    second = Outcome.objects.get(amount=Decimal("5000"))
    page.get_by_test_id(f"outcome-{second.pk}").get_by_role("link", name="作废").click()
    page.get_by_role("button", name="确认作废").click()
    page.get_by_text("请写明作废原因").wait_for()  # a reason is required
    page.get_by_label("作废原因").fill("重复登记")
    page.get_by_role("button", name="确认作废").click()
    page.get_by_text("该笔金额已作废，已记入跟进记录").wait_for()
    assert page.get_by_test_id("case-wages").inner_text() == "330,000.00 元"
    assert "已作废" in page.get_by_test_id(f"outcome-{second.pk}").inner_text()
    assert "作废清理欠薪" in page.get_by_test_id("timeline").inner_text()

    page.goto(f"{base}/disputes/stats/")
    assert page.get_by_test_id("fig-wages").inner_text() == "330,000.00"
    assert page.external_requests == []


def test_another_report_is_linked_by_searching_on_a_phone(browser, live_server, county):
    """Issue 14 item 18: no "number in the page's address" any more: search the county's reports by
    title, pick one, link it."""
    textile = EnterpriseFactory(county=county, name="滨海华强纺织有限公司")
    reviewer = ReviewerFactory(county=county, username="13900000002", full_name="陈审核")
    case = dispute_services.case_register(
        county=county, actor=reviewer, dispute_type="wage_arrears", workers_involved=126, enterprise=textile
    )
    sent = timezone.now() - timedelta(days=1)
    wanted = ReportFactory(
        officer=OfficerFactory(county=county), title="三车间职工反映欠薪", submitted_at=sent, occurred_at=sent
    )
    ReportFactory(officer=OfficerFactory(county=county), title="食堂伙食意见", submitted_at=sent, occurred_at=sent)
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("手机号").fill("13900000002")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/disputes/{case.pk}/")
    page.get_by_label("标题或用人单位").fill("欠薪")
    page.get_by_role("button", name="查找信息").click()
    choices = page.get_by_test_id("link-choices")
    choices.wait_for()
    assert "三车间职工反映欠薪" in choices.inner_text() and "食堂伙食意见" not in choices.inner_text()
    page.get_by_role("button", name="关联", exact=True).click()
    page.wait_for_url(f"{base}/disputes/{case.pk}/")
    assert "三车间职工反映欠薪" in page.content()
    assert list(case.reports.values_list("pk", flat=True)) == [wanted.pk]
    context.close()
