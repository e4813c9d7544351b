"""Forwarding upward (上报): the county forwards from a report's page; each unit above has its queue,
an item's page with the chain of forwards and the decision forms; the county's staff may reveal who
an officer code stands for (audited)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView

from officers.permissions import StaffRequiredMixin, UnitStaffRequiredMixin
from unionportal.core.actions import DeferredFormMixin, ServiceActionView
from unionportal.core.attachments import private_file_response
from unionportal.core.audit import audit_record
from unionportal.core.list_views import FilteredListMixin
from unionportal.core.models import AuditEntry

from .. import rules, selectors, services
from ..bulletin_forms import InstructionForm
from ..filters import ForwardQueueFilter
from ..forms import ForwardAdoptForm, ForwardForm, ForwardOnForm, ForwardRefuseForm
from ..models import ForwardedItem, ReportAttachment
from .reports import ReportDetailView, ReportScopedMixin
from .review import ReportFormMixin

BOXES = {"received": "报送本单位的信息", "all": "全部可见的上报信息"}


class ReportForwardView(StaffRequiredMixin, ReportScopedMixin, ReportFormMixin, ServiceActionView):
    """上报, from the report's page at the county."""

    form_class = ForwardForm
    form_name = "forward_form"
    detail_view = ReportDetailView
    form_template = "reports/_forward_form.html"
    heading = "上报上级"

    def form_problem(self, report):
        if report.county.region_id is None:
            return f"{report.county.name}尚未设置上级单位（市或省），不能上报；请联系系统管理员"
        return rules.forward_problem(status=report.status, grade=report.grade)

    def blank_form(self, report):
        return ForwardForm(initial={"title": report.title, "content": report.content})

    def audit_read(self, report):
        # The form holds the report's title and text: reading them here is a read of the report.
        audit_record(actor=self.request.user, action=AuditEntry.Action.VIEW_REPORT, report=report, request=self.request)

    def get_object(self):
        return self.get_report()

    def get_success_url(self, report):
        return reverse("reports:detail", args=[report.pk])

    def prime_detail_view(self, view, report):
        view._report = report

    def act(self, report, data):
        item = services.item_forward(
            report=report,
            actor=self.request.user,
            title=data["title"],
            content=data["content"],
            note=data.get("note", ""),
            with_attachments=data.get("with_attachments", False),
            request=self.request,
        )
        return f"已上报至{item.to_region.name}"


class ForwardQueueView(UnitStaffRequiredMixin, FilteredListMixin, FilterView):
    """A unit's queue of forwarded items (a county's staff: what their county forwarded)."""

    template_name = "reports/forward_queue.html"
    filterset_class = ForwardQueueFilter
    context_object_name = "items"

    def box(self) -> str:
        box = self.request.GET.get("box", "received")
        return box if box in BOXES else "received"

    def get_queryset(self):
        return selectors.unit_queue(user=self.request.user, box=self.box())

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if self.request.user.is_regional_staff and "status" not in self.request.GET:
            # A unit's queue opens on what waits for it; 全部状态 shows everything.
            data = kwargs["data"].copy() if kwargs["data"] is not None else QueryDict(mutable=True)
            data["status"] = ForwardedItem.Status.PENDING
            kwargs["data"] = data
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(box=self.box(), boxes=BOXES, unit=self.request.user.unit)
        return context


class ForwardedItemScopedMixin:
    def get_item(self) -> ForwardedItem:
        if not hasattr(self, "_item"):
            try:
                self._item = selectors.item_for_view(user=self.request.user, pk=self.kwargs["pk"])
            except ForwardedItem.DoesNotExist:
                raise Http404("没有找到该上报信息") from None
        return self._item


class ForwardedItemDetailView(UnitStaffRequiredMixin, ForwardedItemScopedMixin, TemplateView):
    template_name = "reports/forwarded_item.html"
    revealed_officer = None

    def get(self, request, *args, **kwargs):
        item = self.get_item()
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.VIEW_FORWARDED,
            report=item.report,
            request=request,
            target=f"上报信息：{item.title}",
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.get_item()
        user = self.request.user
        decides = user.is_regional_staff and user.region_id == item.to_region_id
        pending = item.status == ForwardedItem.Status.PENDING
        may_forward_on = (
            decides and item.status != ForwardedItem.Status.REFUSED and item.to_region.parent_id is not None
        )
        chain = selectors.item_chain(user=user, item=item)
        if may_forward_on and any(link.previous_id == item.pk for link in chain):
            may_forward_on = False  # already forwarded on
        context.update(
            item=item,
            chain=chain,
            attachments=selectors.item_attachments(item=item),
            may_decide=decides and pending,
            may_forward_on=may_forward_on,
            may_reveal=user.county_id is not None and user.county_id == item.county_id,
            revealed_officer=self.revealed_officer,
            adopt_form=kwargs.get("adopt_form") or ForwardAdoptForm(),
            refuse_form=kwargs.get("refuse_form") or ForwardRefuseForm(),
            forward_on_form=kwargs.get("forward_on_form")
            or ForwardOnForm(initial={"title": item.title, "content": item.content}),
            may_instruct=decides,
            instructions=list(item.instructions.select_related("follow_up").order_by("given_on", "pk")),
        )
        # Folded: fetched when opened (ForwardInstructionView.get), here only after a refused POST.
        context["instruction_form"] = kwargs.get("instruction_form")
        # A refusal of the service shows above the forms (a form not shown any more, after a
        # decision made meanwhile, still says why).
        context["form_errors"] = [context[name] for name in ("adopt_form", "refuse_form", "forward_on_form")]
        return context


class ForwardedActionView(UnitStaffRequiredMixin, ForwardedItemScopedMixin, ServiceActionView):
    """A decision on an item (采用, 不予采用, 转报): the staff of the unit it was forwarded to only."""

    detail_view = ForwardedItemDetailView

    def get_object(self):
        item = self.get_item()
        if self.request.user.region_id != item.to_region_id:
            raise PermissionDenied(f"只有{item.to_region.name}的工作人员可以处理该信息")
        return item

    def get_success_url(self, item):
        return reverse("reports:forwarded", args=[item.pk])

    def prime_detail_view(self, view, item):
        view._item = item


class ForwardAdoptView(ForwardedActionView):
    form_class, form_name = ForwardAdoptForm, "adopt_form"
    success_message = "已采用：原信息评定为县级以上部门采用，已通知信息员和来源县区"

    def act(self, item, data):
        services.item_adopt(item=item, actor=self.request.user, request=self.request, **data)


class ForwardRefuseView(ForwardedActionView):
    form_class, form_name = ForwardRefuseForm, "refuse_form"
    success_message = "已记录不予采用，已通知来源县区"

    def act(self, item, data):
        services.item_refuse(item=item, actor=self.request.user, reason=data["reason"], request=self.request)


class ForwardOnView(ForwardedActionView):
    form_class, form_name = ForwardOnForm, "forward_on_form"

    def act(self, item, data):
        forwarded = services.item_forward_on(item=item, actor=self.request.user, request=self.request, **data)
        return f"已转报至{forwarded.to_region.name}"


def forwarded_instruction_form(item, user, data=None, files=None):
    """The instruction form of a forwarded item: the owner among the sending county's staff (and the
    recorder's unit)."""
    return InstructionForm(data, files, owners=services.owner_choices(actor=user, county_ids=[item.county_id]))


class ForwardInstructionView(DeferredFormMixin, ForwardedActionView):
    """领导批示 on an item forwarded to the unit (a city leader writing on what a county sent up)."""

    form_name = "instruction_form"
    success_message = "批示已登记，已通知报送县区和信息员，并生成落实事项"
    form_template = "reports/_forwarded_instruction_form.html"
    heading = "登记领导批示"

    def blank_form(self, item):
        return forwarded_instruction_form(item, self.request.user)

    def form_context(self, item):
        return {"item": item}

    def get_form(self, item):
        return forwarded_instruction_form(item, self.request.user, self.request.POST, self.request.FILES)

    def act(self, item, data):
        services.instruction_record(
            report=item.report, forwarded_item=item, actor=self.request.user, request=self.request, **data
        )


class OfficerRevealView(StaffRequiredMixin, ForwardedItemScopedMixin, View):
    """查看信息员身份: POST only (a link followed or prefetched reveals nothing); the page again, with
    the name shown once, and an audit row."""

    def post(self, request, pk):
        item = self.get_item()
        try:
            officer = services.officer_reveal(item=item, actor=request.user, request=request)
        except ValidationError:
            raise Http404("没有找到该上报信息") from None
        view = ForwardedItemDetailView(revealed_officer=officer)
        view.setup(request, pk=pk)
        view._item = item
        return view.render_to_response(view.get_context_data())


class ForwardedAttachmentView(UnitStaffRequiredMixin, ForwardedItemScopedMixin, View):
    """An attachment of the original, through the forwarded item (only when the county forwarded them)."""

    def get(self, request, pk, attachment_pk):
        item = self.get_item()
        attachment = None
        if item.with_attachments:
            attachment = ReportAttachment.objects.filter(pk=attachment_pk, report_id=item.report_id).first()
        if attachment is None:
            raise Http404("没有找到该附件")
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.VIEW_ATTACHMENT,
            report=item.report,
            target=attachment.original_name,
            request=request,
        )
        inline = request.GET.get("inline") == "1" and attachment.kind == ReportAttachment.Kind.IMAGE
        return private_file_response(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type, inline=inline
        )
