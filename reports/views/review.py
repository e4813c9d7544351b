"""Staff review: the queue, grading and returning."""

from django.http import Http404, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django_filters.views import FilterView

from officers.permissions import StaffRequiredMixin
from unionportal.core.actions import ServiceActionView
from unionportal.core.list_views import FilteredListMixin

from .. import selectors, services
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


class DeferredFormMixin:
    """A form the report's page keeps folded (回执, 批示, 上报) is not rendered with the page: a GET
    of the form's own action URL gives it, alone (``?part=1``, fetched by static/js/deferred_form.js
    when the panel is opened) or on a page of its own (the panel's link, without script). Rendering
    the three with every view of the page cost a fifth of it (issue 21). After a refusal the page
    shows the posted form itself, with its errors, through the same template."""

    form_template = ""  # the form's markup, shared with the report's page
    heading = ""

    def check_staff_county(self, report) -> None:
        """These forms are the report's county's own: staff of another county find no such report."""
        if self.request.user.county_id is not None and self.request.user.county_id != report.county_id:
            raise Http404("没有找到该信息")

    def form_problem(self, report) -> str | None:
        """Why the form is not offered for ``report`` now (the service says the same on a POST)."""
        return None

    def blank_form(self, report):
        raise NotImplementedError

    def audit_read(self, report) -> None:
        """A form that shows the report's text writes its read to the audit log."""

    def get(self, request, *args, **kwargs):
        report = self.get_report()
        self.check_staff_county(report)
        problem = self.form_problem(report)
        if problem is None:
            self.audit_read(report)
        context = {
            "report": report,
            "form": None if problem else self.blank_form(report),
            "problem": problem,
            "form_template": self.form_template,
            "heading": self.heading,
        }
        part = request.GET.get("part") == "1"
        return render(
            request, "reports/deferred_form_part.html" if part else "reports/deferred_form_page.html", context
        )


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


class ReportReturnView(ReviewActionView):
    form_class = ReturnForm
    form_name = "return_form"
    success_message = "已退回信息员修改"

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
