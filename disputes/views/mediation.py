"""The law's clock on a case page: 告知 of the right to arbitration, extensions, the agreement's
instalment schedule, the return visit. Each is a form on the case page posted to one service (staff only)."""

from reports.services import risk_level_set
from reports.views.supervision import RiskFormMixin

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


class CaseRiskView(RiskFormMixin, CaseActionView):
    """Set or change the case's risk level: a supervision item for its handler (or whom staff name). The
    case's page keeps the form folded, as a report's does: its list of owners was a query on every view
    of the page, for a panel most views never open."""

    risk_url = "disputes:risk"

    def act(self, case, data):
        risk_level_set(
            subject=case,
            level=data["level"],
            reason=data["reason"],
            actor=self.request.user,
            owner=data["owner"] or case_supervisor(case) or self.request.user,
        )
