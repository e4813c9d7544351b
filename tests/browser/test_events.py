"""Issue 16 on a phone: an emergency as a chain. An officer files the 初报, another officer a 续报 into
the same event, staff see the chain, and the first officer files the 终报 which closes the event.

Each step is a function of the journey (``EventJourney``), so a later step (risk levels, supervision)
is one more method and one more line in the test."""

from dataclasses import dataclass, field

import pytest

from reports.models import Event, EventEntry
from tests.browser.conftest import PHONE_VIEWPORT
from tests.browser.test_reports import log_in
from tests.factories import OfficerFactory, ReviewerFactory, TownshipFactory

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "八巨镇某服装厂职工聚集讨薪"


@dataclass
class EventJourney:
    browser: object
    base: str
    pages: dict = field(default_factory=dict)

    def phone(self, who: str, phone: str):
        """A signed-in phone for ``who`` (one browser context each, as on separate phones)."""
        if who not in self.pages:
            context = self.browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, locale="zh-CN")
            page = context.new_page()
            page.external_requests = []
            page.on(
                "request",
                lambda request, page=page: (
                    None if request.url.startswith(self.base) else page.external_requests.append(request.url)
                ),
            )
            log_in(page, self.base, phone)
            self.pages[who] = page
        return self.pages[who]

    def close(self):
        for page in self.pages.values():
            page.context.close()

    def file_initial(self, page) -> Event:
        page.goto(f"{self.base}/reports/new/")
        page.get_by_label("标题").fill(TITLE)
        page.get_by_label("突发").check()
        page.get_by_label("事发地（镇区街道）").select_option(label="八巨镇")
        page.get_by_label("信息类别").select_option(label="群体性事件苗头")
        page.get_by_label("内容").fill("上午8时许，某服装厂约40名职工在厂门口聚集，反映企业拖欠3个月工资。")
        # 突发 opens the section with the 初报's essentials: enterprise or place, people, demands.
        assert page.get_by_label("涉及企业或场所（未登记时填写名称）").is_visible()
        page.get_by_label("涉及企业或场所（未登记时填写名称）").fill("某服装厂")
        page.get_by_label("涉及人数").fill("40")
        page.get_by_label("职工诉求").fill("要求一次性结清拖欠的3个月工资")
        page.get_by_role("button", name="报送", exact=True).click()
        page.get_by_text("信息已报送，正在提醒县总工会工作人员尽快处置").wait_for()
        page.get_by_role("link", name="查看该突发事件的初报、续报、终报").click()
        page.get_by_test_id("event-timeline").wait_for()
        return Event.objects.get(title=TITLE)

    def file_followup(self, page, event: Event, situation: str):
        page.goto(f"{self.base}/reports/events/")
        page.get_by_test_id("joinable-events").get_by_role("link", name="报送续报").click()
        page.get_by_label("事态进展").fill(situation)
        page.get_by_label("已采取的措施").fill("镇工会约谈企业负责人")
        page.get_by_role("button", name="报送续报1").click()
        page.get_by_text("续报1已报送（按时）").wait_for()
        assert page.url == f"{self.base}/reports/events/{event.pk}/"

    def staff_see_the_chain(self, page, event: Event) -> list[str]:
        page.goto(f"{self.base}/reports/events/")
        page.get_by_test_id("event-list").get_by_role("link", name=TITLE).click()
        page.wait_for_url(f"{self.base}/reports/events/{event.pk}/")
        timeline = page.get_by_test_id("event-timeline")
        return [item.inner_text().split("\n")[0].strip() for item in timeline.locator("> li").all()]

    def file_final(self, page, event: Event, outcome: str):
        page.goto(f"{self.base}/reports/events/{event.pk}/")
        page.get_by_role("link", name="报送终报（处置完毕）").click()
        page.get_by_label("处置结果").fill(outcome)
        page.get_by_role("button", name="报送终报").click()
        page.get_by_text("终报已报送，事件已办结").wait_for()
        assert page.get_by_test_id("event-state").inner_text().startswith("已终报")


@pytest.fixture
def journey(browser, live_server, county):
    township = TownshipFactory(county=county, name="八巨镇")
    OfficerFactory(county=county, township=township, name="刘洋", phone="13815110004")
    OfficerFactory(county=county, township=township, name="赵敏", phone="13815110005")
    ReviewerFactory(county=county, username="13900000002", full_name="陈审核")
    trip = EventJourney(browser=browser, base=live_server.url)
    yield trip
    trip.close()


def test_an_event_from_its_initial_report_to_its_final_report(journey):
    first = journey.phone("刘洋", "13815110004")
    event = journey.file_initial(first)
    assert (event.state, event.officer.name) == ("open", "刘洋")

    second = journey.phone("赵敏", "13815110005")
    journey.file_followup(second, event, "镇工会、人社所已到现场，聚集职工已陆续散去")
    followup = EventEntry.objects.get(kind="followup")
    assert (followup.officer.name, followup.number, followup.on_time) == ("赵敏", 1, True)

    desk = journey.phone("陈审核", "13900000002")
    assert journey.staff_see_the_chain(desk, event) == ["初报", "续报1 按时"]
    assert "镇工会、人社所已到现场" in desk.get_by_test_id("event-timeline").inner_text()

    journey.file_final(first, event, "企业已结清拖欠工资，职工已返岗")
    event.refresh_from_db()
    assert (event.state, event.outcome) == ("closed", "企业已结清拖欠工资，职工已返岗")
    assert journey.staff_see_the_chain(desk, event) == ["初报", "续报1 按时", "终报"]
    for page in journey.pages.values():
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert page.external_requests == []
