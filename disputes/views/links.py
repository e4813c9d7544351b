"""Linking another report to a case: staff search their county's reports by title, employer or the
day sent, pick one from a short list and link it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import TemplateView

from officers.permissions import StaffRequiredMixin
from unionportal.core.forms import add_service_errors

from .. import selectors, services
from ..forms import LinkReportForm, ReportSearchForm, report_choice_label
from .cases import CaseScopedMixin


class LinkReportView(StaffRequiredMixin, CaseScopedMixin, TemplateView):
    template_name = "disputes/link_report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.get_case()
        search = ReportSearchForm(self.request.GET or None)
        found, more = [], False
        if search.is_bound and search.is_valid():
            reports = selectors.reports_to_link(
                user=self.request.user, case=case, q=search.cleaned_data["q"], on=search.cleaned_data["on"]
            )
            found = list(reports[: selectors.LINK_CHOICES + 1])
            more, found = len(found) > selectors.LINK_CHOICES, found[: selectors.LINK_CHOICES]
        choices = [(report.pk, report_choice_label(report)) for report in found]
        context.update(case=case, search_form=search, choices=choices, more=more, searched=search.is_bound)
        context.setdefault("form", None)  # the posted choice, with why it was refused
        return context

    def post(self, request, pk):
        # The search stays in the address (the form posts to ?q=...), so a refusal shows the list again.
        case = self.get_case()
        form = LinkReportForm(request.POST, reports=selectors.reports_to_link(user=request.user, case=case))
        if form.is_valid():
            try:
                services.case_link_report(case=case, report=form.cleaned_data["report"], actor=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已关联信息")
                return redirect("disputes:detail", pk=pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)
