"""Staff review: the queue, grading and returning."""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect
from django.views import View
from django_filters.views import FilterView

from officers.permissions import StaffRequiredMixin
from unionportal.core.forms import add_service_errors
from unionportal.core.list_views import FilteredListMixin

from .. import selectors, services
from ..choices import Status
from ..filters import ReviewQueueFilter
from ..forms import GradeForm, ReturnForm
from .reports import ReportDetailView, ReportScopedMixin


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
