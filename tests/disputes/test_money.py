"""Money recovered: an amount above the claim is confirmed with a reason; a payment is corrected or
voided with a reason, kept as history, and every figure follows."""

import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from disputes import rules, selectors, services
from disputes.models import DisputeCase, FollowUp, Outcome, OutcomeCorrection
from tests.factories import AdminFactory, OfficerFactory, ReviewerFactory
from unionportal.core.models import AuditEntry

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
ASK = "请核对金额；确认无误请勾选“确认金额无误”并写明原因"


@pytest.fixture
def case(county, reviewer, textile):
    return services.case_register(
        county=county,
        actor=reviewer,
        dispute_type="wage_arrears",
        workers_involved=40,
        enterprise=textile,
        amount_claimed=Decimal("320000"),
        registered_on=TODAY - timedelta(days=10),
    )


def pay(case, actor, amount, **kwargs):
    return services.outcome_add(
        case=case, actor=actor, kind="wages", amount=Decimal(amount), received_on=TODAY, **kwargs
    )


def figures(county):
    return selectors.dispute_figures(
        cases=DisputeCase.objects.filter(county=county), start=TODAY - timedelta(days=30), end=TODAY
    )


def stats_json(county):
    out = io.StringIO()
    start, end = (TODAY - timedelta(days=30)).isoformat(), TODAY.isoformat()
    call_command("dispute_stats", "--county", county.code, "--from", start, "--to", end, stdout=out)
    return json.loads(out.getvalue())


class TestConfirmation:
    def test_an_amount_above_the_claim_needs_confirmation_and_a_reason(self, case, reviewer):
        with pytest.raises(ValidationError) as exc:
            pay(case, reviewer, "999999999999")
        question = f"金额 999,999,999,999.00 元超过本案诉求金额 320,000.00 元。{ASK}"
        assert exc.value.message_dict == {"confirm": [question]}
        assert exc.value.error_dict["confirm"][0].code == "needs_confirmation"
        with pytest.raises(ValidationError) as exc:
            pay(case, reviewer, "999999999999", confirmed=True, confirm_reason="  ")
        assert exc.value.message_dict == {"confirm_reason": ["请写明金额超出的原因"]}
        assert Outcome.objects.count() == 0 and AuditEntry.objects.filter(action="change_case").count() == 0

        outcome = pay(case, reviewer, "330000", confirmed=True, confirm_reason="含加班费，职工另行主张")
        assert outcome.over_limit_reason == "含加班费，职工另行主张"
        assert (
            case.follow_ups.last().action == "登记清理欠薪 330000.00 元；超出诉求金额，确认原因：含加班费，职工另行主张"
        )
        audit = AuditEntry.objects.get(action="change_case")
        assert (audit.actor, audit.county_id, audit.target) == (
            reviewer,
            case.county_id,
            f"{case.number} {case.follow_ups.last().action}",
        )

    def test_within_the_claim_nothing_is_asked_nor_audited(self, case, reviewer):
        pay(case, reviewer, "320000")
        assert Outcome.objects.get().over_limit_reason == ""
        assert AuditEntry.objects.filter(action="change_case").count() == 0

    def test_without_a_claim_the_ceiling_applies(self, county, reviewer, textile):
        case = services.case_register(
            county=county, actor=reviewer, dispute_type="other", workers_involved=2, enterprise=textile
        )
        pay(case, reviewer, "10000000")
        with pytest.raises(ValidationError) as exc:
            pay(case, reviewer, "10000000.01")
        assert exc.value.messages == [f"金额 10,000,000.01 元超过 10,000,000.00 元（本案未填写诉求金额）。{ASK}"]
        assert rules.MONEY_CEILING == Decimal("10000000.00")


class TestCorrectAndVoid:
    def test_a_correction_keeps_the_old_amount_and_every_figure_follows(self, case, reviewer, county):
        outcome = pay(case, reviewer, "3200")
        other = pay(case, reviewer, "1000")
        assert figures(county)["wages_recovered"] == Decimal("4200.00")
        services.outcome_correct(outcome=outcome, actor=reviewer, amount=Decimal("320000"), reason="少输了两个零")
        outcome.refresh_from_db()
        assert outcome.amount == Decimal("320000.00")
        assert list(OutcomeCorrection.objects.values_list("old_amount", "new_amount", "reason", "corrected_by")) == [
            (Decimal("3200.00"), Decimal("320000.00"), "少输了两个零", reviewer.pk)
        ]
        text = f"更正清理欠薪（{TODAY:%Y-%m-%d}）：3200.00 元 → 320000.00 元。原因：少输了两个零"
        assert case.follow_ups.last().action == text
        assert AuditEntry.objects.get(action="change_case").target == f"{case.number} {text}"
        assert figures(county)["wages_recovered"] == Decimal("321000.00")
        assert stats_json(county)["wages_recovered"] == 321000.0
        assert selectors.case_detail(user=reviewer, pk=case.pk).wages == Decimal("321000.00")

        services.outcome_void(outcome=other, actor=reviewer, reason="重复登记")
        other.refresh_from_db()
        assert (other.is_voided, other.voided_by, other.void_reason, other.amount) == (
            True,
            reviewer,
            "重复登记",
            Decimal("1000.00"),
        )
        assert case.follow_ups.last().action == f"作废清理欠薪（{TODAY:%Y-%m-%d}）1000.00 元。原因：重复登记"
        assert AuditEntry.objects.filter(action="change_case").count() == 2
        assert Outcome.objects.count() == 2  # kept, as history
        assert figures(county)["wages_recovered"] == Decimal("320000.00")
        assert stats_json(county)["wages_recovered"] == 320000.0
        assert selectors.case_detail(user=reviewer, pk=case.pk).wages == Decimal("320000.00")

    def test_reasons_and_amounts_are_checked(self, case, reviewer):
        outcome = pay(case, reviewer, "3200")
        cases = [
            (dict(amount=Decimal("3300"), reason=" "), {"reason": ["请写明更正原因"]}),
            (dict(amount=Decimal("0"), reason="错"), {"amount": ["金额应大于 0；整笔登记错误请作废"]}),
            (dict(amount=Decimal("3200.00"), reason="错"), {"amount": ["金额与原金额相同，无需更正"]}),
            (
                dict(amount=Decimal("320000.01"), reason="错"),
                {"confirm": [f"金额 320,000.01 元超过本案诉求金额 320,000.00 元。{ASK}"]},
            ),
        ]
        for kwargs, expected in cases:
            with pytest.raises(ValidationError) as exc:
                services.outcome_correct(outcome=outcome, actor=reviewer, **kwargs)
            assert exc.value.message_dict == expected, kwargs
        with pytest.raises(ValidationError) as exc:
            services.outcome_correct(
                outcome=outcome, actor=reviewer, amount=Decimal("3300"), reason="改", seen_amount=Decimal("3100")
            )
        assert exc.value.messages == ["该笔金额刚被他人更正过，请查看最新金额后再操作"]
        with pytest.raises(ValidationError) as exc:
            services.outcome_void(outcome=outcome, actor=reviewer, reason="")
        assert exc.value.message_dict == {"reason": ["请写明作废原因"]}
        assert OutcomeCorrection.objects.count() == 0 and not Outcome.objects.get().is_voided
        # The correction's own reason confirms an amount above the claim.
        services.outcome_correct(
            outcome=outcome, actor=reviewer, amount=Decimal("330000"), reason="含赔偿金", confirmed=True
        )
        services.outcome_void(outcome=outcome, actor=reviewer, reason="登记错案件")
        for call in (
            lambda: services.outcome_void(outcome=outcome, actor=reviewer, reason="再作废"),
            lambda: services.outcome_correct(outcome=outcome, actor=reviewer, amount=Decimal("1"), reason="改"),
        ):
            with pytest.raises(ValidationError) as exc:
                call()
            assert exc.value.messages[0] in ("该笔金额已作废", "该笔金额已作废，不能更正")
        assert Outcome.objects.get().void_reason == "登记错案件"

    def test_the_database_keeps_the_rules(self, case, reviewer):
        outcome = pay(case, reviewer, "3200")
        with pytest.raises(IntegrityError), transaction.atomic():
            Outcome.objects.filter(pk=outcome.pk).update(voided_at=timezone.now())  # no reason
        for bad in (
            dict(old_amount=Decimal("1"), new_amount=Decimal("1"), reason="同"),
            dict(old_amount=Decimal("1"), new_amount=Decimal("0"), reason="零"),
            dict(old_amount=Decimal("1"), new_amount=Decimal("2"), reason=""),
        ):
            with pytest.raises(IntegrityError), transaction.atomic():
                OutcomeCorrection.objects.create(outcome=outcome, corrected_by=reviewer, **bad)


class TestPages:
    def test_staff_are_asked_to_confirm_an_amount_above_the_claim(self, client, case, reviewer):
        client.force_login(reviewer)
        url = reverse("disputes:outcome", args=[case.pk])
        fields = {"kind": "wages", "amount": "999999999999", "received_on": TODAY.isoformat()}
        response = client.post(url, fields)
        assert response.status_code == 400
        form = response.context["outcome_form"]
        assert form.errors["confirm"] == [f"金额 999,999,999,999.00 元超过本案诉求金额 320,000.00 元。{ASK}"]
        body = response.content.decode()
        assert "确认金额无误" in body and 'name="confirm_reason"' in body
        assert 'type="hidden" name="confirming" value="1"' in body  # asked once, kept when sent again
        assert Outcome.objects.count() == 0
        response = client.post(url, fields | {"confirming": "1", "confirm": "on"})
        assert response.context["outcome_form"].errors["confirm_reason"] == ["请写明金额超出的原因"]
        response = client.post(url, fields | {"confirming": "1", "confirm": "on", "confirm_reason": "法院判决含利息"})
        assert response.status_code == 302
        assert Outcome.objects.get().over_limit_reason == "法院判决含利息"
        page = client.get(reverse("disputes:detail", args=[case.pk])).content.decode()
        assert "金额超出诉求或应付金额，确认原因：法院判决含利息" in page

    def test_staff_correct_and_void_a_payment_and_the_pages_follow(self, client, case, reviewer, county):
        first, second = pay(case, reviewer, "3200"), pay(case, reviewer, "5000")
        client.force_login(reviewer)
        detail = reverse("disputes:detail", args=[case.pk])
        correct = reverse("disputes:outcome_correct", args=[case.pk, first.pk])
        void = reverse("disputes:outcome_void", args=[case.pk, second.pk])
        page = client.get(detail).content.decode()
        assert correct in page and void in page
        form = client.get(correct).context["form"]
        assert form.initial == {"amount": Decimal("3200.00"), "seen_amount": Decimal("3200.00")}
        response = client.post(correct, {"amount": "32000", "seen_amount": "3200.00"})
        assert response.status_code == 400 and response.context["form"].errors["reason"] == ["请写明更正原因"]
        response = client.post(
            correct, {"amount": "32000", "seen_amount": "3200.00", "reason": "少输一个零"}, follow=True
        )
        assert "金额已更正，已记入跟进记录" in response.content.decode()
        # A second tab still showing 3200: refused, not applied twice.
        response = client.post(correct, {"amount": "32001", "seen_amount": "3200.00", "reason": "再改"})
        assert response.context["form"].non_field_errors() == ["该笔金额刚被他人更正过，请查看最新金额后再操作"]
        response = client.post(void, {"reason": "重复登记"}, follow=True)
        assert "该笔金额已作废，已记入跟进记录" in response.content.decode()
        assert client.get(void).status_code == 302  # nothing left to void
        page = client.get(detail)
        assert page.context["case"].wages == Decimal("32000.00")
        body = page.content.decode()
        assert "已作废" in body and "重复登记" in body and "更正：3,200.00 元 → 32,000.00 元，少输一个零" in body
        stats = client.get(
            reverse("disputes:stats"), {"start": (TODAY - timedelta(days=30)).isoformat(), "end": TODAY.isoformat()}
        )
        assert 'data-testid="fig-wages">32,000.00<' in stats.content.decode()
        client.force_login(AdminFactory(county=county))
        dashboard = client.get(reverse("dashboard"), {"year": TODAY.year})
        assert dashboard.context["d"]["disputes"]["wages_recovered"] == Decimal("32000.00")

    def test_officers_and_other_counties_are_refused(self, client, case, reviewer, county, other_county, textile):
        outcome = pay(case, reviewer, "3200")
        handler = OfficerFactory(county=county)
        case.handlers.add(handler.user)
        urls = [
            reverse("disputes:outcome_correct", args=[case.pk, outcome.pk]),
            reverse("disputes:outcome_void", args=[case.pk, outcome.pk]),
        ]
        client.force_login(handler.user)  # a handler reads the case; money is staff's to change
        assert client.get(reverse("disputes:detail", args=[case.pk])).status_code == 200
        for url in urls:
            assert client.get(url).status_code == 403
            assert client.post(url, {"amount": "1", "reason": "改"}).status_code == 403
        assert client.post(reverse("disputes:outcome", args=[case.pk]), {"kind": "wages"}).status_code == 403
        client.force_login(ReviewerFactory(county=other_county))
        for url in urls:
            assert client.get(url).status_code == 404
            assert client.post(url, {"amount": "1", "reason": "改"}).status_code == 404
        # A payment of another case, through this case's address: not found.
        other_case = services.case_register(
            county=county, actor=reviewer, dispute_type="other", workers_involved=1, enterprise=textile
        )
        client.force_login(reviewer)
        stray = reverse("disputes:outcome_void", args=[other_case.pk, outcome.pk])
        assert client.post(stray, {"reason": "改"}).status_code == 404
        outcome.refresh_from_db()
        assert (outcome.amount, outcome.is_voided, FollowUp.objects.filter(action__startswith="作废").count()) == (
            Decimal("3200.00"),
            False,
            0,
        )
