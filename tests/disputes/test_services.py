import io
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from disputes import selectors, services
from disputes import services as dispute_services
from disputes.models import CaseCounter, DisputeCase, FollowUp, Outcome
from tests.factories import EnterpriseFactory, OfficerFactory, ReportFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def register(county, actor, enterprise, **kw):
    args = {"dispute_type": "wage_arrears", "workers_involved": 126, "enterprise": enterprise}
    return services.case_register(county=county, actor=actor, **(args | kw))


class TestNumbering:
    def test_numbers_per_county_and_year(self, county, other_county, reviewer, textile):
        first = register(county, reviewer, textile, registered_on=date(2025, 3, 1))
        second = register(county, reviewer, textile, registered_on=date(2025, 4, 1))
        next_year = register(county, reviewer, textile, registered_on=date(2026, 1, 2))
        elsewhere = register(other_county, None, EnterpriseFactory(county=other_county), registered_on=date(2025, 5, 1))
        assert [first.number, second.number, next_year.number, elsewhere.number] == [
            "320922-2025-0001",
            "320922-2025-0002",
            "320922-2026-0001",
            "320923-2025-0001",
        ]

    def test_a_failed_registration_never_frees_a_number(self, county, reviewer, textile):
        register(county, reviewer, textile, registered_on=date(2026, 3, 1))
        with pytest.raises(ValidationError):
            register(county, reviewer, textile, registered_on=date(2026, 3, 2), workers_involved=0)
        assert register(county, reviewer, textile, registered_on=date(2026, 3, 3)).number == "320922-2026-0002"


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_share_a_number(county, reviewer, textile):
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL 的行锁 (SELECT ... FOR UPDATE); set DATABASE_URL")
    CaseCounter.objects.create(county=county, year=2026)
    barrier = threading.Barrier(4)
    errors = []

    def go():
        try:
            barrier.wait()
            register(county, reviewer, textile, registered_on=date(2026, 6, 1))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(DisputeCase.objects.values_list("number", flat=True)) == [f"320922-2026-000{i}" for i in range(1, 5)]


class TestMoves:
    def test_the_whole_path(self, county, reviewer, textile):
        case = register(county, reviewer, textile, registered_on=TODAY - timedelta(days=10))
        for status in ("mediating", "succeeded", "closed"):
            case = services.case_move(case=case, to_status=status, actor=reviewer, on=TODAY)
        assert (case.status, case.mediation_result, case.result_on, case.closed_on) == (
            "closed",
            "success",
            TODAY,
            TODAY,
        )
        assert list(FollowUp.objects.values_list("action", flat=True)) == [
            "状态：登记 → 调解中",
            "状态：调解中 → 调解成功",
            "状态：调解成功 → 结案",
        ]

    def test_failed_then_transferred(self, county, reviewer, textile):
        case = register(county, reviewer, textile, registered_on=TODAY - timedelta(days=10))
        services.case_move(case=case, to_status="mediating", actor=reviewer)
        services.case_move(case=case, to_status="failed", actor=reviewer)
        with pytest.raises(ValidationError) as exc:
            services.case_move(case=case, to_status="transferred", actor=reviewer)
        assert exc.value.message_dict == {"transferred_to": ["请选择移交到哪个机构"]}
        case = services.case_move(case=case, to_status="transferred", actor=reviewer, transferred_to="arbitration")
        assert (case.status, case.mediation_result, case.transferred_to, case.transferred_on) == (
            "transferred",
            "failure",
            "arbitration",
            TODAY,
        )

    @pytest.mark.parametrize(
        ("path", "target", "message"),
        [
            ([], "succeeded", "不能从“登记”改为“调解成功”；可改为：调解中"),
            (["mediating"], "closed", "不能从“调解中”改为“结案”；可改为：调解失败、调解成功、移交"),
            (["mediating", "succeeded", "closed"], "mediating", "不能从“结案”改为“调解中”；案件已结案"),
        ],
    )
    def test_refused_moves(self, county, reviewer, textile, path, target, message):
        case = register(county, reviewer, textile, registered_on=TODAY - timedelta(days=3))
        for status in path:
            case = services.case_move(case=case, to_status=status, actor=reviewer)
        with pytest.raises(ValidationError) as exc:
            services.case_move(case=case, to_status=target, actor=reviewer)
        assert exc.value.message_dict == {"to_status": [message]}
        case.refresh_from_db()
        assert case.status == (path[-1] if path else "registered")

    def test_dates_are_checked(self, county, reviewer, textile):
        case = register(county, reviewer, textile, registered_on=TODAY - timedelta(days=3))
        with pytest.raises(ValidationError) as exc:
            services.case_move(case=case, to_status="mediating", actor=reviewer, on=TODAY + timedelta(days=1))
        assert exc.value.message_dict == {"on": ["日期不能晚于今天"]}
        with pytest.raises(ValidationError) as exc:
            services.case_move(case=case, to_status="mediating", actor=reviewer, on=TODAY - timedelta(days=4))
        assert exc.value.message_dict == {"on": ["日期不能早于登记日期"]}


class TestMoney:
    def test_instalments_add_up(self, county, reviewer, textile):
        case = register(county, reviewer, textile)
        services.outcome_add(case=case, actor=reviewer, kind="wages", amount=Decimal("500000"), received_on=TODAY)
        services.outcome_add(
            case=case, actor=reviewer, kind="wages", amount=Decimal("760000.50"), received_on=TODAY, note="第二期"
        )
        services.outcome_add(case=case, actor=reviewer, kind="compensation", amount=Decimal("12000"), received_on=TODAY)
        detail = selectors.case_detail(user=reviewer, pk=case.pk)
        assert (detail.wages, detail.compensation) == (Decimal("1260000.50"), Decimal("12000.00"))
        assert Outcome.objects.count() == 3

    @pytest.mark.parametrize(("amount", "field", "message"), [(Decimal("0"), "amount", "金额应大于 0")])
    def test_bad_amounts(self, county, reviewer, textile, amount, field, message):
        case = register(county, reviewer, textile)
        with pytest.raises(ValidationError) as exc:
            services.outcome_add(case=case, actor=reviewer, kind="wages", amount=amount, received_on=TODAY)
        assert exc.value.message_dict == {field: [message]}


class TestFromReport:
    def test_report_facts_carry_over(self, county, reviewer, officer, textile, township):
        report = ReportFactory(
            officer=officer,
            title="某纺织企业拖欠工资苗头",
            content="约126名员工未领到工资",
            category="wage_arrears",
            workers_involved=126,
            amount_involved=Decimal("1260000"),
            enterprise=textile,
            township=township,
        )
        case = services.case_from_report(report=report, actor=reviewer)
        assert (case.dispute_type, case.workers_involved, case.amount_claimed, case.enterprise, case.township) == (
            "wage_arrears",
            126,
            Decimal("1260000"),
            textile,
            township,
        )
        assert case.description == "某纺织企业拖欠工资苗头\n\n约126名员工未领到工资"
        assert list(case.reports.all()) == [report] and list(case.handlers.all()) == [reviewer]
        second = ReportFactory(officer=OfficerFactory(county=county), title="又一名职工反映")
        services.case_link_report(case=case, report=second, actor=reviewer)
        assert set(case.reports.all()) == {report, second}

    def test_typed_enterprise_becomes_a_registry_entry(self, county, reviewer, officer):
        report = ReportFactory(
            officer=officer, enterprise=None, enterprise_name="滨海某快递网点", workers_involved=None
        )
        case = services.case_from_report(report=report, actor=reviewer)
        assert (case.enterprise.name, case.enterprise.county, case.workers_involved) == ("滨海某快递网点", county, 1)

    def test_a_report_becomes_a_case_once(self, county, reviewer, officer, textile):
        report = ReportFactory(officer=officer, enterprise=textile)
        case = services.case_from_report(report=report, actor=reviewer)
        with pytest.raises(ValidationError) as exc:
            services.case_from_report(report=report, actor=reviewer)
        assert exc.value.messages == [f"该信息已登记为争议案件 {case.number}，不能重复登记"]
        assert DisputeCase.objects.count() == 1

    @pytest.mark.parametrize("status", ["draft", "withdrawn"])
    def test_a_draft_or_withdrawn_report_is_no_case(self, county, reviewer, officer, textile, status):
        report = ReportFactory(officer=officer, enterprise=textile, status=status)
        with pytest.raises(ValidationError) as exc:
            services.case_from_report(report=report, actor=reviewer)
        assert exc.value.messages == ["草稿或已撤回的信息不能登记为争议案件"]
        assert DisputeCase.objects.count() == 0

    def test_another_countys_report_cannot_be_linked(self, county, other_county, reviewer, textile):
        case = register(county, reviewer, textile)
        foreign = ReportFactory(officer=OfficerFactory(county=other_county))
        with pytest.raises(ValidationError) as exc:
            services.case_link_report(case=case, report=foreign, actor=reviewer)
        assert exc.value.messages == ["该信息不属于本县区，不能关联"]


def test_portal_numbers_skip_numbers_a_ledger_already_holds(county, tmp_path):
    year = timezone.localdate().year
    header = "案件编号,县区代码,登记日期,用人单位,争议类型,涉及人数,状态"
    path = tmp_path / "c.csv"
    path.write_text(f"{header}\n320922-{year}-0001,320922,{year}-01-01,某厂,欠薪,2,登记\n", encoding="utf-8")
    call_command("import_disputes", str(path), stdout=io.StringIO())
    case = dispute_services.case_register(
        county=county, actor=None, dispute_type="other", workers_involved=1, enterprise=EnterpriseFactory(county=county)
    )
    assert case.number == f"320922-{year}-0002"
