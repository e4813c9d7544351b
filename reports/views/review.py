"""Staff review: the queue, grading and returning."""

from django.http import Http404, QueryDict
from django.urls import reverse
from django_filters.views import FilterView

from officers.permissions import StaffRequiredMixin
from unionportal.core.actions import DeferredFormMixin, ServiceActionView
from unionportal.core.list_views import FilteredListMixin

from .. import rules, selectors, services
from ..choices import Status
from ..filters import ReviewQueueFilter
from ..forms import GradeForm, ReturnForm
from .reports import ReportDetailView, ReportScopedMixin


class ReviewActionView(StaffRequiredMixin, ReportScopedMixin, ServiceActionView):
    detail_view = ReportDetailView

    def get_object(self):
        return self.get_report()

    def get_success_url(self, report):
        return reverse("reports:detail", args=[report.pk])

    def prime_detail_view(self, view, report):
        view._report = report


class ReportFormMixin(DeferredFormMixin):
    """A folded form of the report's page (退回, 风险等级, 回执, 批示, 上报; see ``DeferredFormMixin``):
    the report's county's own staff's."""

    def check_object(self, report) -> None:
        if self.request.user.county_id is not None and self.request.user.county_id != report.county_id:
            raise Http404("没有找到该信息")

    def form_context(self, report) -> dict:
        return {"report": report}


class ReportGradeView(ReviewActionView):
    form_class = GradeForm
    form_name = "grade_form"
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


class ReportReturnView(ReportFormMixin, ReviewActionView):
    form_class = ReturnForm
    form_name = "return_form"
    success_message = "已退回信息员修改"
    form_template = "reports/_return_form.html"
    heading = "退回修改"

    def form_problem(self, report):
        if not rules.staff_may_review(status=report.status):
            return f"该信息当前状态为“{report.get_status_display()}”，不能退回"
        return None

    def blank_form(self, report):
        return ReturnForm(initial={"version": report.version})

    def act(self, report, data):
        services.report_return(
            report=report,
            reviewer=self.request.user,
            reason=data["reason"],
            version=data["version"],
            request=self.request,
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
            data["status"] = Status.SUBMITTED
            kwargs["data"] = data
        return kwargs
