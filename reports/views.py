from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from django_filters.views import FilterView

from officers.models import County
from officers.permissions import AdminRequiredMixin, OfficerRequiredMixin, StaffRequiredMixin
from officers.views import add_service_errors
from unionportal.downloads import private_file_response
from unionportal.list_views import FilteredListMixin, ForgivingPaginationMixin

from . import rules, selectors, services, summaries
from .filters import ReviewQueueFilter
from .forms import GradeForm, MeetingForm, ReportForm, ReturnForm, SheetReopenForm, SummaryActionForm
from .models import AuditEntry, MonthlySummary, Report, ReportAttachment, StipendSheet, SummaryAction
from .sheet_export import csv_stream, sheet_title, xlsx_file

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


class ReportFormView(OfficerRequiredMixin, FormView):
    form_class = ReportForm
    template_name = "reports/report_form.html"
    report = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["officer"] = self.request.user.officer
        kwargs["instance"] = self.report
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = self.report
        return context

    def form_valid(self, form):
        submit = "submit" in self.request.POST
        try:
            report = services.report_save(
                officer=self.request.user.officer,
                report=self.report,
                data=form.report_data(),
                files=form.cleaned_data.get("attachments") or [],
                submit=submit,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            if form.files:
                messages.warning(self.request, "已填写的内容都保留了；附件需要重新选择。")
            return self.form_invalid(form)
        if submit:
            alerting = "，正在提醒县总工会工作人员尽快处置" if report.urgency == "emergency" else ""
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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.get_report()
        user = self.request.user
        services.audit_record(actor=user, action=AuditEntry.Action.VIEW_REPORT, report=report, request=self.request)
        services.notifications_mark_read(user=user, report=report)
        context["report"] = report
        context["may_edit"] = report.officer.user_id == user.pk and rules.officer_may_edit(
            status=report.status, grade=report.grade
        )
        context["may_withdraw"] = report.officer.user_id == user.pk and rules.officer_may_withdraw(
            status=report.status, grade=report.grade
        )
        if user.is_portal_staff:
            context["may_review"] = rules.staff_may_review(status=report.status)
            context["grade_form"] = kwargs.get("grade_form") or GradeForm(
                initial={
                    "version": report.version,
                    "grade": report.grade if report.grade != "pending" else None,
                    "adopted_by": report.adopted_by,
                    "adopted_on": report.adopted_on,
                    "adoption_doc_no": report.adoption_doc_no,
                    "comment": report.review_comment,
                }
            )
            context["return_form"] = kwargs.get("return_form") or ReturnForm(initial={"version": report.version})
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


class ReviewActionView(StaffRequiredMixin, ReportScopedMixin, View):
    form_class = None
    form_context_name = ""

    def post(self, request, pk):
        report = self.get_report()
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                message = self.act(report, form.cleaned_data) or self.success_message
            except ValidationError as exc:
                if getattr(exc, "code", None) == "stale":
                    messages.error(request, "；".join(exc.messages))
                    return redirect("reports:detail", pk=pk)
                add_service_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect("reports:detail", pk=pk)
        view = ReportDetailView()
        view.setup(request, pk=pk)
        view._report = report
        context = view.get_context_data(**{self.form_context_name: form})
        return view.render_to_response(context, status=400)


class ReportGradeView(ReviewActionView):
    form_class = GradeForm
    form_context_name = "grade_form"
    success_message = "审核结果已保存，已通知信息员"

    def act(self, report, data):
        graded = services.report_grade(
            report=report,
            reviewer=self.request.user,
            grade=data["grade"],
            version=data["version"],
            comment=data.get("comment", ""),
            adopted_by=data.get("adopted_by", ""),
            adopted_on=data.get("adopted_on"),
            adoption_doc_no=data.get("adoption_doc_no", ""),
            request=self.request,
        )
        return None if graded.officer_notified else "审核结果已保存（结果和意见未变，未再次通知信息员）"


class ReportReturnView(ReviewActionView):
    form_class = ReturnForm
    form_context_name = "return_form"
    success_message = "已退回信息员修改"

    def act(self, report, data):
        services.report_return(
            report=report,
            reviewer=self.request.user,
            reason=data["reason"],
            version=data["version"],
            request=self.request,
        )


class AttachmentDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        attachment = ReportAttachment.objects.visible_to(request.user).select_related("report").filter(pk=pk).first()
        if attachment is None:
            raise Http404("没有找到该附件")
        services.audit_record(
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


class ReviewQueueView(StaffRequiredMixin, FilteredListMixin, FilterView):
    template_name = "reports/review_queue.html"
    filterset_class = ReviewQueueFilter
    context_object_name = "reports"

    def get_queryset(self):
        return selectors.review_queue(user=self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if "status" not in self.request.GET:
            # The queue opens on what waits for review; 全部状态 shows everything.
            data = kwargs["data"].copy() if kwargs["data"] is not None else QueryDict(mutable=True)
            data["status"] = "submitted"
            kwargs["data"] = data
        return kwargs


class NotificationListView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    template_name = "reports/notifications.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        return selectors.notifications(user=self.request.user)

    def post(self, request):
        services.notifications_mark_read(user=request.user)
        messages.success(request, "已全部标记为已读")
        return redirect(reverse("reports:notifications"))


# ---- stipend sheets and budget (admins only) ---------------------------------------------------------


class CountyMonthMixin(AdminRequiredMixin):
    """?county=CODE (multi-county admins) and ?month=YYYY-MM (default: last month)."""

    def county_and_month(self):
        params = self.request.GET if self.request.method == "GET" else self.request.POST
        county = selectors.county_for_admin(user=self.request.user, code=params.get("county"))
        if county is None:
            raise Http404("没有可管理的县区")
        text = params.get("month")
        month = None
        if text:
            try:
                month = rules.parse_month(text)
            except ValueError as exc:
                if self.request.method != "GET":
                    # Never approve or reopen some other month than the one the admin named.
                    raise Http404(str(exc)) from None
                messages.error(self.request, str(exc))
        if month is None:
            today = timezone.localdate()
            month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        return county, month

    def sheet_url(self, county, month):
        return f"{reverse('reports:stipends')}?county={county.code}&month={month:%Y-%m}"


class StipendSheetView(CountyMonthMixin, TemplateView):
    template_name = "reports/stipend_sheet.html"
    lines_per_page = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        county, month = self.county_and_month()
        summary = selectors.sheet_summary(county=county, month=month)
        start, end = rules.month_bounds(month.year, month.month)
        last_day = (end - timedelta(days=1)).date()
        # The totals cover every line; the page shows them fifty at a time (the export has all).
        page = Paginator(summary.lines, self.lines_per_page).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            page_obj=page,
            is_paginated=page.has_other_pages(),
            query_without_page=query.urlencode(),
            summary=summary,
            county=county,
            month=month,
            month_ended=rules.month_is_over(month, timezone.now()),
            counties=County.objects.visible_to(self.request.user),
            pending_url=f"{reverse('reports:queue')}?status=submitted&date_from={month:%Y-%m-%d}&date_to={last_day:%Y-%m-%d}",
            events=summary.sheet.events.select_related("actor") if summary.sheet else [],
            reopen_form=kwargs.get("reopen_form") or SheetReopenForm(),
        )
        return context


class SheetApproveView(CountyMonthMixin, View):
    def post(self, request):
        county, month = self.county_and_month()
        try:
            services.sheet_approve(county=county, month=month, actor=request.user, request=request)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"{county.name}{month.year}年{month.month}月补助表已审批并锁定，已计入经费支出")
        return redirect(self.sheet_url(county, month))


class SheetReopenView(CountyMonthMixin, View):
    def post(self, request):
        county, month = self.county_and_month()
        form = SheetReopenForm(request.POST)
        if form.is_valid():
            try:
                services.sheet_reopen(
                    county=county, month=month, actor=request.user, reason=form.cleaned_data["reason"], request=request
                )
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, "已撤销审批，补助表恢复为按当前数据计算，相应经费支出已撤回")
            return redirect(self.sheet_url(county, month))
        view = StipendSheetView()
        view.setup(request)
        return view.render_to_response(view.get_context_data(reopen_form=form), status=400)


class SheetExportView(CountyMonthMixin, View):
    def get(self, request):
        county, month = self.county_and_month()
        kind = request.GET.get("format", "xlsx")
        if kind not in ("xlsx", "csv"):
            raise Http404("不支持的导出格式")
        sheet = StipendSheet.objects.filter(county=county, month=month).first()
        lines = selectors.sheet_lines(county=county, month=month, sheet=sheet)
        filename = f"{county.name}{month:%Y年%m月}信息员补助表.{kind}"
        services.audit_record(
            actor=request.user,
            action=AuditEntry.Action.EXPORT,
            county=county.pk,
            target=f"{filename}（{'已审批' if sheet and sheet.state == 'approved' else '未审批'}）",
            request=request,
        )
        if kind == "csv":
            response = StreamingHttpResponse(csv_stream(lines), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = content_disposition_header(True, filename)
        else:
            handle = xlsx_file(lines, title=sheet_title(county, month), sheet_name=f"{month:%Y-%m}")
            response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class BudgetView(AdminRequiredMixin, TemplateView):
    template_name = "reports/budget.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        county = selectors.county_for_admin(user=self.request.user, code=self.request.GET.get("county"))
        if county is None:
            raise Http404("没有可管理的县区")
        year = timezone.localdate().year
        text = self.request.GET.get("year")
        if text:
            try:
                year = rules.parse_year(text)
            except ValueError as exc:
                messages.error(self.request, str(exc))
        context.update(
            county=county,
            overview=selectors.budget_overview(county=county, year=year),
            counties=County.objects.visible_to(self.request.user),
        )
        return context


# ---- monthly analysis (月度分析研判) ---------------------------------------------------------------


class SummaryListView(StaffRequiredMixin, TemplateView):
    template_name = "reports/summary_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summaries"] = MonthlySummary.objects.visible_to(self.request.user).select_related("county")[:36]
        today = timezone.localdate()
        context["default_month"] = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        return context

    def post(self, request):
        county = request.user.county
        if county is None:
            raise Http404("您的账号没有所属县区")
        try:
            month = rules.parse_month(request.POST.get("month", ""))
        except ValueError as exc:
            messages.error(request, str(exc))
            return redirect("reports:summaries")
        try:
            summary = summaries.summary_build(county=county, month=month)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("reports:summaries")
        messages.success(request, f"{month.year}年{month.month}月分析研判材料已生成（会议记录保留不变）")
        return redirect("reports:summary", pk=summary.pk)


class SummaryScopedMixin:
    def get_summary(self) -> MonthlySummary:
        if not hasattr(self, "_summary"):
            summary = (
                MonthlySummary.objects.visible_to(self.request.user)
                .select_related("county")
                .filter(pk=self.kwargs["pk"])
            ).first()
            if summary is None:
                raise Http404("没有找到该月度分析")
            self._summary = summary
        return self._summary


class SummaryDetailView(StaffRequiredMixin, SummaryScopedMixin, TemplateView):
    template_name = "reports/summary_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = self.get_summary()
        owners = services.action_owner_choices(county_id=summary.county_id)
        context.update(
            summary=summary,
            f=summary.figures,
            chart_count=len(
                [
                    k
                    for k in ("by_category", "by_township", "by_key_group")
                    if any(r[1] or r[2] for r in summary.figures.get(k, []))
                ]
            ),
            actions=summary.actions.select_related("owner", "done_by"),
            meeting_form=kwargs.get("meeting_form")
            or MeetingForm(
                initial={
                    "meeting_on": summary.meeting_on or timezone.localdate(),
                    "attendees": summary.attendees,
                    "conclusions": summary.conclusions,
                }
            ),
            action_form=kwargs.get("action_form") or SummaryActionForm(owners=owners),
        )
        return context


class SummaryActionMixin(StaffRequiredMixin, SummaryScopedMixin, View):
    def rerender(self, **forms_):
        view = SummaryDetailView()
        view.setup(self.request, pk=self.kwargs["pk"])
        view._summary = self.get_summary()
        return view.render_to_response(view.get_context_data(**forms_), status=400)


class MeetingRecordView(SummaryActionMixin):
    def post(self, request, pk):
        summary = self.get_summary()
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_record(summary=summary, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "分析会记录已保存")
                return redirect("reports:summary", pk=pk)
        return self.rerender(meeting_form=form)


class SummaryActionCreateView(SummaryActionMixin):
    def post(self, request, pk):
        summary = self.get_summary()
        form = SummaryActionForm(request.POST, owners=services.action_owner_choices(county_id=summary.county_id))
        if form.is_valid():
            try:
                services.action_add(summary=summary, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "跟进措施已交办，责任人会在首页看到")
                return redirect("reports:summary", pk=pk)
        return self.rerender(action_form=form)


class SummaryActionDoneView(LoginRequiredMixin, View):
    """The owner, or the county's staff, marks an action done."""

    def post(self, request, pk):
        action = SummaryAction.objects.visible_to(request.user).filter(pk=pk).select_related("summary").first()
        if action is None:
            raise Http404("没有找到该措施")
        try:
            services.action_done(action=action, actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已标记完成")
        if request.POST.get("next") == "home":
            return redirect("home")
        return redirect("reports:summary", pk=action.summary_id)


class SummaryChartView(StaffRequiredMixin, SummaryScopedMixin, View):
    def get(self, request, pk, index):
        from .charts import summary_charts

        charts = summary_charts(self.get_summary().figures)
        if not 0 <= index < len(charts):
            raise Http404("没有该图表")
        response = HttpResponse(charts[index][1], content_type="image/png")
        response["Cache-Control"] = "private, max-age=300"
        return response


class SummaryDownloadView(StaffRequiredMixin, SummaryScopedMixin, View):
    def get(self, request, pk):
        from .summary_export import docx_bytes, xlsx_bytes

        summary = self.get_summary()
        kind = request.GET.get("format", "docx")
        if kind not in ("docx", "xlsx"):
            raise Http404("不支持的格式")
        name = f"{summary.county.name}{summary.month:%Y年%m月}分析研判.{kind}"
        services.audit_record(
            actor=request.user, action=AuditEntry.Action.EXPORT, county=summary.county_id, target=name, request=request
        )
        if kind == "docx":
            data, mime = docx_bytes(summary), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        else:
            data, mime = xlsx_bytes(summary), XLSX_TYPE
        response = HttpResponse(data, content_type=mime)
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response


class DashboardView(StaffRequiredMixin, TemplateView):
    """工作台: the year's figures for reviewers and admins; a per-county table for multi-county admins."""

    template_name = "reports/dashboard.html"

    def year(self) -> int:
        text = self.request.GET.get("year", "")
        if text:
            try:
                return rules.parse_year(text)
            except ValueError as exc:
                messages.error(self.request, str(exc))
        return timezone.localdate().year

    def get(self, request, *args, **kwargs):
        if "refresh" in request.GET:
            # Recompute now, then drop ?refresh from the address: a reload or a bookmark reads the cache.
            from .dashboard import dashboard_cached

            year = self.year()
            dashboard_cached(user=request.user, year=year, refresh=True)
            return redirect(f"{reverse('dashboard')}?year={year}")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from .dashboard import dashboard_cached

        context = super().get_context_data(**kwargs)
        year = self.year()
        data, rows, computed_at = dashboard_cached(user=self.request.user, year=year)
        multi = len(data["counties"]) > 1
        context.update(
            d=data,
            multi=multi,
            rows=rows,
            computed_at=computed_at,
            dashboard_cache_minutes=settings.DASHBOARD_CACHE_SECONDS // 60,
            chart_data={
                "months": [f"{m}月" for m in range(1, 13)],
                "reports": data["reports"]["per_month"],
                "meeting": data["meeting_quota"],
                "stipends": [float(x) for x in data["budget"]["stipends_per_month"]],
                "categories": [label for _, label, _ in data["reports"]["by_category"]],
                "category_counts": [n for _, _, n in data["reports"]["by_category"]],
            },
            year_start=f"{year}-01-01",
            year_end=f"{year}-12-31",
        )
        return context
