"""The law's clock on a case page: 告知 of the right to arbitration, extensions, the agreement's
instalment schedule. Each is a form on the case page posted to one service (staff only)."""

from ..forms import ExtendForm, InstalmentsForm, TellForm
from ..services import case_tell_arbitration, instalments_set, mediation_extend
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
