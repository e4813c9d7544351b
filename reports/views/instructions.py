"""Adoption receipts entered on an item, leader instructions and their follow-ups."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from officers.permissions import UnitStaffRequiredMixin
from unionportal.core.actions import ServiceActionView
from unionportal.core.attachments import private_file_response
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry

from .. import selectors, services
from ..bulletin_forms import FeedbackForm, InstructionForm, ReceiptForm
from ..models import COUNTED_STATUSES, Adoption, Instruction
from .review import ReportFormMixin, ReviewActionView


class CountyStaffFormMixin(ReportFormMixin):
    """Receipts and instructions on a report are the county's own staff's (a report is theirs), and
    only on a report that counts (submitted or reviewed)."""

    def form_problem(self, report):
        if report.status not in COUNTED_STATUSES:
            return f"该信息当前状态为“{report.get_status_display()}”，不能登记"
        return None


class ReceiptCreateView(CountyStaffFormMixin, ReviewActionView):
    """登记采用回执: a body outside the portal used the item (with an optional scan)."""

    form_class = ReceiptForm
    form_name = "receipt_form"
    success_message = "采用回执已登记"
    form_template = "reports/_receipt_form.html"
    heading = "登记采用回执"

    def blank_form(self, report):
        return ReceiptForm()

    def get_form(self, report):
        return ReceiptForm(self.request.POST, self.request.FILES)

    def act(self, report, data):
        self.check_object(report)
        _, created = services.report_adopt(
            report=report,
            actor=self.request.user,
            body=data["body"],
            publication=data.get("publication", ""),
            issue=data.get("issue", ""),
            adopted_on=data["adopted_on"],
            source=Adoption.Source.RECEIPT,
            receipt=data.get("receipt"),
            request=self.request,
        )
        return None if created else "这份采用回执已登记过，未重复记录"


class ReportInstructionView(CountyStaffFormMixin, ReviewActionView):
    """领导批示 recorded by the county on its own item (a county leader's, or one on its bulletin)."""

    form_name = "instruction_form"
    success_message = "批示已登记，已通知信息员，并生成落实事项"
    form_template = "reports/_instruction_form.html"
    heading = "登记领导批示"

    def blank_form(self, report):
        return InstructionForm(owners=services.owner_choices(report=report, actor=self.request.user))

    def get_form(self, report):
        return InstructionForm(
            self.request.POST,
            self.request.FILES,
            owners=services.owner_choices(report=report, actor=self.request.user),
        )

    def act(self, report, data):
        self.check_object(report)
        services.instruction_record(report=report, actor=self.request.user, request=self.request, **data)


class AdoptionReceiptView(LoginRequiredMixin, View):
    def get(self, request, pk):
        adoption = Adoption.objects.visible_to(request.user).select_related("report").filter(pk=pk).first()
        if adoption is None or not adoption.receipt:
            raise Http404("没有找到该回执")
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.VIEW_ATTACHMENT,
            report=adoption.report,
            target=f"采用回执：{adoption.receipt_name}"[:200],
            request=request,
        )
        return private_file_response(
            adoption.receipt, filename=adoption.receipt_name, content_type=adoption.receipt_type
        )


class InstructionListView(UnitStaffRequiredMixin, TemplateView):
    """领导批示: the unit's instructions (and its counties'), open, overdue or answered."""

    template_name = "reports/instruction_list.html"
    STATES = {"open": "落实中", "overdue": "已逾期", "done": "已反馈"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        instructions = selectors.instruction_rows(user=self.request.user)
        state = self.request.GET.get("state", "")
        if state == "open":
            instructions = instructions.filter(follow_up__feedback_at__isnull=True)
        elif state == "overdue":
            instructions = instructions.filter(follow_up__feedback_at__isnull=True, follow_up__due_on__lt=today)
        elif state == "done":
            instructions = instructions.filter(follow_up__feedback_at__isnull=False)
        context.update(instructions=instructions[:200], state=state, states=self.STATES, today=today)
        return context


class InstructionScopedMixin:
    def get_instruction(self) -> Instruction:
        if not hasattr(self, "_instruction"):
            found = (
                selectors.instructions_for(user=self.request.user)
                .select_related("recorded_by", "follow_up__feedback_by", "recorded_region")
                .filter(pk=self.kwargs["pk"])
                .first()
            )
            if found is None:
                raise Http404("没有找到该批示")
            self._instruction = found
        return self._instruction


class InstructionDetailView(UnitStaffRequiredMixin, InstructionScopedMixin, TemplateView):
    template_name = "reports/instruction_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        instruction = self.get_instruction()
        follow_up = instruction.follow_up
        user = self.request.user
        context.update(
            instruction=instruction,
            follow_up=follow_up,
            today=timezone.localdate(),
            may_feedback=not follow_up.is_done
            and (user.pk == follow_up.owner_id or user.county_id == instruction.county_id),
            # Only the county that sent the item opens the report itself.
            may_open_report=user.county_id == instruction.county_id or user.is_superuser,
            feedback_form=kwargs.get("feedback_form") or FeedbackForm(),
        )
        return context


class FollowUpFeedbackView(UnitStaffRequiredMixin, InstructionScopedMixin, ServiceActionView):
    form_class = FeedbackForm
    form_name = "feedback_form"
    success_message = "落实情况已反馈"
    detail_view = InstructionDetailView

    def get_object(self):
        return self.get_instruction()

    def get_success_url(self, instruction):
        return reverse("reports:instruction", args=[instruction.pk])

    def prime_detail_view(self, view, instruction):
        view._instruction = instruction

    def act(self, instruction, data):
        services.follow_up_feedback(
            follow_up=instruction.follow_up, actor=self.request.user, feedback=data["feedback"], request=self.request
        )


class InstructionScanView(UnitStaffRequiredMixin, InstructionScopedMixin, View):
    def get(self, request, pk):
        instruction = self.get_instruction()
        if not instruction.scan:
            raise Http404("没有扫描件")
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.VIEW_ATTACHMENT,
            report=instruction.report,
            target=f"批示扫描件：{instruction.scan_name}"[:200],
            request=request,
        )
        return private_file_response(
            instruction.scan, filename=instruction.scan_name, content_type=instruction.scan_type
        )
