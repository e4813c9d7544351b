"""On a phone: a case past its mediation deadline without 告知 is counted on the staff home, red on
the list; recording 告知 on its page clears it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from disputes import services
from tests.factories import PASSWORD, EnterpriseFactory, ReviewerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_untold_case_from_home_to_told(phone_page, live_server, county):
    reviewer = ReviewerFactory(county=county, username="13900000002", full_name="陈审核")
    today = timezone.localdate()
    accepted = today - timedelta(days=20)
    case = services.case_register(
        county=county,
        actor=reviewer,
        dispute_type="wage_arrears",
        workers_involved=3,
        enterprise=EnterpriseFactory(county=county, name="滨海华强纺织有限公司"),
        registered_on=accepted,
    )
    services.case_move(case=case, to_status="mediating", actor=reviewer, on=accepted)
    page, base = phone_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("手机号").fill("13900000002")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")

    card = page.get_by_test_id("untold-cases")
    assert "1" in card.inner_text()
    card.click()
    page.get_by_test_id("untold").wait_for()
    assert "已超期 5 天" in page.get_by_test_id("days-left").inner_text()
    page.get_by_test_id(f"case-{case.pk}").click()
    page.get_by_label("告知方式").select_option(label="书面")
    page.get_by_role("button", name="记录告知").click()
    page.get_by_text("已记录告知仲裁权利").wait_for()
    assert "（书面）" in page.get_by_test_id("told").inner_text()
    page.goto(f"{base}/disputes/?sort=deadline")
    assert page.get_by_test_id("untold").count() == 0
    page.goto(f"{base}/")
    assert page.get_by_test_id("untold-cases").count() == 0
    assert page.external_requests == []
