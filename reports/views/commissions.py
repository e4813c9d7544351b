"""Commissions (约稿): staff send them and follow the answers; officers see theirs and answer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from officers.permissions import OfficerRequiredMixin, UnitStaffRequiredMixin
from unionportal.core.forms import add_service_errors
from unionportal.core.idempotency import SubmitOnceViewMixin

from .. import selectors, services
from ..forms import CommissionForm, NothingToReportForm
from ..models import Commission


class CommissionListView(UnitStaffRequiredMixin, TemplateView):
    template_name = "reports/commission_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["commissions"] = selectors.commission_list(user=self.request.user)[:100]
        context["today"] = timezone.localdate()
        return context


class CommissionCreateView(UnitStaffRequiredMixin, SubmitOnceViewMixin, FormView):
    form_class = CommissionForm
    template_name = "reports/commission_form.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.is_portal_staff and user.county_id is None and not user.is_regional_staff:
            raise Http404("您的账号没有所属单位，不能发出约稿")
        return super().dispatch(request, *args, **kwargs)

    def send(self, data):
        user = self.request.user
        if user.is_regional_staff:
            # Down the unit tree: one commission per county below; the page shows the first.
            self.sent_down = services.commission_send_down(region=user.region, actor=user, **data)
            return self.sent_down[0]
        return services.commission_create(county=user.county, actor=user, **data)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            done = self.submit_once(
                form,
                create=lambda: self.send(data),
                url_of=lambda commission: reverse("reports:commission", args=[commission.pk]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if done.repeated:
            return self.show_first_result(done)
        if self.request.user.is_regional_staff:
            messages.success(self.request, f"约稿已下达 {len(self.sent_down)} 个县区的信息员（站内通知和短信）")
        else:
            n = done.created.recipients.count()
            messages.success(self.request, f"约稿已发给 {n} 名信息员（站内通知和短信）")
        return redirect(done.url)


class CommissionDetailView(UnitStaffRequiredMixin, TemplateView):
    template_name = "reports/commission_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            commission = selectors.commission_detail(user=self.request.user, pk=self.kwargs["pk"])
        except Commission.DoesNotExist:
            raise Http404("没有找到该约稿") from None
        context.update(commission=commission, counts=selectors.commission_counts(commission))
        return context


class MyCommissionsView(OfficerRequiredMixin, TemplateView):
    template_name = "reports/my_commissions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.my_commissions(officer=self.request.user.officer)
        context["nothing_form"] = kwargs.get("nothing_form") or NothingToReportForm()
        context["failed_pk"] = kwargs.get("failed_pk")
        return context


class CommissionNothingView(OfficerRequiredMixin, View):
    """无相关情况 with a line: POST only, about a commission sent to this officer."""

    def post(self, request, pk):
        commission = Commission.objects.visible_to(request.user).filter(pk=pk).first()
        if commission is None:
            raise Http404("没有找到该约稿")
        form = NothingToReportForm(request.POST)
        if form.is_valid():
            try:
                services.commission_answer_nothing(
                    commission=commission, officer=request.user.officer, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已答复约稿“{commission.topic}”：无相关情况")
                return redirect("reports:my_commissions")
        view = MyCommissionsView()
        view.setup(request)
        return view.render_to_response(view.get_context_data(nothing_form=form, failed_pk=commission.pk), status=400)
