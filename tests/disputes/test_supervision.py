"""A case's flags as supervision items for its handler, closed when the cause is cured: untold past
the mediation deadline (closed by 告知), an instalment overdue beyond the county's grace days (可申请支付令,
可申请强制执行 after 司法确认; closed when paid). Frozen time; the daily job is safe to run twice."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from disputes import selectors, services
from officers.models import DeadlineSetting
from reports.models import RiskAssessment, SupervisionItem
from tests.factories import OfficerFactory
from unionportal.core.clock import BEIJING

pytestmark = pytest.mark.django_db

D = date


def at(day: date, hour=10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)


@pytest.fixture
def clock():
    """The portal's clock, moved by the test: ``clock.now = …``."""

    class Clock:
        now = at(D(2026, 3, 1))

    with mock.patch("django.utils.timezone.now", side_effect=lambda: Clock.now):
        yield Clock


@pytest.fixture
def case(county, reviewer, textile, clock):
    case = services.case_register(
        county=county,
        actor=reviewer,
        dispute_type="wage_arrears",
        workers_involved=12,
        enterprise=textile,
        amount_claimed=Decimal("100000"),
        registered_on=D(2026, 3, 1),
    )
    return services.case_move(case=case, to_status="mediating", actor=reviewer, on=D(2026, 3, 1))  # deadline 16 March


def items(**filters):
    return list(SupervisionItem.objects.filter(**filters).values_list("kind", "state", "owner__full_name"))


class TestUntold:
    def test_past_the_deadline_untold_becomes_the_handlers_item_and_tell_closes_it(self, case, reviewer, clock):
        clock.now = at(D(2026, 3, 16))
        assert services.cases_supervise(now=clock.now) == {"opened": 0, "closed": 0}  # the last day: not yet
        clock.now = at(D(2026, 3, 17))
        assert services.cases_supervise(now=clock.now) == {"opened": 1, "closed": 0}
        assert services.cases_supervise(now=clock.now) == {"opened": 0, "closed": 0}  # run twice: one item
        item = SupervisionItem.objects.get()
        assert (item.kind, item.owner, item.case, item.title) == (
            "untold",
            reviewer,
            case,
            f"调解期满未告知仲裁权利：案件 {case.number}",
        )
        assert item.due_at == at(D(2026, 3, 17), 0)  # the end of the deadline's day
        assert item.colour == "yellow"
        services.case_tell_arbitration(case=case, actor=reviewer, told_on=D(2026, 3, 17), how="written")
        item.refresh_from_db()
        assert (item.state, item.closed_by, item.close_note) == (
            "closed",
            None,
            "已于 2026-03-17 告知劳动者可申请仲裁（自动办结）",
        )

    def test_the_handler_among_staff_owns_it_not_an_officer(self, case, county_admin, clock):
        case.handlers.set([OfficerFactory(county=case.county).user])
        case.created_by = None
        case.save()
        clock.now = at(D(2026, 3, 18))
        services.cases_supervise(now=clock.now)
        assert items() == [("untold", "open", "周管理")]  # the county's admin when no staff handles it

    def test_a_case_moved_on_closes_it(self, case, reviewer, clock):
        clock.now = at(D(2026, 3, 18))
        services.cases_supervise(now=clock.now)
        services.case_move(
            case=case, to_status="transferred", actor=reviewer, on=D(2026, 3, 18), transferred_to="arbitration"
        )
        assert items() == [("untold", "closed", "陈审核")]
        assert SupervisionItem.objects.get().close_note == "案件已移交，无需再告知（自动办结）"


@pytest.fixture
def agreed(case, reviewer, clock):
    clock.now = at(D(2026, 3, 10))
    services.case_tell_arbitration(case=case, actor=reviewer, told_on=D(2026, 3, 10), how="oral")
    services.case_move(case=case, to_status="succeeded", actor=reviewer, on=D(2026, 3, 10))
    services.instalments_set(
        case=case, actor=reviewer, schedule=[(D(2026, 3, 20), Decimal("30000")), (D(2026, 4, 30), Decimal("20000"))]
    )
    services.agreement_record(
        case=case,
        actor=reviewer,
        workers="王建国等 12 人",
        terms="按期支付",
        amount=Decimal("50000"),
        signed_on=D(2026, 3, 10),
    )
    return case


class TestRemedy:
    @pytest.mark.parametrize(("grace", "day", "expected"), [(7, 26, 0), (7, 27, 1), (3, 23, 1), (3, 22, 0)])
    def test_overdue_beyond_the_countys_grace(self, agreed, county, clock, grace, day, expected):
        DeadlineSetting.objects.create(county=county, effective_from=D(2026, 1, 1), payment_order_grace_days=grace)
        clock.now = at(D(2026, 3, day))
        assert services.cases_supervise(now=clock.now)["opened"] == expected
        progress = selectors.agreement_progress(case=selectors.case_detail(user=agreed.created_by, pk=agreed.pk))
        assert progress["remedy_label"] == ("可申请支付令" if expected else "")

    def test_payment_closes_it_and_court_confirmation_turns_it_into_enforcement(self, agreed, reviewer, clock):
        clock.now = at(D(2026, 3, 28))
        services.cases_supervise(now=clock.now)
        assert list(SupervisionItem.objects.filter(kind="remedy").values_list("title", "state")) == [
            (f"可申请支付令：案件 {agreed.number}", "open")
        ]
        services.court_confirmation_record(
            case=agreed,
            actor=reviewer,
            court="滨海县人民法院",
            applied_on=D(2026, 3, 12),
            confirmed_on=D(2026, 3, 13),
            court_case_number="（2026）苏0922民特1号",
        )
        rows = list(SupervisionItem.objects.filter(kind="remedy").order_by("pk").values_list("title", "state"))
        assert rows == [
            (f"可申请支付令：案件 {agreed.number}", "closed"),
            (f"可申请强制执行：案件 {agreed.number}", "open"),
        ]
        services.outcome_add(
            case=agreed, actor=reviewer, kind="wages", amount=Decimal("30000"), received_on=D(2026, 3, 28)
        )
        assert set(SupervisionItem.objects.filter(kind="remedy").values_list("state", flat=True)) == {"closed"}
        assert (
            SupervisionItem.objects.filter(kind="remedy").last().close_note
            == "逾期分期已付清或仍在宽限期内（自动办结）"
        )


def test_risk_level_on_a_case_page_goes_to_its_handler(client, case, reviewer, county_admin, clock):
    clock.now = at(D(2026, 3, 2))
    client.force_login(county_admin)
    response = client.post(reverse("disputes:risk", args=[case.pk]), {"level": "red", "reason": "百人欠薪"})
    assert response.status_code == 302
    item = SupervisionItem.objects.get()
    assert (item.kind, item.owner, item.case, item.due_at) == ("risk", reviewer, case, at(D(2026, 3, 3)))
    assert RiskAssessment.objects.get().case == case
    body = client.get(reverse("disputes:detail", args=[case.pk])).content.decode()
    assert 'data-testid="risk-current">红色<' in body
    officer = OfficerFactory(county=case.county)
    case.handlers.add(officer.user)
    client.force_login(officer.user)  # a handler who is an officer: refused
    assert client.post(reverse("disputes:risk", args=[case.pk]), {"level": "blue", "reason": "x"}).status_code == 403
    assert RiskAssessment.objects.count() == 1


def test_default_grace_days_are_seven(agreed, clock):
    clock.now = at(D(2026, 3, 20)) + timedelta(days=7)
    assert selectors.grace_days_of(agreed.county_id, clock.now.date()) == 7


def test_a_cases_risk_form_is_folded_and_fetched_when_opened(client, case, reviewer, county_admin):
    client.force_login(county_admin)
    url = reverse("disputes:risk", args=[case.pk])
    page = client.get(reverse("disputes:detail", args=[case.pk])).content.decode()
    assert 'data-testid="risk-form"' not in page and f'data-deferred-form="{url}?part=1"' in page
    part = client.get(url, {"part": "1"})
    assert part.status_code == 200
    body = part.content.decode()
    assert 'data-testid="risk-form"' in body and f'action="{url}"' in body and reviewer.get_full_name() in body
    # A refused POST shows the case's page with the form open and its error.
    refused = client.post(url, {"level": "red", "reason": ""})
    assert refused.status_code == 400
    assert 'data-testid="risk-form"' in refused.content.decode()
    assert refused.context["risk_form"].errors["reason"] == ["这个字段是必填项。"]
    assert RiskAssessment.objects.count() == 0
    officer = OfficerFactory(county=case.county)
    case.handlers.add(officer.user)
    client.force_login(officer.user)  # a handler who is an officer gets no form
    assert client.get(url, {"part": "1"}).status_code == 403
