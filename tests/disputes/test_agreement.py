"""The mediation agreement: recorded on a successful case, confirmed by a court, written as DOCX in
the county's wording (the parties, terms and schedule as recorded); staff only, scoped, audited. A
payment above what remains due on the schedule asks for confirmation."""

import io
from datetime import date, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from disputes import services
from disputes.models import Agreement, AgreementTemplate, Outcome
from tests.factories import AdminFactory, OfficerFactory, ReviewerFactory
from unionportal.core.clock import BEIJING
from unionportal.core.models import AuditEntry

pytestmark = pytest.mark.django_db
D = date
TODAY = D(2026, 3, 20)
ASK = "请核对金额；确认无误请勾选“确认金额无误”并写明原因"
TERMS = "用人单位于协议约定期限内向劳动者支付拖欠工资及经济补偿；\n双方劳动关系于2026年3月18日解除。"


@pytest.fixture(autouse=True)
def frozen_clock():
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 3, 20, 10, tzinfo=BEIJING)):
        yield


@pytest.fixture
def case(county, reviewer, textile):
    case = services.case_register(
        county=county,
        actor=reviewer,
        dispute_type="wage_arrears",
        workers_involved=12,
        enterprise=textile,
        amount_claimed=Decimal("100000"),
        registered_on=D(2026, 3, 1),
    )
    case = services.case_move(case=case, to_status="mediating", actor=reviewer, on=D(2026, 3, 2))
    return services.case_move(case=case, to_status="succeeded", actor=reviewer, on=D(2026, 3, 18))


@pytest.fixture
def agreed(case, reviewer):
    services.instalments_set(
        case=case,
        actor=reviewer,
        schedule=[(D(2026, 3, 1), Decimal("30000")), (D(2026, 4, 30), Decimal("20000.50"))],
    )
    services.agreement_record(
        case=case,
        actor=reviewer,
        workers="王建国等 12 人（代表：王建国）",
        terms=TERMS,
        amount=Decimal("50000.50"),
        signed_on=D(2026, 3, 18),
    )
    return case


def url(name, case):
    return reverse(f"disputes:{name}", args=[case.pk])


def docx_of(content: bytes):
    doc = Document(io.BytesIO(content))
    return [p.text for p in doc.paragraphs], [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


class TestServices:
    def test_only_a_successful_case_records_an_agreement(self, county, reviewer, textile):
        open_case = services.case_register(
            county=county, actor=reviewer, dispute_type="other", workers_involved=1, enterprise=textile
        )
        with pytest.raises(ValidationError) as exc:
            services.agreement_record(
                case=open_case, actor=reviewer, workers="王某", terms="支付", amount=1, signed_on=TODAY
            )
        assert exc.value.messages == ["只有调解成功的案件可以登记调解协议"]
        assert not Agreement.objects.exists()

    def test_record_and_correct(self, agreed, reviewer):
        agreement = Agreement.objects.get(case=agreed)
        assert (agreement.workers, agreement.terms, agreement.amount) == (
            "王建国等 12 人（代表：王建国）",
            TERMS,
            Decimal("50000.50"),
        )
        with pytest.raises(ValidationError) as exc:
            services.agreement_record(
                case=agreed, actor=reviewer, workers="王某", terms="支付", amount=1, signed_on=D(2026, 3, 21)
            )
        assert exc.value.message_dict == {"signed_on": ["签订日期不能晚于今天"]}
        services.agreement_record(
            case=agreed, actor=reviewer, workers="王建国", terms="改后的条款", amount=Decimal("1"), signed_on=TODAY
        )
        assert Agreement.objects.get(case=agreed).terms == "改后的条款"
        actions = [f.action for f in agreed.follow_ups.all()]
        assert "登记调解协议：协议金额 50,000.50 元，签订日期 2026-03-18" in actions
        assert "更正调解协议：协议金额 1.00 元，签订日期 2026-03-20" in actions

    def test_court_confirmation(self, case, agreed, reviewer):
        with pytest.raises(ValidationError) as exc:
            services.court_confirmation_record(
                case=agreed, actor=reviewer, court="滨海县人民法院", applied_on=D(2026, 3, 19), confirmed_on=TODAY
            )
        assert exc.value.message_dict == {"court_case_number": ["已确认的，请填写法院案号"]}
        with pytest.raises(ValidationError) as exc:
            services.court_confirmation_record(
                case=agreed,
                actor=reviewer,
                court="滨海县人民法院",
                applied_on=D(2026, 3, 19),
                confirmed_on=D(2026, 3, 18),
                court_case_number="（2026）苏0922民特1号",
            )
        assert exc.value.message_dict == {"confirmed_on": ["确认日期不能早于申请日期"]}
        assert Agreement.objects.get(case=agreed).court_applied_on is None  # refused: nothing written
        services.court_confirmation_record(
            case=agreed,
            actor=reviewer,
            court="滨海县人民法院",
            applied_on=D(2026, 3, 19),
            confirmed_on=TODAY,
            court_case_number="（2026）苏0922民特1号",
        )
        agreement = Agreement.objects.get(case=agreed)
        assert agreement.court_confirmed and agreement.court_case_number == "（2026）苏0922民特1号"
        assert agreed.follow_ups.last().action == (
            "向滨海县人民法院申请司法确认（2026-03-19）；2026-03-20 经法院确认有效，案号 （2026）苏0922民特1号"
        )

    def test_court_confirmation_needs_an_agreement(self, case, reviewer):
        with pytest.raises(ValidationError) as exc:
            services.court_confirmation_record(case=case, actor=reviewer, court="法院", applied_on=TODAY)
        assert exc.value.messages == ["请先登记调解协议，再登记司法确认"]

    def test_a_template_with_an_unknown_placeholder_is_refused(self, county, county_admin):
        with pytest.raises(ValidationError) as exc:
            services.agreement_template_save(county=county, actor=county_admin, text="甲方：{{甲方}}")
        assert exc.value.message_dict == {"text": ["模板中有无法识别的占位符：{{甲方}}"]}
        assert not AgreementTemplate.objects.exists()


class TestDocx:
    def test_the_default_template_carries_the_agreement_as_recorded(self, agreed, textile):
        paragraphs, tables = docx_of(services.agreement_document(case=agreed))
        assert paragraphs[0] == "滨海县总工会劳动争议调解委员会"
        assert paragraphs[1] == "劳动争议调解协议书"
        assert f"案件编号：{agreed.number}" in paragraphs
        assert "劳动者（劳动者代表）：王建国等 12 人（代表：王建国）" in paragraphs
        assert "用人单位：滨海华强纺织有限公司" in paragraphs
        assert f"统一社会信用代码：{textile.credit_code}" in paragraphs
        assert "一、用人单位于协议约定期限内向劳动者支付拖欠工资及经济补偿；" in paragraphs
        assert "双方劳动关系于2026年3月18日解除。" in paragraphs
        assert "二、用人单位应向劳动者支付款项共计人民币50,000.50元，按以下期限支付：" in paragraphs
        assert paragraphs[-1] == "2026年3月18日"
        assert tables == [
            [
                ["期次", "应付日期", "金额（元）"],
                ["第1期", "2026年3月1日", "30,000.00"],
                ["第2期", "2026年4月30日", "20,000.50"],
            ]
        ]
        assert not any("{{" in p for p in paragraphs)

    def test_the_county_template_and_control_characters(self, agreed, county, county_admin, reviewer):
        services.agreement_template_save(
            county=county,
            actor=county_admin,
            text="调解协议书\n甲方{{劳动者}}，乙方{{用人单位}}\n分期：{{分期付款}}\n{{协议条款}}",
        )
        agreed.enterprise.name = "华强\x07纺织"  # stored text may carry what Word's XML cannot
        paragraphs, tables = docx_of(services.agreement_document(case=agreed))
        assert paragraphs == [
            "调解协议书",
            "甲方王建国等 12 人（代表：王建国），乙方华强纺织",
            "分期：第1期：2026年3月1日前支付人民币30,000.00元",
            "第2期：2026年4月30日前支付人民币20,000.50元",
            *TERMS.split("\n"),
        ]
        assert tables == []

    def test_fonts(self, agreed):
        doc = Document(io.BytesIO(services.agreement_document(case=agreed)))
        title, body = doc.paragraphs[1].runs[0], doc.paragraphs[2].runs[0]
        ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        assert title._element.rPr.rFonts.get(ns) == "SimSun" and title.bold
        assert body._element.rPr.rFonts.get(ns) == "FangSong"


class TestPages:
    def test_staff_record_confirm_and_download(self, client, case, reviewer, textile):
        client.force_login(reviewer)
        response = client.post(url("agreement", case), {"workers": "", "terms": "x", "amount": "1", "signed_on": ""})
        assert response.status_code == 400 and not Agreement.objects.exists()
        assert client.get(url("agreement_docx", case)).status_code == 302  # nothing to write yet
        fields = {"workers": "王建国", "terms": TERMS, "amount": "50000.50", "signed_on": "2026-03-18"}
        assert client.post(url("agreement", case), fields).status_code == 302
        response = client.get(url("agreement_docx", case))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
        paragraphs, _ = docx_of(response.content)
        assert "劳动者（劳动者代表）：王建国" in paragraphs
        entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
        assert (entry.actor, entry.target) == (reviewer, f"{case.number} 调解协议书")
        confirm = {
            "court": "滨海县人民法院",
            "applied_on": "2026-03-19",
            "confirmed_on": "2026-03-20",
            "court_case_number": "（2026）苏0922民特1号",
        }
        assert client.post(url("court_confirm", case), confirm).status_code == 302
        body = client.get(url("detail", case)).content.decode()
        assert 'data-testid="court-confirmed">已司法确认<' in body
        assert "滨海县人民法院，2026-03-19 申请，2026-03-20 确认，案号 （2026）苏0922民特1号" in body
        listing = client.get(reverse("disputes:list"))
        assert [c.court_confirmed for c in listing.context["cases"]] == [True]
        assert 'data-testid="court-confirmed">已司法确认<' in listing.content.decode()

    def test_after_court_confirmation_an_overdue_instalment_means_enforcement(self, client, agreed, reviewer):
        client.force_login(reviewer)
        page = client.get(url("detail", agreed))  # 2026-03-01 unpaid, 19 days on
        assert page.context["agreement"]["remedy_label"] == "可申请支付令"
        assert "可申请支付令：有一期逾期 7 天以上未付清" in page.content.decode()
        services.court_confirmation_record(
            case=agreed,
            actor=reviewer,
            court="滨海县人民法院",
            applied_on=D(2026, 3, 19),
            confirmed_on=TODAY,
            court_case_number="（2026）苏0922民特1号",
        )
        body = client.get(url("detail", agreed)).content.decode()
        assert "可申请强制执行：有一期逾期 7 天以上未付清" in body and "可申请支付令" not in body

    def test_officers_and_other_counties_are_refused(self, client, agreed, county, other_county):
        handler = OfficerFactory(county=county)
        agreed.handlers.add(handler.user)
        posts = {
            url("agreement", agreed): {"workers": "某", "terms": "改", "amount": "1", "signed_on": "2026-03-18"},
            url("court_confirm", agreed): {"court": "某法院", "applied_on": "2026-03-19"},
        }
        client.force_login(handler.user)
        assert client.get(url("agreement_docx", agreed)).status_code == 403
        for address, data in posts.items():
            assert client.post(address, data).status_code == 403
        client.force_login(ReviewerFactory(county=other_county))
        assert client.get(url("agreement_docx", agreed)).status_code == 404
        for address, data in posts.items():
            assert client.post(address, data).status_code == 404
        agreement = Agreement.objects.get(case=agreed)
        assert agreement.workers.startswith("王建国") and agreement.court == ""
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


class TestTemplatePage:
    def test_the_admin_edits_the_county_template(self, client, county, county_admin, other_county):
        client.force_login(county_admin)
        address = reverse("disputes:agreement_template")
        page = client.get(address)
        assert page.status_code == 200 and page.context["form"].initial["text"].startswith("{{调解组织}}")
        response = client.post(address, {"text": "协议书 {{甲方}}"})
        assert response.status_code == 400
        assert response.context["form"].errors["text"] == ["模板中有无法识别的占位符：{{甲方}}"]
        assert not AgreementTemplate.objects.exists()
        assert client.post(address, {"text": "调解协议书\r\n{{劳动者}}"}).status_code == 302
        assert AgreementTemplate.objects.get(county=county).text == "调解协议书\n{{劳动者}}"
        entry = AuditEntry.objects.get(action="change_template")  # the refused save wrote none
        assert (entry.actor, entry.county, entry.target) == (county_admin, county, "调解协议书模板")
        client.force_login(AdminFactory(county=other_county))  # another county: its own, the default
        assert client.get(address).context["form"].initial["text"].startswith("{{调解组织}}")

    def test_staff_and_officers_are_refused(self, client, reviewer, officer):
        address = reverse("disputes:agreement_template")
        for user in (reviewer, officer.user):
            client.force_login(user)
            assert client.get(address).status_code == 403
            assert client.post(address, {"text": "{{劳动者}}"}).status_code == 403
        assert not AgreementTemplate.objects.exists()


class TestAboveWhatRemainsDue:
    def test_a_payment_above_the_schedule_asks_for_confirmation(self, agreed, reviewer):
        services.outcome_add(case=agreed, actor=reviewer, kind="wages", amount=Decimal("30000"), received_on=TODAY)
        with pytest.raises(ValidationError) as exc:
            services.outcome_add(
                case=agreed, actor=reviewer, kind="wages", amount=Decimal("20000.51"), received_on=TODAY
            )
        assert exc.value.message_dict["confirm"] == [f"金额 20,000.51 元超过调解协议分期尚未支付的 20,000.50 元。{ASK}"]
        assert Outcome.objects.count() == 1
        services.outcome_add(  # exactly what remains: nothing asked
            case=agreed, actor=reviewer, kind="wages", amount=Decimal("20000.50"), received_on=TODAY
        )
        assert Outcome.objects.count() == 2

    def test_a_voided_payment_does_not_count_against_the_schedule(self, agreed, reviewer):
        first = services.outcome_add(
            case=agreed, actor=reviewer, kind="wages", amount=Decimal("50000.50"), received_on=TODAY
        )
        services.outcome_void(outcome=first, actor=reviewer, reason="重复登记")
        services.outcome_add(case=agreed, actor=reviewer, kind="wages", amount=Decimal("50000.50"), received_on=TODAY)
        assert Outcome.objects.counted().count() == 1

    def test_the_page_asks_and_records_the_reason(self, client, agreed, reviewer):
        client.force_login(reviewer)
        fields = {"kind": "wages", "amount": "60000", "received_on": TODAY.isoformat()}
        response = client.post(url("outcome", agreed), fields)
        assert response.status_code == 400
        assert response.context["outcome_form"].errors["confirm"] == [
            f"金额 60,000.00 元超过调解协议分期尚未支付的 50,000.50 元。{ASK}"
        ]
        assert Outcome.objects.count() == 0
        response = client.post(
            url("outcome", agreed), fields | {"confirming": "1", "confirm": "on", "confirm_reason": "含利息"}
        )
        assert response.status_code == 302
        assert Outcome.objects.get().over_limit_reason == "含利息"
        assert agreed.follow_ups.last().action == "登记清理欠薪 60000.00 元；超出协议分期剩余应付金额，确认原因：含利息"
