from datetime import datetime

import pytest
from django.utils import timezone

from tests.browser.conftest import wait_until_true
from tests.factories import PASSWORD, OfficerFactory, ReportFactory, ReviewerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900}, {"width": 375, "height": 812}])
def test_dashboard_charts_render(browser, live_server, county, viewport):
    year = timezone.localdate().year
    officer = OfficerFactory(county=county, password=None)
    for month in (1, 2, 2, 3):
        moment = datetime(year, month, 10, 10, 0, tzinfo=timezone.get_current_timezone())
        ReportFactory(officer=officer, submitted_at=moment, occurred_at=moment)
    ReviewerFactory(county=county, username="13900000002")
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    external = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号").fill("13900000002")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/dashboard/")
    # A reviewer's dashboard has two charts; the money chart is the admins'.
    wait_until_true(page, "!!window.dashboardCharts && Object.keys(window.dashboardCharts).length === 2")
    assert page.locator("#chart-stipends").count() == 0
    # Each chart drew on its canvas, with the page's numbers.
    reports = page.evaluate("window.dashboardCharts['chart-reports'].data.datasets[0].data.slice(0, 3)")
    assert reports == [1, 2, 1]
    for chart in ("chart-reports", "chart-categories"):
        box = page.locator(f"#{chart}").bounding_box()
        assert box["width"] > 200 and box["height"] > 150
        painted = page.evaluate(
            f"""(() => {{ const c = document.getElementById('{chart}');
                 const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                 for (let i = 3; i < d.length; i += 4) {{ if (d[i] !== 0) return true; }} return false; }})()"""
        )
        assert painted, chart
    assert page.get_by_test_id("d-reports").inner_text() == "4"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert external == []
    context.close()
