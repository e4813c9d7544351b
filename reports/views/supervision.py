"""Supervision pages (督办): the county's items most urgent first, one item with its timeline, and its
actions (respond, close, ask for an extension; a county admin decides extensions). Staff only: an
officer is refused, another county's item is not found. The risk-level form of a report posts here."""

from django.http import Http404
from django.urls import reverse
from django.views.generic import ListView, TemplateView

from officers.permissions import AdminRequiredMixin, StaffRequiredMixin
from unionportal.core.actions import DeferredFormMixin, ServiceActionView
from unionportal.core.list_views import ForgivingPaginationMixin

from .. import rules, selectors, services
from ..forms import (
    ExtensionDecisionForm,
    RiskLevelForm,
    SupervisionCloseForm,
    SupervisionExtensionForm,
    SupervisionNoteForm,
)
from ..models import ExtensionState, SupervisionColour, SupervisionItem, SupervisionState
from .reports import ReportDetailView, ReportScopedMixin
from .review import ReportFormMixin


class SupervisionListView(StaffRequiredMixin, ForgivingPaginationMixin, ListView):
    template_name = "reports/supervision_list.html"
    context_object_name = "items"
    paginate_by = 20

    def filters(self) -> dict:
        get = self.request.GET
        state = get.get("state", SupervisionState.OPEN)
        return {
            "state": state if state in (*SupervisionState.values, "all") else SupervisionState.OPEN,
            "colour": get.get("colour", ""),
            "kind": get.get("kind", ""),
            "mine": get.get("mine") == "1",
        }

    def get_queryset(self):
        return selectors.supervision_list(user=self.request.user, **self.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        counts = selectors.colour_counts(user=self.request.user)
        context.update(
            f=self.filters(),
            colour_counts=[(value, label, counts[value]) for value, label in SupervisionColour.choices],
            colours=SupervisionColour.choices,
            kinds=SupervisionItem.Kind.choices,
            states=SupervisionState.choices,
            query_without_page=query.urlencode(),
        )
        return context


class SupervisionScopedMixin:
    def get_item(self) -> SupervisionItem:
        if not hasattr(self, "_item"):
            try:
                self._item = selectors.supervision_detail(user=self.request.user, pk=self.kwargs["pk"])
            except SupervisionItem.DoesNotExist:
                raise Http404("没有找到该督办事项") from None
        return self._item


class SupervisionDetailView(StaffRequiredMixin, SupervisionScopedMixin, TemplateView):
    template_name = "reports/supervision_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.get_item()
        extensions = list(item.extensions.all())
        pending = next((e for e in extensions if e.state == ExtensionState.PENDING), None)
        context.update(
            item=item,
            extensions=extensions,
            pending=pending,
            respond_form=kwargs.get("respond_form") or SupervisionNoteForm(),
            close_form=kwargs.get("close_form") or SupervisionCloseForm(),
            extension_form=kwargs.get("extension_form") or SupervisionExtensionForm(),
            decision_form=kwargs.get("decision_form")
            or (ExtensionDecisionForm(initial={"extension": pending.pk}) if pending else None),
        )
        return context


class SupervisionActionView(StaffRequiredMixin, SupervisionScopedMixin, ServiceActionView):
    detail_view = SupervisionDetailView

    def get_object(self):
        return self.get_item()

    def get_success_url(self, item):
        return reverse("reports:supervision_detail", args=[item.pk])

    def prime_detail_view(self, view, item):
        view._item = item


class SupervisionRespondView(SupervisionActionView):
    form_class, form_name, success_message = SupervisionNoteForm, "respond_form", "已登记响应"

    def act(self, item, data):
        services.supervision_respond(item=item, actor=self.request.user, note=data["note"])


class SupervisionCloseView(SupervisionActionView):
    form_class, form_name, success_message = SupervisionCloseForm, "close_form", "督办事项已办结"

    def act(self, item, data):
        services.supervision_close(item=item, actor=self.request.user, note=data["note"])


class SupervisionExtendView(SupervisionActionView):
    form_class, form_name = SupervisionExtensionForm, "extension_form"
    success_message = "延期申请已提交，待本县区管理员审批"

    def act(self, item, data):
        services.extension_request(
            item=item, actor=self.request.user, new_due_at=data["new_due_at"], reason=data["reason"]
        )


class ExtensionDecideView(AdminRequiredMixin, SupervisionActionView):
    form_class, form_name = ExtensionDecisionForm, "decision_form"

    def act(self, item, data):
        extension = item.extensions.filter(pk=data["extension"]).first()
        if extension is None:
            raise Http404("没有找到该延期申请")
        approve = data["decision"] == "approve"
        services.extension_decide(extension=extension, actor=self.request.user, approve=approve, note=data["note"])
        return "已批准延期，办结时限已调整" if approve else "已不批准延期"


class RiskFormMixin(DeferredFormMixin):
    """The folded 设定 / 调整风险等级 form of a subject's page (a report's, a case's), fetched when its
    panel opens: who may set a level is ``rules.risk_setter_problem``, whom an item may go to the
    county's staff. A view names its URL (``risk_url``) and its subject (``get_object``)."""

    form_name = "risk_form"
    success_message = "风险等级已设定，已生成督办事项"
    form_template = "reports/_risk_form.html"
    heading = "设定 / 调整风险等级"
    risk_url = ""

    def form_problem(self, subject):
        user = self.request.user
        return rules.risk_setter_problem(
            is_staff=user.is_portal_staff,
            is_superuser=user.is_superuser,
            own_county=user.county_id == subject.county_id,
        )

    def blank_form(self, subject):
        return RiskLevelForm(owners=selectors.owner_choices(county_id=subject.county_id))

    def get_form(self, subject):
        return RiskLevelForm(self.request.POST, owners=selectors.owner_choices(county_id=subject.county_id))

    def form_context(self, subject):
        return {**super().form_context(subject), "risk_action": reverse(self.risk_url, args=[subject.pk])}


class ReportRiskView(StaffRequiredMixin, ReportScopedMixin, RiskFormMixin, ReportFormMixin, ServiceActionView):
    """Set or change a report's risk level (the report's page shows the history; the form is folded)."""

    detail_view = ReportDetailView
    risk_url = "reports:risk"

    def get_object(self):
        return self.get_report()

    def act(self, report, data):
        services.risk_level_set(
            subject=report, level=data["level"], reason=data["reason"], actor=self.request.user, owner=data["owner"]
        )

    def get_success_url(self, report):
        return reverse("reports:detail", args=[report.pk])

    def prime_detail_view(self, view, report):
        view._report = report
