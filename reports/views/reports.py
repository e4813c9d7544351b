"""An officer's reports: list, form, detail, withdraw, delete a draft, attachments."""

from contextlib import nullcontext

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from officers.permissions import OfficerRequiredMixin
from unionportal.core.attachments import private_file_response
from unionportal.core.audit import audit_record
from unionportal.core.forms import add_service_errors
from unionportal.core.idempotency import SubmitOnceViewMixin
from unionportal.core.list_views import ForgivingPaginationMixin
from unionportal.core.models import AuditEntry
from unionportal.core.notifications import notifications_mark_read, unread_notifications

from .. import rules, selectors, services
from ..forms import GradeForm, ReportForm
from ..models import COUNTED_STATUSES, Grade, Report, ReportAttachment, Urgency

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportScopedMixin:
    """The report in the URL, through the scoping rule: anything else is a 404."""

    def get_report(self) -> Report:
        if not hasattr(self, "_report"):
            try:
                self._report = selectors.report_for_view(user=self.request.user, pk=self.kwargs["pk"])
            except Report.DoesNotExist:
                raise Http404("没有找到该信息") from None
        return self._report


class MyReportsView(OfficerRequiredMixin, ForgivingPaginationMixin, ListView):
    template_name = "reports/my_reports.html"
    context_object_name = "reports"
    paginate_by = 20

    def get_queryset(self):
        return selectors.my_reports(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["progress"] = selectors.month_progress(officer=self.request.user.officer)
        return context


class ReportFormView(OfficerRequiredMixin, SubmitOnceViewMixin, FormView):
    """The report form, sent once: Back and 报送 again shows the first result (one-time key)."""

    form_class = ReportForm
    template_name = "reports/report_form.html"
    report = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["officer"] = self.request.user.officer
        kwargs["instance"] = self.report
        kwargs["submit"] = self.request.method != "POST" or "submit" in self.request.POST
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        # 以信息答复 on a commission's page opens the form with that commission chosen.
        commission = self.request.GET.get("commission", "")
        if self.report is None and commission.isdigit():
            initial["commission"] = int(commission)
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = self.report
        return context

    def form_valid(self, form):
        submit = "submit" in self.request.POST
        try:
            done = self.submit_once(
                form,
                create=lambda: services.report_save(
                    officer=self.request.user.officer,
                    report=self.report,
                    data=form.report_data(),
                    files=form.cleaned_data.get("attachments") or [],
                    submit=submit,
                ),
                url_of=lambda report: reverse("reports:detail", args=[report.pk]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            if form.files:
                messages.warning(self.request, "已填写的内容都保留了；附件需要重新选择。")
            return self.form_invalid(form)
        if done.repeated:
            return self.show_first_result(done)
        report = done.created
        if submit:
            alerting = "，正在提醒县总工会工作人员尽快处置" if report.urgency == Urgency.EMERGENCY else ""
            messages.success(self.request, "信息已报送" + alerting)
        else:
            messages.success(self.request, "草稿已保存，可以稍后继续填写")
        return redirect("reports:detail", pk=report.pk)


class ReportCreateView(ReportFormView):
    pass


class ReportEditView(ReportScopedMixin, ReportFormView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and getattr(request.user, "is_officer", False):
            self.report = self.get_report()
            if self.report.officer.user_id != request.user.pk:
                raise Http404("没有找到该信息")
            if not rules.officer_may_edit(status=self.report.status, grade=self.report.grade):
                messages.error(request, "该信息已审核或已撤回，不能再修改")
                return redirect("reports:detail", pk=self.report.pk)
        return super().dispatch(request, *args, **kwargs)


class ReportDetailView(LoginRequiredMixin, ReportScopedMixin, TemplateView):
    """The officer sees their report read-only; staff see it with the grading forms."""

    def get_template_names(self):
        return ["reports/report_review.html" if self.request.user.is_portal_staff else "reports/report_detail.html"]

    def get(self, request, *args, **kwargs):
        # A read writes its audit row here, in get(): a form re-rendered after a failed POST is no view.
        report = self.get_report()
        # The audit row and the notices marked read in one transaction (one commit, not one a statement);
        # with nothing unread (the bell's cached count) only the audit row is written.
        unread = unread_notifications(user=request.user)
        with transaction.atomic() if unread else nullcontext():
            audit_record(actor=request.user, action=AuditEntry.Action.VIEW_REPORT, report=report, request=request)
            notifications_mark_read(user=request.user, report=report)
        if request.user.is_portal_staff:
            selectors.open_emergencies_opened(report=report)  # opened: off the red banner
        self.view_audited = True
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.get_report()
        user = self.request.user
        context["report"] = report
        context["may_edit"] = report.officer.user_id == user.pk and rules.officer_may_edit(
            status=report.status, grade=report.grade
        )
        context["may_withdraw"] = report.officer.user_id == user.pk and rules.officer_may_withdraw(
            status=report.status, grade=report.grade
        )
        context["may_delete"] = report.officer.user_id == user.pk and report.status == Report.Status.DRAFT
        if user.is_portal_staff:
            # Staff call an emergency's reporter back: the full phone, only on a read that was audited
            # (not on a grading form shown again after a refused POST).
            context["show_full_phone"] = getattr(self, "view_audited", False) and rules.staff_sees_full_phone(
                urgency=report.urgency
            )
            context["may_review"] = rules.staff_may_review(status=report.status)
            context["grade_form"] = kwargs.get("grade_form") or GradeForm(
                initial={
                    "version": report.version,
                    "grade": report.grade if report.grade != Grade.PENDING else None,
                    "adopted_by": report.adopted_by,
                    "adopted_on": report.adopted_on,
                    "adoption_doc_no": report.adoption_doc_no,
                    "comment": report.review_comment,
                }
            )
            # Its forwards (上报), risk levels, supervision items, adoptions and instructions (issue 15).
            context.update(selectors.report_panels(user=user, report=report))
            # 上报: the form while the unit above has none of this report.
            forwards = context["forwards"]
            unit = report.county.region
            context["forward_unit"] = unit
            context["may_forward"] = (
                user.county_id == report.county_id
                and unit is not None
                and rules.forward_problem(status=report.status, grade=report.grade) is None
                and not any(f.to_region_id == unit.pk for f in forwards)
            )
            # The folded forms (退回, 风险等级, 上报, 回执, 批示) come with the page only when a POST of theirs
            # was refused; else the page fetches them when opened (core.actions.DeferredFormMixin).
            context["return_form"] = kwargs.get("return_form")
            context["forward_form"] = kwargs.get("forward_form")
            # 线索合并: what looks like the same incident, and the events it may join.
            context["may_merge"] = report.merged_at is None and report.status in COUNTED_STATUSES
            if context["may_merge"]:
                context["duplicates"] = selectors.likely_duplicates(user=user, report=report)
                context["merge_events"] = list(selectors.merge_targets(user=user, report=report))
            context["risk_form"] = kwargs.get("risk_form")
            # The period lock.
            context["locked_month"] = selectors.locked_month(county_id=report.county_id, moment=report.submitted_at)
            context["may_adopt"] = report.status in COUNTED_STATUSES
            context["receipt_form"] = kwargs.get("receipt_form")
            context["instruction_form"] = kwargs.get("instruction_form")
        else:
            context["instructions"] = selectors.own_report_instructions(user=user, report=report)
        return context


class ReportWithdrawView(OfficerRequiredMixin, ReportScopedMixin, View):
    def post(self, request, pk):
        report = self.get_report()
        if report.officer.user_id != request.user.pk:
            raise Http404("没有找到该信息")
        try:
            services.report_withdraw(report=report, officer=request.user.officer)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("reports:detail", pk=pk)
        messages.success(request, "信息已撤回")
        return redirect("reports:mine")


class ReportDeleteDraftView(OfficerRequiredMixin, ReportScopedMixin, View):
    """POST only (the page asks first): an officer deletes a draft of their own."""

    def post(self, request, pk):
        report = self.get_report()
        if report.officer.user_id != request.user.pk:
            raise Http404("没有找到该信息")
        try:
            services.report_delete_draft(report=report, officer=request.user.officer)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("reports:detail", pk=pk)
        messages.success(request, f"草稿“{report.title}”已删除")
        return redirect("reports:mine")


class AttachmentDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        attachment = ReportAttachment.objects.visible_to(request.user).select_related("report").filter(pk=pk).first()
        if attachment is None:
            raise Http404("没有找到该附件")
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.VIEW_ATTACHMENT,
            report=attachment.report,
            target=attachment.original_name,
            request=request,
        )
        inline = request.GET.get("inline") == "1" and attachment.kind == ReportAttachment.Kind.IMAGE
        return private_file_response(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type, inline=inline
        )
