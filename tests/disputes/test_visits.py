"""The return visit (回访): due 30 days after closing, reminders once, 不满意 or money not arrived
reopens the case with the reason on the timeline."""

from datetime import date, datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from disputes import rules, selectors, services, tasks
from disputes.models import DisputeCase, FollowUp, ReturnVisit
from tests.factories import OfficerFactory, ReviewerFactory
from unionportal.core.clock import BEIJING
from unionportal.core.models import OutboxMessage

pytestmark = pytest.mark.django_db
D = date


@pytest.mark.parametrize(
    ("reached", "money", "satisfaction", "reason"),
    [
        (True, "received", "satisfied", None),
        (True, "na", "fairly", None),
        (True, "received", "dissatisfied", "劳动者不满意"),
        (True, "not_received", "satisfied", "款项未到位"),
        (True, "not_received", "dissatisfied", "劳动者不满意、款项未到位"),
        (False, "", "", None),
    ],
)
def test_reopen_reason(reached, money, satisfaction, reason):
    assert rules.reopen_reason(reached=reached, money=money, satisfaction=satisfaction) == reason


@pytest.mark.parametrize(
    ("closed_on", "due_on"),
    [(D(2026, 1, 31), D(2026, 3, 2)), (D(2026, 2, 28), D(2026, 3, 30)), (D(2026, 12, 15), D(2027, 1, 14))],
)
def test_return_visit_due_on(closed_on, due_on):
    assert rules.return_visit_due_on(closed_on) == due_on


@pytest.mark.parametrize(
    ("result", "transferred_to", "status"),
    [("success", "", "succeeded"), ("failure", "", "failed"), ("failure", "arbitration", "transferred")],
)
def test_status_before_closing(result, transferred_to, status):
    assert rules.status_before_closing(mediation_result=result, transferred_to=transferred_to) == status


def frozen(day: date):
    return mock.patch(
        "django.utils.timezone.now", return_value=datetime(day.year, day.month, day.day, 9, tzinfo=BEIJING)
    )


CLOSED_ON = D(2026, 2, 1)


def closed_case(county, actor, enterprise, closed_on=CLOSED_ON) -> DisputeCase:
    with frozen(closed_on):
        case = services.case_register(
            county=county,
            actor=actor,
            dispute_type="wage_arrears",
            workers_involved=1,
            enterprise=enterprise,
            registered_on=D(2026, 1, 5),
        )
        for status in ("mediating", "succeeded", "closed"):
            case = services.case_move(case=case, to_status=status, actor=actor, on=closed_on)
    return case


def test_dissatisfied_reopens_with_the_reason_on_the_timeline(county, reviewer, textile):
    case = closed_case(county, reviewer, textile)
    visit = services.return_visit_record(
        case=case,
        actor=reviewer,
        visited_on=D(2026, 3, 5),
        reached=True,
        money="received",
        satisfaction="dissatisfied",
        note="认为补偿偏低",
        today=D(2026, 3, 5),
    )
    case.refresh_from_db()
    assert (visit.reopened, case.status, case.closed_on) == (True, "succeeded", None)
    assert FollowUp.objects.filter(case=case).last().action == (
        "回访：不满意，款项已到位。认为补偿偏低。因劳动者不满意，案件重新打开复查"
    )
    assert case.mediation_result == "success" and case.result_on == D(2026, 2, 1)  # the figures keep it


def test_satisfied_keeps_it_closed_and_not_reached_asks_nothing(county, reviewer, textile):
    case = closed_case(county, reviewer, textile)
    services.return_visit_record(
        case=case, actor=reviewer, visited_on=D(2026, 3, 3), reached=False, money="received", today=D(2026, 3, 3)
    )
    services.return_visit_record(
        case=case,
        actor=reviewer,
        visited_on=D(2026, 3, 4),
        reached=True,
        money="received",
        satisfaction="satisfied",
        today=D(2026, 3, 4),
    )
    case.refresh_from_db()
    assert case.status == "closed"
    assert list(ReturnVisit.objects.values_list("reached", "money", "reopened")) == [
        (False, "", False),
        (True, "received", False),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"visited_on": D(2026, 3, 6)}, "回访日期不能晚于今天"),
        ({"visited_on": D(2026, 1, 31)}, "回访日期不能早于结案日期 2026-02-01"),
        ({"satisfaction": ""}, "联系上劳动者的，请选择满意度"),
        ({"money": ""}, "联系上劳动者的，请选择款项到位情况"),
    ],
)
def test_visit_refused(county, reviewer, textile, kwargs, message):
    case = closed_case(county, reviewer, textile)
    args = {"visited_on": D(2026, 3, 5), "reached": True, "money": "received", "satisfaction": "satisfied"}
    with pytest.raises(ValidationError) as exc:
        services.return_visit_record(case=case, actor=reviewer, today=D(2026, 3, 5), **(args | kwargs))
    assert exc.value.messages == [message]
    assert ReturnVisit.objects.count() == 0


def test_an_open_case_has_no_visit(county, reviewer, textile):
    case = services.case_register(
        county=county, actor=reviewer, dispute_type="wage_arrears", workers_involved=1, enterprise=textile
    )
    with pytest.raises(ValidationError) as exc:
        services.return_visit_record(case=case, actor=reviewer, visited_on=case.registered_on, reached=False)
    assert exc.value.messages == ["只有已结案的案件可以登记回访"]


def test_the_visit_falls_due_and_is_reminded_once(county, reviewer, textile):
    case = closed_case(county, reviewer, textile, closed_on=D(2026, 1, 31))
    handler = OfficerFactory(county=county).user
    case.handlers.add(handler)
    cases = DisputeCase.objects.all()
    assert list(selectors.return_visits_due(cases, today=D(2026, 3, 1))) == []
    assert list(selectors.return_visits_due(cases, today=D(2026, 3, 2))) == [case]
    assert services.return_visit_reminders_send(today=D(2026, 3, 1)) == 0
    assert services.return_visit_reminders_send(today=D(2026, 3, 2)) == 2  # reviewer (registered it) and handler
    assert services.return_visit_reminders_send(today=D(2026, 3, 3)) == 0
    assert sorted(OutboxMessage.objects.values_list("key", flat=True)) == sorted(
        [f"revisit:{case.pk}:20260131:{reviewer.pk}:in_app", f"revisit:{case.pk}:20260131:{handler.pk}:in_app"]
    )
    services.return_visit_record(
        case=case,
        actor=reviewer,
        visited_on=D(2026, 3, 3),
        reached=True,
        money="na",
        satisfaction="fairly",
        today=D(2026, 3, 3),
    )
    assert list(selectors.return_visits_due(cases, today=D(2026, 3, 4))) == []
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 3, 10, 9, tzinfo=BEIJING)):
        assert tasks.remind_return_visits() == 0


def test_visit_page_staff_only(client, county, other_county, reviewer, textile):
    case = closed_case(county, reviewer, textile)
    url = reverse("disputes:return_visit", args=[case.pk])
    form = {"visited_on": "2026-03-05", "reached": "1", "money": "not_received", "satisfaction": "satisfied"}
    with frozen(D(2026, 3, 5)):
        officer = OfficerFactory(county=county).user
        case.handlers.add(officer)
        client.force_login(officer)
        assert client.post(url, form).status_code == 403
        client.force_login(ReviewerFactory(county=other_county))
        assert client.post(url, form).status_code == 404
        assert ReturnVisit.objects.count() == 0
        client.force_login(reviewer)
        bad = client.post(url, form | {"satisfaction": ""})
        assert bad.status_code == 400
        assert bad.context["visit_form"].errors["satisfaction"] == ["联系上劳动者的，请选择满意度"]
        assert client.post(url, form).status_code == 302
        case.refresh_from_db()
        assert case.status == "succeeded"
        page = client.get(reverse("disputes:detail", args=[case.pk])).content.decode()
        assert "因款项未到位，案件重新打开复查" in page
        stats = client.get(reverse("disputes:stats"), {"start": "2026-01-01", "end": "2026-12-31"})
        assert stats.context["visits"] == {"done": 1, "satisfied": 1, "fairly": 0, "dissatisfied": 0, "reopened": 1}
        due = client.get(reverse("disputes:list"), {"visit": "due"})
        assert list(due.context["cases"]) == []
