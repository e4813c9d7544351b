"""Money on a case's page: recording a payment (confirmed when above the claim), correcting one and
voiding one, each with a written reason. Staff of the case's county only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import FormView

from officers.permissions import StaffRequiredMixin
from unionportal.core.forms import add_service_errors

from .. import services
from ..forms import OutcomeCorrectForm, OutcomeForm, OutcomeVoidForm
from ..models import Outcome
from .cases import CaseActionView, CaseScopedMixin


def needs_confirmation(exc: ValidationError) -> bool:
    errors = getattr(exc, "error_dict", {}).get("confirm", [])
    return any(error.code == "needs_confirmation" for error in errors)


def asked_to_confirm(form, exc: ValidationError):
    """The same answers, now with 确认金额无误 (and the reason) to fill in."""
    if needs_confirmation(exc) and not form.confirming:
        data = form.data.copy()
        data["confirming"] = "1"  # the question stays on the form when it is sent again
        form = type(form)(data, confirming=True)
        form.is_valid()
    add_service_errors(form, exc)
    return form


class OutcomeView(CaseActionView):
    form_class, form_name, success_message = OutcomeForm, "outcome_form", "金额已登记"

    def act(self, case, data):
        services.outcome_add(
            case=case,
            actor=self.request.user,
            kind=data["kind"],
            amount=data["amount"],
            received_on=data["received_on"],
            note=data.get("note", ""),
            confirmed=bool(data.get("confirm")),
            confirm_reason=data.get("confirm_reason", ""),
            request=self.request,
        )

    def refused(self, form, exc):
        return asked_to_confirm(form, exc)


class OutcomeChangeView(StaffRequiredMixin, CaseScopedMixin, FormView):
    """One payment of a case, to correct or void: its page shows what it was and what became of it."""

    template_name = "disputes/outcome_change.html"
    change = ""  # "correct" or "void"

    def get_outcome(self) -> Outcome:
        # Among the payments of a case this user may see: another county's payment is not found.
        outcome = next((o for o in self.get_case().outcomes.all() if o.pk == self.kwargs["outcome_pk"]), None)
        if outcome is None:
            raise Http404("没有找到该笔金额")
        return outcome

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.get_case(), outcome=self.get_outcome(), change=self.change, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.get_outcome().is_voided:
            messages.info(request, "该笔金额已作废")
            return redirect("disputes:detail", pk=self.get_case().pk)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            self.act(self.get_outcome(), form.cleaned_data)
        except ValidationError as exc:
            form = asked_to_confirm(form, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, self.success_message)
        return redirect("disputes:detail", pk=self.get_case().pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class OutcomeCorrectView(OutcomeChangeView):
    form_class, change, success_message = OutcomeCorrectForm, "correct", "金额已更正，已记入跟进记录"

    def get_initial(self):
        outcome = self.get_outcome()
        return {"amount": outcome.amount, "seen_amount": outcome.amount}

    def act(self, outcome, data):
        services.outcome_correct(
            outcome=outcome,
            actor=self.request.user,
            amount=data["amount"],
            reason=data["reason"],
            confirmed=bool(data.get("confirm")),
            seen_amount=data.get("seen_amount"),
            request=self.request,
        )


class OutcomeVoidView(OutcomeChangeView):
    form_class, change, success_message = OutcomeVoidForm, "void", "该笔金额已作废，已记入跟进记录"

    def act(self, outcome, data):
        services.outcome_void(outcome=outcome, actor=self.request.user, reason=data["reason"], request=self.request)
