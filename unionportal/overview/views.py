"""Pages that look across the apps: the home pages, the dashboard, an officer's record, and the monthly
analysis summary with its meeting record."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import TemplateView

from disputes import selectors as dispute_selectors
from officers import selectors as officer_selectors
from officers.models import Activity
from officers.permissions import StaffRequiredMixin
from reports import rules
from reports import selectors as report_selectors
from reports.models import ForwardedItem, Instruction, SupervisionColour
from reports.views import XLSX_TYPE
from unionportal.core.actions import ServiceActionView
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry

from . import services, summaries
from .charts import summary_charts
from .dashboard import dashboard_cached, month_reporting_cached
from .forms import MeetingForm, SummaryActionForm
from .models import MonthlySummary, SummaryAction
from .region_dashboard import region_dashboard_cached
from .summary_export import docx_bytes, xlsx_bytes


class HomeView(LoginRequiredMixin, TemplateView):
    def get_template_names(self):
        if self.request.user.is_regional_staff:
            return ["overview/region_home.html"]
        return ["overview/staff_home.html" if self.request.user.is_portal_staff else "overview/officer_home.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_regional_staff:
            # A city's or province's staff: the queue of items forwarded to their unit.
            context["pending_forwarded"] = report_selectors.forwarded_pending_count(user=user)
            context["latest_forwarded"] = list(
                report_selectors.unit_queue(user=user).filter(status=ForwardedItem.Status.PENDING)[:5]
            )
            return context
        officer = None if user.is_portal_staff else officer_selectors.officer_of_user(user=user)
        context["open_actions"] = (
            SummaryAction.objects.visible_to(user).filter(owner=user, done_at__isnull=True).select_related("summary")
        )
        context["open_follow_ups"] = report_selectors.open_follow_ups(user=user) if user.is_portal_staff else []
        context["today"] = timezone.localdate()
        if user.is_portal_staff:
            context["overview"] = officer_selectors.county_overview(user=user)
            context["pending_reviews"] = report_selectors.pending_review_count(user=user)
            context["untold_cases"] = dispute_selectors.untold_overdue_count(user=user)
            context["supervision"] = report_selectors.supervision_home(user=user)
        else:
            context["officer"] = officer
            if officer is not None:
                context["progress"] = report_selectors.month_progress(officer=officer)
                context["upcoming"] = Activity.objects.visible_to(user).filter(held_on__gte=timezone.localdate())[:5]
        return context


class SummaryListView(StaffRequiredMixin, TemplateView):
    template_name = "overview/summary_list.html"

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
            return redirect("overview:summaries")
        try:
            summary = summaries.summary_build(county=county, month=month)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("overview:summaries")
        messages.success(request, f"{month.year}年{month.month}月分析研判材料已生成（会议记录保留不变）")
        return redirect("overview:summary", pk=summary.pk)


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
    template_name = "overview/summary_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = self.get_summary()
        owners = services.action_owner_choices(county_id=summary.county_id)
        context.update(
            summary=summary,
            f=summary.figures,
            change_tables=summaries.change_tables(summary.figures),
            chart_count=len(
                [
                    k
                    for k in ("by_category", "by_township", "by_key_group")
                    if any(r[1] or r[2] for r in summary.figures.get(k, []))
                ]
            ),
            actions=officer_selectors.with_names(summary.actions.all(), "owner"),  # who did it is not shown
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


class SummaryActionMixin(StaffRequiredMixin, SummaryScopedMixin, ServiceActionView):
    detail_view = SummaryDetailView
    load_method, cache_attr, url_name = "get_summary", "_summary", "overview:summary"


class MeetingRecordView(SummaryActionMixin):
    form_class, form_name, success_message = MeetingForm, "meeting_form", "分析会记录已保存"

    def act(self, summary, data):
        services.meeting_record(summary=summary, actor=self.request.user, request=self.request, **data)


class SummaryActionCreateView(SummaryActionMixin):
    form_name, success_message = "action_form", "跟进措施已交办，责任人会在首页看到"

    def get_form(self, summary):
        return SummaryActionForm(self.request.POST, owners=services.action_owner_choices(county_id=summary.county_id))

    def act(self, summary, data):
        return services.action_add(summary=summary, actor=self.request.user, request=self.request, **data)


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
        return redirect("overview:summary", pk=action.summary_id)


class SummaryChartView(StaffRequiredMixin, SummaryScopedMixin, View):
    def get(self, request, pk, index):
        charts = summary_charts(self.get_summary().figures)
        if not 0 <= index < len(charts):
            raise Http404("没有该图表")
        response = HttpResponse(charts[index][1], content_type="image/png")
        response["Cache-Control"] = "private, max-age=300"
        return response


class SummaryDownloadView(StaffRequiredMixin, SummaryScopedMixin, View):
    def get(self, request, pk):
        summary = self.get_summary()
        kind = request.GET.get("format", "docx")
        if kind not in ("docx", "xlsx"):
            raise Http404("不支持的格式")
        name = f"{summary.county.name}{summary.month:%Y年%m月}分析研判.{kind}"
        audit_record(
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
    """工作台: the year's figures for reviewers and admins; a per-county table for multi-county admins;
    for the staff of a city or province, their counties side by side."""

    template_name = "overview/dashboard.html"
    regional_staff_allowed = True

    def get_template_names(self):
        return ["overview/region_dashboard.html" if self.request.user.is_regional_staff else self.template_name]

    def year(self) -> int:
        text = self.request.GET.get("year", "")
        if text:
            try:
                return rules.parse_year(text)
            except ValueError as exc:
                messages.error(self.request, str(exc))
        return timezone.localdate().year

    @staticmethod
    def last_month():
        return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)

    def get(self, request, *args, **kwargs):
        if "refresh" in request.GET:
            # Recompute now, then drop ?refresh from the address: a reload or a bookmark reads the cache.
            year = self.year()
            if request.user.is_regional_staff:
                region_dashboard_cached(user=request.user, year=year, month=self.last_month(), refresh=True)
            else:
                data, _, _ = dashboard_cached(user=request.user, year=year, refresh=True)
                month_reporting_cached(
                    user=request.user, month=self.last_month(), counties=data["counties"], refresh=True
                )
            return redirect(f"{reverse('dashboard')}?year={year}")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.year()
        if self.request.user.is_regional_staff:
            # The counties' figures and last month's reporting of them, ranked as the ranking notice
            # ranks them: shared by the unit's staff for a few minutes.
            (r, reporting), computed_at = region_dashboard_cached(
                user=self.request.user, year=year, month=self.last_month()
            )
            context.update(
                r=r,
                reporting=reporting,
                computed_at=computed_at,
                dashboard_cache_minutes=settings.DASHBOARD_CACHE_SECONDS // 60,
                unit=self.request.user.region,
                year_start=f"{year}-01-01",
                year_end=f"{year}-12-31",
                # Instructions' follow-ups overdue in the counties below stand out here too.
                overdue_follow_ups=list(
                    report_selectors.overdue_follow_ups(user=self.request.user, today=timezone.localdate())[:20]
                ),
            )
            return context
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
            # Last month's reporting, as its ranking notice states it (the same selector).
            reporting=month_reporting_cached(
                user=self.request.user, month=self.last_month(), counties=data["counties"]
            ),
            # Live, not cached with the year's figures: what is open now, by colour, with links.
            supervision_counts=[
                (colour, label, n)
                for (colour, label), n in zip(
                    SupervisionColour.choices,
                    report_selectors.colour_counts(user=self.request.user).values(),
                    strict=True,
                )
            ],
        )
        # Leader instructions (issue 15): the year's by rank, and overdue follow-ups standing out for
        # the county and the unit above it. Live, not cached: a feedback recorded shows at once.
        user = self.request.user
        county_ids = [county.pk for county in data["counties"]] if "counties" in data else []
        counts = report_selectors.instruction_counts(
            county_ids=county_ids, start=date(year, 1, 1), end=date(year + 1, 1, 1)
        )
        context["instructions_by_rank"] = [
            (value, label, sum(per.get(value, 0) for per in counts.values()))
            for value, label in Instruction.Rank.choices
        ]
        context["overdue_follow_ups"] = list(
            report_selectors.overdue_follow_ups(user=user, today=timezone.localdate())[:20]
        )
        return context
