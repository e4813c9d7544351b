"""The mediation agreement on a case page: recording it and its court confirmation (staff of the
case's county), the 调解协议书 as DOCX (staff, audited), and the county's template (its admins)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import FormView

from officers.permissions import AdminRequiredMixin, StaffRequiredMixin
from unionportal.core.audit import audit_record
from unionportal.core.forms import add_service_errors
from unionportal.core.models import AuditEntry

from ..forms import AgreementForm, AgreementTemplateForm, CourtConfirmForm
from ..services import (
    agreement_document,
    agreement_record,
    agreement_template_save,
    agreement_template_text,
    court_confirmation_record,
)
from .cases import CaseActionView, CaseScopedMixin

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class AgreementView(CaseActionView):
    form_class, form_name, success_message = AgreementForm, "agreement_form", "调解协议已保存"

    def act(self, case, data):
        agreement_record(
            case=case,
            actor=self.request.user,
            workers=data["workers"],
            terms=data["terms"],
            amount=data["amount"],
            signed_on=data["signed_on"],
        )


class CourtConfirmView(CaseActionView):
    form_class, form_name, success_message = CourtConfirmForm, "court_form", "司法确认已登记"

    def act(self, case, data):
        court_confirmation_record(
            case=case,
            actor=self.request.user,
            court=data["court"],
            applied_on=data["applied_on"],
            confirmed_on=data.get("confirmed_on"),
            court_case_number=data.get("court_case_number", ""),
        )


class AgreementDocxView(StaffRequiredMixin, CaseScopedMixin, View):
    """The 调解协议书 for printing and signing; the signed scan goes back as a case attachment."""

    def get(self, request, pk):
        case = self.get_case()
        try:
            document = agreement_document(case=case)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("disputes:detail", pk=case.pk)
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.EXPORT,
            county=case.county_id,
            target=f"{case.number} 调解协议书",
            request=request,
        )
        response = HttpResponse(document, content_type=DOCX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, f"调解协议书{case.number}.docx")
        return response


class AgreementTemplateView(AdminRequiredMixin, FormView):
    """The county's wording of the 调解协议书, for its admins; the default until they change it."""

    template_name = "disputes/agreement_template.html"
    form_class = AgreementTemplateForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_portal_admin and request.user.county_id is None:
            raise Http404("您的账号没有所属县区")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"text": agreement_template_text(self.request.user.county)}

    def form_valid(self, form):
        try:
            agreement_template_save(
                county=self.request.user.county,
                actor=self.request.user,
                text=form.cleaned_data["text"],
                request=self.request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "调解协议书模板已保存")
        return redirect("disputes:agreement_template")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
