"""The mediation clock, 告知, extensions and instalments on the pages: staff act, an officer (even the
handler) and another county's staff are refused; the list sorts by days left; the staff home counts."""

from datetime import date, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from disputes import services
from disputes.models import DisputeCase, Instalment, MediationExtension
from tests.factories import EnterpriseFactory, OfficerFactory, ReportFactory, ReviewerFactory
from unionportal.core.clock import BEIJING

pytestmark = pytest.mark.django_db
D = date
TODAY = D(2026, 3, 20)


@pytest.fixture(autouse=True)
def frozen_clock():
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 3, 20, 10, tzinfo=BEIJING)):
        yield


def make_case(county, actor, enterprise, *, accepted_on=None, registered_on=None, status=None):
    case = services.case_register(
        county=county,
        actor=actor,
        dispute_type="wage_arrears",
        workers_involved=2,
        enterprise=enterprise,
        registered_on=registered_on or D(2026, 2, 1),
    )
    if accepted_on:
        case = services.case_move(case=case, to_status="mediating", actor=actor, on=accepted_on)
    if status:
        case = services.case_move(case=case, to_status=status, actor=actor, on=TODAY)
    return case


def url(name, case):
    return reverse(f"disputes:{name}", args=[case.pk])


class TestCaseList:
    def test_days_left_and_sort_by_deadline(self, client, county, reviewer, textile):
        late = make_case(county, reviewer, textile, accepted_on=D(2026, 3, 1))  # deadline 03-16: 4 days over
        soon = make_case(county, reviewer, textile, accepted_on=D(2026, 3, 8))  # deadline 03-23: 3 left
        later = make_case(county, reviewer, textile, accepted_on=D(2026, 3, 19))  # deadline 04-03: 14 left
        idle = make_case(county, reviewer, textile, registered_on=D(2026, 3, 19))  # not in mediation
        client.force_login(reviewer)
        page = client.get(reverse("disputes:list"), {"sort": "deadline"})
        assert [c.pk for c in page.context["cases"]] == [late.pk, soon.pk, later.pk, idle.pk]
        assert [c.days_left for c in page.context["cases"]] == [-4, 3, 14, None]
        body = page.content.decode()
        assert "调解期限 2026-03-16 · 已超期 4 天" in body
        assert "调解期限 2026-03-23 · 剩 3 天" in body
        default = client.get(reverse("disputes:list"))
        assert [c.pk for c in default.context["cases"]][0] == idle.pk  # newest registered first

    def test_untold_past_the_deadline_stands_out_and_filters(self, client, county, reviewer, textile):
        untold = make_case(county, reviewer, textile, accepted_on=D(2026, 3, 1))
        told = make_case(county, reviewer, textile, accepted_on=D(2026, 3, 1))
        services.case_tell_arbitration(case=told, actor=reviewer, told_on=D(2026, 3, 17), how="sms")
        running = make_case(county, reviewer, textile, accepted_on=D(2026, 3, 10))
        client.force_login(reviewer)
        page = client.get(reverse("disputes:list"))
        flagged = [c.pk for c in page.context["cases"] if c.untold_overdue]
        assert flagged == [untold.pk]
        assert page.content.decode().count("调解期满未告知劳动者可申请仲裁") == 1
        filtered = client.get(reverse("disputes:list"), {"untold": "1"})
        assert [c.pk for c in filtered.context["cases"]] == [untold.pk]
        assert running.pk not in flagged

    def test_staff_home_counts_untold_cases_of_its_county(self, client, county, other_county, reviewer, textile):
        make_case(county, reviewer, textile, accepted_on=D(2026, 3, 1))
        make_case(county, reviewer, textile, accepted_on=D(2026, 3, 1), status="failed")
        elsewhere = ReviewerFactory(county=other_county)
        make_case(other_county, elsewhere, EnterpriseFactory(county=other_county), accepted_on=D(2026, 3, 1))
        client.force_login(reviewer)
        page = client.get(reverse("home"))
        assert page.context["untold_cases"] == 2
        assert f'href="{reverse("disputes:list")}?untold=1"' in page.content.decode()
        client.force_login(elsewhere)
        assert client.get(reverse("home")).context["untold_cases"] == 1


class TestTellAndExtend:
    def test_staff_record_telling_and_extension(self, client, county, reviewer, textile):
        case = make_case(county, reviewer, textile, accepted_on=D(2026, 3, 10))
        client.force_login(reviewer)
        response = client.post(url("tell", case), {"told_on": "2026-03-18", "how": "oral"})
        assert response.status_code == 302
        response = client.post(
            url("extend", case), {"agreed_on": "2026-03-20", "new_deadline": "2026-04-10", "reason": "双方同意再协商"}
        )
        assert response.status_code == 302
        case.refresh_from_db()
        assert (case.arbitration_told_on, case.arbitration_told_how, case.mediation_deadline) == (
            D(2026, 3, 18),
            "oral",
            D(2026, 4, 10),
        )
        body = client.get(url("detail", case)).content.decode()
        assert "2026-03-25 → 2026-04-10，双方同意再协商" in body  # the extension's history
        assert "经双方同意延长调解期限：2026-03-25 → 2026-04-10。双方同意再协商" in body  # the timeline

    def test_refusals_are_shown_on_the_case_page(self, client, county, reviewer, textile):
        case = make_case(county, reviewer, textile, accepted_on=D(2026, 3, 10))
        client.force_login(reviewer)
        bad = client.post(url("extend", case), {"agreed_on": "2026-03-20", "new_deadline": "2026-03-24", "reason": "x"})
        assert bad.status_code == 400
        assert bad.context["extend_form"].errors["new_deadline"] == ["延长后的期限须晚于当前期限 2026-03-25"]
        bad = client.post(url("tell", case), {"told_on": "2026-03-21", "how": "oral"})
        assert bad.context["tell_form"].errors["told_on"] == ["告知日期不能晚于今天"]
        assert MediationExtension.objects.count() == 0
        assert DisputeCase.objects.get().arbitration_told_on is None

    @pytest.mark.parametrize("who", ["handler_officer", "other_county_staff"])
    def test_others_are_refused(self, client, county, other_county, reviewer, textile, who):
        case = make_case(county, reviewer, textile, accepted_on=D(2026, 3, 10))
        if who == "handler_officer":
            user = OfficerFactory(county=county).user
            case.handlers.add(user)
            expected = 403
        else:
            user = ReviewerFactory(county=other_county)
            expected = 404
        client.force_login(user)
        assert client.post(url("tell", case), {"told_on": "2026-03-18", "how": "oral"}).status_code == expected
        extend = {"agreed_on": "2026-03-20", "new_deadline": "2026-04-10", "reason": "协商"}
        assert client.post(url("extend", case), extend).status_code == expected
        schedule = {"schedule": "2026-04-01 1000"}
        assert client.post(url("instalments", case), schedule).status_code == expected
        case.refresh_from_db()
        assert (case.arbitration_told_on, case.mediation_deadline) == (None, D(2026, 3, 25))
        assert (MediationExtension.objects.count(), Instalment.objects.count()) == (0, 0)


class TestInstalments:
    def test_schedule_matched_to_payments_flags_payment_order(self, client, county, reviewer, textile):
        case = make_case(county, reviewer, textile, accepted_on=D(2026, 2, 1), status="succeeded")
        client.force_login(reviewer)
        response = client.post(
            url("instalments", case), {"schedule": "2026-03-01 3000\n2026-03-13 2000\n2026-04-30 5000"}
        )
        assert response.status_code == 302
        assert list(Instalment.objects.values_list("due_on", "amount")) == [
            (D(2026, 3, 1), Decimal("3000.00")),
            (D(2026, 3, 13), Decimal("2000.00")),
            (D(2026, 4, 30), Decimal("5000.00")),
        ]
        services.outcome_add(case=case, actor=reviewer, kind="wages", amount=Decimal("3500"), received_on=D(2026, 3, 1))
        voided = services.outcome_add(
            case=case, actor=reviewer, kind="wages", amount=Decimal("1500"), received_on=D(2026, 3, 12)
        )
        services.outcome_void(outcome=voided, actor=reviewer, reason="录错")
        page = client.get(url("detail", case))
        agreement = page.context["agreement"]
        assert [s.state for s in agreement["states"]] == ["paid", "overdue", "not_due"]
        assert (agreement["paid"], agreement["due"], agreement["overdue"]) == (
            Decimal("3500.00"),
            Decimal("1500.00"),
            Decimal("1500.00"),
        )
        assert agreement["payment_order"] is True  # 2026-03-13 unpaid 7 days on
        body = page.content.decode()
        assert "可申请支付令：有一期逾期 7 天以上未付清" in body
        assert "逾期 7 天" in body
        stats = client.get(reverse("disputes:stats"), {"start": "2026-01-01", "end": "2026-12-31"})
        assert stats.context["agreements"] == {"kept": 0, "late": 0, "broken": 1, "running": 0}

    def test_a_bad_schedule_writes_nothing(self, client, county, reviewer, textile):
        case = make_case(county, reviewer, textile, accepted_on=D(2026, 2, 1), status="succeeded")
        client.force_login(reviewer)
        bad = client.post(url("instalments", case), {"schedule": "2026-03-01 3000\n下月 2000"})
        assert bad.status_code == 400
        assert bad.context["instalments_form"].errors["schedule"] == [
            "第 2 行格式不对，应为“日期 金额”，如 2026-03-01 3000"
        ]
        bad = client.post(url("instalments", case), {"schedule": "2026-03-01 3000\n2026-03-01 100"})
        assert bad.context["instalments_form"].errors["schedule"] == ["同一天只能有一期"]
        bad = client.post(url("instalments", case), {"schedule": "2026-03-01 -5"})
        assert bad.context["instalments_form"].errors["schedule"] == ["第 1 行的金额须大于 0，最多保留 2 位小数"]
        assert Instalment.objects.count() == 0

    def test_only_a_successful_mediation_has_a_schedule(self, client, county, reviewer, textile):
        case = make_case(county, reviewer, textile, accepted_on=D(2026, 3, 10))
        client.force_login(reviewer)
        bad = client.post(url("instalments", case), {"schedule": "2026-04-01 1000"})
        assert bad.status_code == 400
        # The form is not offered on the page of a case still in mediation; a forged post is refused.
        assert bad.context["instalments_form"].non_field_errors() == ["只有调解成功的案件可以登记协议分期"]
        assert Instalment.objects.count() == 0

    def test_stats_count_kept_and_late(self, client, county, reviewer, textile):
        kept = make_case(county, reviewer, textile, accepted_on=D(2026, 2, 1), status="succeeded")
        services.instalments_set(case=kept, actor=reviewer, schedule=[(D(2026, 3, 1), Decimal("1000"))])
        services.outcome_add(case=kept, actor=reviewer, kind="wages", amount=Decimal("1000"), received_on=D(2026, 3, 1))
        late = make_case(county, reviewer, textile, accepted_on=D(2026, 2, 1), status="succeeded")
        services.instalments_set(case=late, actor=reviewer, schedule=[(D(2026, 3, 1), Decimal("1000"))])
        services.outcome_add(case=late, actor=reviewer, kind="wages", amount=Decimal("1000"), received_on=D(2026, 3, 4))
        make_case(county, reviewer, textile, accepted_on=D(2026, 2, 1), status="succeeded")  # no schedule
        client.force_login(reviewer)
        stats = client.get(reverse("disputes:stats"), {"start": "2026-01-01", "end": "2026-12-31"})
        assert stats.context["agreements"] == {"kept": 1, "late": 1, "broken": 0, "running": 0}
        assert 'data-testid="agr-kept">1<' in stats.content.decode()
        client.force_login(OfficerFactory(county=county).user)
        assert client.get(reverse("disputes:stats")).status_code == 403


def test_an_officer_who_only_reported_sees_no_extension_reasons(client, county, reviewer, textile, officer):
    report = ReportFactory(officer=officer, enterprise=textile, category="wage_arrears")
    case = services.case_from_report(report=report, actor=reviewer, registered_on=D(2026, 3, 1))
    services.case_move(case=case, to_status="mediating", actor=reviewer, on=D(2026, 3, 1))
    services.mediation_extend(
        case=case, actor=reviewer, agreed_on=D(2026, 3, 15), new_deadline=D(2026, 4, 1), reason="双方私下协商中"
    )
    client.force_login(officer.user)
    page = client.get(url("detail", case))
    assert page.status_code == 200
    body = page.content.decode()
    assert "2026-04-01" in body  # the deadline, as progress
    assert "双方私下协商中" not in body  # the case file stays with staff and handlers
