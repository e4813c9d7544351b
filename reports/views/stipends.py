"""Stipend sheets and the budget (admins only)."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import TemplateView

from officers.models import County
from officers.permissions import AdminRequiredMixin
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry

from .. import rules, selectors, services
from ..forms import SheetReopenForm
from ..models import StipendSheet
from ..sheet_export import csv_stream, sheet_title, xlsx_file
from .reports import XLSX_TYPE


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
            this_month = timezone.localdate().replace(day=1)
            month = (this_month - timedelta(days=1)).replace(day=1)
            if selectors.sheet_month_problem(county=county, month=month):
                month = this_month  # a county whose first officer came this month
        return county, month

    def sheet_url(self, county, month):
        return f"{reverse('reports:stipends')}?county={county.code}&month={month:%Y-%m}"


class StipendSheetView(CountyMonthMixin, TemplateView):
    template_name = "reports/stipend_sheet.html"
    lines_per_page = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        county, month = self.county_and_month()
        context.update(county=county, month=month, counties=County.objects.visible_to(self.request.user))
        problem = selectors.sheet_month_problem(county=county, month=month)
        if problem:
            # No sheet at all, rather than every officer of today marked 不合格 with approval enabled.
            context.update(month_problem=problem, reopen_form=SheetReopenForm())
            return context
        summary = selectors.sheet_summary(county=county, month=month)
        start, end = rules.month_bounds(month.year, month.month)
        last_day = (end - timedelta(days=1)).date()
        paid_only = self.request.GET.get("paid") == "1"
        # The totals cover every line; the page shows them fifty at a time (the export has all).
        shown = summary.paid_lines if paid_only else summary.lines
        page = Paginator(shown, self.lines_per_page).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        month_ended = rules.month_is_over(month, timezone.now())
        context.update(
            paid_only=paid_only,
            approve_block=rules.approval_block(
                approved=summary.approved, month_over=month_ended, pending=summary.pending
            ),
            page_obj=page,
            is_paginated=page.has_other_pages(),
            query_without_page=query.urlencode(),
            summary=summary,
            month_ended=month_ended,
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
        if selectors.sheet_month_problem(county=county, month=month):
            return redirect(self.sheet_url(county, month))  # the page says why there is no sheet
        sheet = StipendSheet.objects.filter(county=county, month=month).first()
        lines = selectors.sheet_lines(county=county, month=month, sheet=sheet)
        filename = f"{county.name}{month:%Y年%m月}信息员补助表.{kind}"
        audit_record(
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
