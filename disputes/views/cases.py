from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from officers.permissions import StaffRequiredMixin
from reports import selectors as report_selectors
from reports.models import Report
from unionportal.core.actions import ServiceActionView
from unionportal.core.attachments import private_file_response
from unionportal.core.audit import audit_record
from unionportal.core.forms import add_service_errors
from unionportal.core.idempotency import SubmitOnceViewMixin
from unionportal.core.list_views import FilteredListMixin
from unionportal.core.models import AuditEntry

from .. import rules, selectors, services
from ..filters import CaseFilter
from ..forms import (
    AgreementForm,
    AttachForm,
    CaseCorrectForm,
    CaseForm,
    CourtConfirmForm,
    ExtendForm,
    FollowUpForm,
    InstalmentsForm,
    MoveForm,
    OutcomeForm,
    ReportSearchForm,
    ReturnVisitForm,
    StatsPeriodForm,
    TellForm,
)
from ..ledger_export import XLSX_CONTENT_TYPE, ledger_xlsx
from ..models import CaseAttachment, DisputeCase
from ..resources import DisputeLedgerResource


class CaseScopedMixin:
    def get_case(self) -> DisputeCase:
        if not hasattr(self, "_case"):
            try:
                self._case = selectors.case_detail(user=self.request.user, pk=self.kwargs["pk"])
            except DisputeCase.DoesNotExist:
                raise Http404("没有找到该案件") from None
        return self._case


class CaseListView(LoginRequiredMixin, FilteredListMixin, FilterView):
    template_name = "disputes/case_list.html"
    filterset_class = CaseFilter
    context_object_name = "cases"

    def get_queryset(self):
        return selectors.case_list(user=self.request.user, sort=self.request.GET.get("sort", ""))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for case in context["cases"]:
            # The clock as the list shows it: days left, and 期满未告知 in red (rules, not the template).
            running = case.status == "mediating" and case.mediation_deadline is not None
            case.days_left = rules.days_left(case.mediation_deadline, today) if running else None
            case.days_over = -case.days_left if running and case.days_left < 0 else 0
            recorded = selectors.agreement_of(case)
            case.court_confirmed = bool(recorded and recorded.court_confirmed)
            case.untold_overdue = rules.untold_overdue(
                status=case.status, deadline=case.mediation_deadline, told_on=case.arbitration_told_on, today=today
            )
        context["sort"] = self.request.GET.get("sort", "")
        return context

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and request.user.is_portal_staff:
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        """The case ledger for the filters on screen, in the contract's columns, formula-escaped."""
        filterset = self.get_filterset(self.get_filterset_class())
        cases = filterset.qs.prefetch_related("handlers") if filterset.is_valid() else self.get_queryset().none()
        # 承办人手机号 whole for admins only, as on every list.
        dataset = DisputeLedgerResource(mask_phones=not self.request.user.is_portal_admin).export(queryset=cases)
        audit_record(
            actor=self.request.user,
            action=AuditEntry.Action.EXPORT,
            county=self.request.user.county_id,
            target=f"争议案件台账：{len(dataset)} 件",
            request=self.request,
        )
        response = HttpResponse(ledger_xlsx(dataset), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            True, f"争议案件台账{timezone.localdate():%Y%m%d}.xlsx"
        )
        return response


def case_url(case) -> str:
    return reverse("disputes:detail", args=[case.pk])


class CaseCreateView(StaffRequiredMixin, SubmitOnceViewMixin, FormView):
    """Registering a case, once per form: Back and 登记 again shows the case registered first."""

    template_name = "disputes/case_form.html"
    form_class = CaseForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        county = self.request.user.county
        if county is None:
            form.add_error(None, "您的账号没有所属县区，不能登记案件")
            return self.form_invalid(form)
        try:
            done = self.submit_once(
                form, create=lambda: self.register(county=county, facts=form.case_facts()), url_of=case_url
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if done.repeated:
            return self.show_first_result(done)
        case = done.created
        messages.success(self.request, f"案件已登记，编号 {case.number}")
        return redirect("disputes:detail", pk=case.pk)

    def register(self, *, county, facts):
        return services.case_register(county=county, actor=self.request.user, **facts)


class CaseFromReportView(CaseCreateView):
    """The case form, filled in from a report, for the reviewer to check before registering."""

    def get(self, request, *args, **kwargs):
        return self.already_a_case() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # A form sent again shows the case it registered, before "this report is already a case".
        return self.repeated_submission() or self.already_a_case() or super().post(request, *args, **kwargs)

    def already_a_case(self):
        # Runs after the staff check of dispatch: only staff learn whether a report became a case.
        self.report = (
            Report.objects.visible_to(self.request.user)
            .filter(pk=self.kwargs["report_pk"])
            .exclude(status__in=[Report.Status.DRAFT, Report.Status.WITHDRAWN])
            .first()
        )
        if self.report is None:
            raise Http404("没有找到该信息")
        numbers = selectors.case_numbers_of(report=self.report)
        if numbers:
            messages.info(self.request, f"该信息已登记为争议案件 {'、'.join(numbers)}")
            return redirect("reports:detail", pk=self.report.pk)
        return None

    def get_initial(self):
        facts = services.case_facts_from_report(self.report)
        facts["new_enterprise_name"] = facts.pop("enterprise_name")
        return facts | {"registered_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, **kwargs)

    def register(self, *, county, facts):
        return services.case_from_report(report=self.report, actor=self.request.user, **facts)


class CaseCorrectView(StaffRequiredMixin, CaseScopedMixin, FormView):
    template_name = "disputes/case_form.html"
    form_class = CaseCorrectForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, instance=self.get_case())
        return kwargs

    def get_initial(self):
        return {"seen": services.case_facts_token(self.get_case())}

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.get_case(), **kwargs)

    def form_valid(self, form):
        # The ModelForm filled the instance in while validating: the service starts from the stored row.
        try:
            services.case_correct(
                case=self.get_case(), actor=self.request.user, seen=form.cleaned_data["seen"], **form.case_facts()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "案件信息已更正，已记入跟进记录")
        return redirect("disputes:detail", pk=self.get_case().pk)


def agreement_initial(recorded, case, today) -> dict:
    if recorded is None:
        return {"signed_on": case.result_on or today}
    return {
        "workers": recorded.workers,
        "terms": recorded.terms,
        "amount": recorded.amount,
        "signed_on": recorded.signed_on,
    }


def court_initial(recorded) -> dict:
    if recorded is None or not recorded.court:
        return {}
    return {
        "court": recorded.court,
        "applied_on": recorded.court_applied_on,
        "confirmed_on": recorded.court_confirmed_on,
        "court_case_number": recorded.court_case_number,
    }


class CaseDetailView(LoginRequiredMixin, CaseScopedMixin, TemplateView):
    template_name = "disputes/case_detail.html"

    def get(self, request, *args, **kwargs):
        # A read writes its audit row here, in get(): a form re-rendered after a refused POST is no view.
        case = self.get_case()
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.VIEW_CASE,
            county=case.county_id,
            target=case.number,
            request=request,
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.get_case()
        context["case"] = case
        user = self.request.user
        # An officer who only reported (not a handler) sees the case's progress and their own reports,
        # not the case file: other officers' reports, the narrative, follow-ups and papers.
        context["full_view"] = user.is_portal_staff or any(h.pk == user.pk for h in case.handlers.all())
        context["visible_reports"] = [
            r for r in case.reports.all() if context["full_view"] or r.officer.user_id == user.pk
        ]
        today = timezone.localdate()
        running = case.status == "mediating" and case.mediation_deadline is not None
        context["days_left"] = rules.days_left(case.mediation_deadline, today) if running else None
        context["untold_overdue"] = rules.untold_overdue(
            status=case.status, deadline=case.mediation_deadline, told_on=case.arbitration_told_on, today=today
        )
        context["agreement"] = selectors.agreement_progress(case=case, today=today)
        context["agreement_record"] = recorded = selectors.agreement_of(case)
        context["visit_due_on"] = rules.return_visit_due_on(case.closed_on) if case.closed_on else None
        if self.request.user.is_portal_staff:
            context.update(
                tell_form=kwargs.get("tell_form") or TellForm(initial={"told_on": today}),
                visit_form=kwargs.get("visit_form") or ReturnVisitForm(initial={"visited_on": today}),
                extend_form=kwargs.get("extend_form") or ExtendForm(initial={"agreed_on": today}),
                instalments_form=kwargs.get("instalments_form")
                or InstalmentsForm(
                    initial={"schedule": "\n".join(f"{i.due_on:%Y-%m-%d} {i.amount}" for i in case.instalments.all())}
                ),
                agreement_form=kwargs.get("agreement_form")
                or AgreementForm(initial=agreement_initial(recorded, case, today)),
                court_form=kwargs.get("court_form") or CourtConfirmForm(initial=court_initial(recorded)),
                move_form=kwargs.get("move_form")
                or MoveForm(initial={"on": today}, moves=rules.STATUS_MOVES.get(case.status, set())),
                follow_up_form=kwargs.get("follow_up_form") or FollowUpForm(initial={"happened_on": today}),
                outcome_form=kwargs.get("outcome_form") or OutcomeForm(initial={"received_on": today}),
                attach_form=kwargs.get("attach_form") or AttachForm(),
                search_form=ReportSearchForm(),
                risk_form=kwargs.get("risk_form"),  # folded unless a POST of it was refused (CaseRiskView)
                **report_selectors.risk_panel(user=user, case=case),
            )
        return context


class CaseActionView(StaffRequiredMixin, CaseScopedMixin, ServiceActionView):
    detail_view = CaseDetailView

    def get_object(self):
        return self.get_case()

    def get_success_url(self, case):
        return reverse("disputes:detail", args=[case.pk])

    def prime_detail_view(self, view, case):
        view._case = case


class CaseMoveView(CaseActionView):
    form_class, form_name, success_message = MoveForm, "move_form", "案件状态已变更"

    def act(self, case, data):
        services.case_move(
            case=case,
            to_status=data["to_status"],
            actor=self.request.user,
            on=data.get("on"),
            transferred_to=data.get("transferred_to", ""),
            note=data.get("note", ""),
            request=self.request,
        )


class FollowUpView(CaseActionView):
    form_class, form_name, success_message = FollowUpForm, "follow_up_form", "跟进记录已保存"

    def act(self, case, data):
        return services.follow_up_add(
            case=case,
            actor=self.request.user,
            action=data["action"],
            happened_on=data.get("happened_on"),
            next_step=data.get("next_step", ""),
        )


class AttachView(CaseActionView):
    form_class, form_name, success_message = AttachForm, "attach_form", "附件已上传"

    def act(self, case, data):
        return services.case_attach(case=case, files=data["files"], actor=self.request.user)


class CaseAttachmentView(LoginRequiredMixin, View):
    def get(self, request, pk):
        attachment = CaseAttachment.objects.visible_to(request.user).select_related("case").filter(pk=pk).first()
        if attachment is None:
            raise Http404("没有找到该附件")
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.VIEW_CASE_ATTACHMENT,
            county=attachment.case.county_id,
            target=f"{attachment.case.number} {attachment.original_name}",
            request=request,
        )
        return private_file_response(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type
        )


class DisputeStatsView(StaffRequiredMixin, TemplateView):
    template_name = "disputes/stats.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        form = StatsPeriodForm(self.request.GET or None, initial={"start": today.replace(month=1, day=1), "end": today})
        start, end = today.replace(month=1, day=1), today
        if form.is_bound and form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        cases = DisputeCase.objects.visible_to(self.request.user)
        context.update(
            form=form,
            start=start,
            end=end,
            figures=selectors.dispute_figures(cases=cases, start=start, end=end),
            breakdown=selectors.dispute_breakdown(cases=cases, start=start, end=end),
            ages=selectors.open_cases_by_age(cases=cases, today=today),
            agreements=selectors.agreement_standings(cases=cases, start=start, end=end, today=today),
            visits=selectors.return_visit_figures(cases=cases, start=start, end=end),
        )
        return context
