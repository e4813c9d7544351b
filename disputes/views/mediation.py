"""The law's clock on a case page: 告知 of the right to arbitration, extensions, the agreement's
instalment schedule, the return visit. Each is a form on the case page posted to one service (staff only)."""

from django.urls import reverse

from reports import rules as report_rules
from reports import selectors as report_selectors
from reports.forms import RiskLevelForm
from reports.services import risk_level_set
from unionportal.core.actions import DeferredFormMixin

from ..forms import ExtendForm, InstalmentsForm, ReturnVisitForm, TellForm
from ..services import case_supervisor, case_tell_arbitration, instalments_set, mediation_extend, return_visit_record
from .cases import CaseActionView


class CaseTellView(CaseActionView):
    form_class, form_name, success_message = TellForm, "tell_form", "已记录告知仲裁权利"

    def act(self, case, data):
        case_tell_arbitration(case=case, actor=self.request.user, told_on=data["told_on"], how=data["how"])


class CaseExtendView(CaseActionView):
    form_class, form_name, success_message = ExtendForm, "extend_form", "调解期限已延长，已记入跟进记录"

    def act(self, case, data):
        mediation_extend(
            case=case,
            actor=self.request.user,
            agreed_on=data["agreed_on"],
            new_deadline=data["new_deadline"],
            reason=data["reason"],
        )


class InstalmentsView(CaseActionView):
    form_class, form_name, success_message = InstalmentsForm, "instalments_form", "协议分期已保存"

    def act(self, case, data):
        instalments_set(case=case, actor=self.request.user, schedule=data["schedule"])


class ReturnVisitView(CaseActionView):
    form_class, form_name, success_message = ReturnVisitForm, "visit_form", "回访已记录"

    def act(self, case, data):
        visit = return_visit_record(
            case=case,
            actor=self.request.user,
            visited_on=data["visited_on"],
            reached=data["reached"],
            money=data["money"],
            satisfaction=data["satisfaction"],
            note=data["note"],
        )
        return "回访已记录，案件已重新打开复查" if visit.reopened else None


class CaseRiskView(DeferredFormMixin, CaseActionView):
    """Set or change the case's risk level: a supervision item for its handler (or whom staff name). The
    case's page keeps the form folded, as a report's does (``DeferredFormMixin``): its list of owners
    was a query on every view of the page, for a panel most views never open."""

    form_name, success_message = "risk_form", "风险等级已设定，已生成督办事项"
    form_template = "reports/_risk_form.html"
    heading = "设定 / 调整风险等级"

    def form_problem(self, case):
        user = self.request.user
        return report_rules.risk_setter_problem(
            is_staff=user.is_portal_staff, is_superuser=user.is_superuser, own_county=user.county_id == case.county_id
        )

    def blank_form(self, case):
        return RiskLevelForm(owners=report_selectors.owner_choices(county_id=case.county_id))

    def form_context(self, case):
        return {"risk_action": reverse("disputes:risk", args=[case.pk])}

    def get_form(self, case):
        return RiskLevelForm(self.request.POST, owners=report_selectors.owner_choices(county_id=case.county_id))

    def act(self, case, data):
        risk_level_set(
            subject=case,
            level=data["level"],
            reason=data["reason"],
            actor=self.request.user,
            owner=data["owner"] or case_supervisor(case) or self.request.user,
        )
