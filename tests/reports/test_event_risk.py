"""Risk levels and supervision on an event (突发事件): the service with the county's deadlines, the sweep
turning the event's item red once, and the event page's risk form through HTTP for each role (an
officer never sees it and is refused; another county's staff find nothing)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from officers.models import DeadlineSetting
from reports import services
from reports.models import Event, RiskAssessment, SupervisionItem
from tests.factories import EMERGENCY_ESSENTIALS
from unionportal.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

TITLE = "某服装厂职工聚集讨薪"


@pytest.fixture
def event(officer):
    report = services.report_save(
        officer=officer,
        data={
            "title": TITLE,
            "content": "约四十名职工聚集在厂门口。",
            "category": "mass_incident",
            "urgency": "emergency",
            "occurred_at": timezone.now() - timedelta(minutes=10),
            "township": officer.township,
            **EMERGENCY_ESSENTIALS,
        },
        submit=True,
    )
    return Event.objects.get(entries__report=report)


@pytest.fixture
def terms(county):
    """The county's own terms for 红: 2 hours to respond, 2 days to handle (the default is 1 h / 1 day)."""
    return DeadlineSetting.objects.create(
        county=county, effective_from=date(2020, 1, 1), red_response_hours=2, red_handling_days=2
    )


class TestService:
    def test_red_on_an_event_opens_its_item_with_the_countys_deadlines(self, event, reviewer, terms):
        now = timezone.now()
        assessment = services.risk_level_set(subject=event, level="red", reason="四十人聚集", actor=reviewer, now=now)
        assert (assessment.event, assessment.county, assessment.report, assessment.case) == (
            event,
            event.county,
            None,
            None,
        )
        assert (assessment.response_due_at, assessment.handling_due_at) == (
            now + timedelta(hours=2),
            now + timedelta(days=2),
        )
        item = SupervisionItem.objects.get()
        assert (item.event, item.kind, item.owner, item.cause_key, item.colour, item.subject_label) == (
            event,
            "risk",
            reviewer,
            f"risk:event:{event.pk}",
            "none",
            "突发事件",
        )
        assert (item.due_at, item.response_due_at) == (now + timedelta(days=2), now + timedelta(hours=2))
        assert item.title == f"红色风险处置：事件“{TITLE}”"

    def test_a_second_level_is_kept_and_one_current_per_event(self, event, reviewer):
        now = timezone.now()
        services.risk_level_set(subject=event, level="blue", reason="初判", actor=reviewer, now=now)
        services.risk_level_set(subject=event, level="red", reason="人数增加", actor=reviewer, now=now)
        rows = list(RiskAssessment.objects.filter(event=event).order_by("id").values_list("level", "previous_level"))
        assert rows == [("blue", ""), ("red", "blue")]
        assert RiskAssessment.objects.current().get(event=event).level == "red"
        assert SupervisionItem.objects.filter(event=event).count() == 1
        with pytest.raises(ValidationError) as exc:
            services.risk_level_set(subject=event, level="red", reason="再设", actor=reviewer, now=now)
        assert exc.value.message_dict == {"level": ["当前已是红色风险，无需调整"]}

    def test_another_countys_staff_are_refused(self, event, foreign_reviewer):
        with pytest.raises(ValidationError) as exc:
            services.risk_level_set(subject=event, level="red", reason="x", actor=foreign_reviewer)
        assert exc.value.messages == ["只有本县区的工作人员可以设定风险等级"]
        assert not RiskAssessment.objects.exists()

    def test_the_sweep_turns_the_events_item_red_and_tells_the_admins_once(self, event, reviewer, county_admin, terms):
        now = timezone.now()
        services.risk_level_set(subject=event, level="red", reason="四十人聚集", actor=reviewer, now=now)
        item = SupervisionItem.objects.get()
        # past the 2-hour response deadline with no response: yellow before the handling deadline
        assert services.supervision_sweep(now=now + timedelta(hours=3)) == 1
        item.refresh_from_db()
        assert item.colour == "yellow"
        late = item.due_at + timedelta(days=1, minutes=1)
        assert services.supervision_sweep(now=late) == 1
        assert services.supervision_sweep(now=late) == 0  # the second run changes nothing
        item.refresh_from_db()
        assert (item.colour, item.escalated_due_at) == ("red", item.due_at)
        notices = OutboxMessage.objects.filter(kind="supervision", recipient=county_admin, channel="in_app")
        assert notices.count() == 1
        assert notices.get().title == "红色督办：风险处置（突发事件）"


class TestPages:
    def test_the_officer_never_sees_the_panel_and_is_refused(self, client, event, officer, reviewer):
        services.risk_level_set(subject=event, level="orange", reason="人数增加", actor=reviewer)
        client.force_login(officer.user)
        page = client.get(reverse("reports:event", args=[event.pk]))
        body = page.content.decode()
        assert page.status_code == 200 and TITLE in body
        assert 'data-testid="risk-panel"' not in body and "橙色" not in body and "督办" not in body
        url = reverse("reports:event_risk", args=[event.pk])
        assert client.post(url, {"level": "red", "reason": "x"}).status_code == 403
        assert client.get(url).status_code == 403
        assert list(RiskAssessment.objects.values_list("level", flat=True)) == ["orange"]

    def test_a_reviewer_sets_red_on_the_event_page(self, client, event, reviewer, terms):
        client.force_login(reviewer)
        page = client.get(reverse("reports:event", args=[event.pk])).content.decode()
        assert 'data-testid="risk-panel"' in page and "尚未设定风险等级。" in page
        response = client.post(reverse("reports:event_risk", args=[event.pk]), {"level": "red", "reason": "四十人聚集"})
        assert response.status_code == 302
        assert response["Location"] == reverse("reports:event", args=[event.pk])
        item = SupervisionItem.objects.get(event=event)
        assert (item.owner, item.kind, item.county) == (reviewer, "risk", event.county)
        assert RiskAssessment.objects.get(event=event).reason == "四十人聚集"
        body = client.get(reverse("reports:event", args=[event.pk])).content.decode()
        assert 'data-testid="risk-current">红色<' in body and "风险等级已设定，已生成督办事项" in body
        assert reverse("reports:supervision_detail", args=[item.pk]) in body
        # the item's page links back to the event
        body = client.get(reverse("reports:supervision_detail", args=[item.pk])).content.decode()
        assert f'href="{reverse("reports:event", args=[event.pk])}" data-testid="item-event">{TITLE}<' in body

    def test_an_admin_names_the_owner(self, client, event, county_admin, reviewer):
        client.force_login(county_admin)
        form = {"level": "yellow", "reason": "持续关注", "owner": reviewer.pk}
        response = client.post(reverse("reports:event_risk", args=[event.pk]), form)
        assert response.status_code == 302
        item = SupervisionItem.objects.get(event=event)
        assert (item.owner, item.opened_by, item.title) == (reviewer, county_admin, f"黄色风险处置：事件“{TITLE}”")

    def test_bad_input_shows_the_page_again_and_writes_nothing(self, client, event, reviewer):
        client.force_login(reviewer)
        response = client.post(reverse("reports:event_risk", args=[event.pk]), {"level": "red", "reason": ""})
        assert response.status_code == 400
        body = response.content.decode()
        assert "这个字段是必填项。" in body and 'data-testid="event-timeline"' in body
        assert not RiskAssessment.objects.exists() and not SupervisionItem.objects.exists()

    def test_another_countys_staff_find_nothing(self, client, event, foreign_reviewer):
        client.force_login(foreign_reviewer)
        url = reverse("reports:event_risk", args=[event.pk])
        assert client.post(url, {"level": "red", "reason": "x"}).status_code == 404
        assert client.get(reverse("reports:event", args=[event.pk])).status_code == 404
        assert not RiskAssessment.objects.exists() and not SupervisionItem.objects.exists()
