"""Events (突发事件): the list, one event's chain, filing a 续报 or the 终报, confirming a phone report;
and merging a report into a lead (线索合并)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from officers.permissions import OfficerRequiredMixin, StaffRequiredMixin
from unionportal.core.actions import ServiceActionView
from unionportal.core.audit import audit_record
from unionportal.core.forms import add_service_errors
from unionportal.core.idempotency import SubmitOnceViewMixin
from unionportal.core.list_views import ForgivingPaginationMixin
from unionportal.core.models import AuditEntry

from .. import selectors, services
from ..forms import EventEntryForm, MergeForm, PhoneInitialForm, RiskLevelForm
from ..models import EntryKind, Event, EventEntry, EventState, Report


class EventListView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    """Staff: the county's events, open ones first. An officer: the events they reported into, and
    the county's open events they may file a 续报 into."""

    template_name = "reports/event_list.html"
    context_object_name = "events"
    paginate_by = 20

    def get_queryset(self):
        user = self.request.user
        if user.is_portal_staff:
            return selectors.event_list(user=user, state=self.request.GET.get("state", ""))
        return selectors.my_events(user=user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["states"] = EventState.choices
        context["state"] = self.request.GET.get("state", "")
        if not user.is_portal_staff:
            mine = {e.pk for e in context["events"]}
            context["joinable"] = [e for e in selectors.events_joinable(user=user)[:20] if e.pk not in mine]
        return context


class EventScopedMixin:
    def get_event(self) -> Event:
        if not hasattr(self, "_event"):
            try:
                self._event = selectors.event_for_view(user=self.request.user, pk=self.kwargs["pk"])
            except Event.DoesNotExist:
                raise Http404("没有找到该事件") from None
        return self._event


class EventDetailView(LoginRequiredMixin, EventScopedMixin, TemplateView):
    """The chain as one timeline: 初报, 续报 N (on time or late against its due time), 终报; the 漏报;
    the source reports merged into its lead."""

    template_name = "reports/event_detail.html"

    def get(self, request, *args, **kwargs):
        event = self.get_event()
        initial = next((e for e in event.entries.all() if e.kind == EntryKind.INITIAL), None)
        # Reading the chain reads its 初报: audited like the report's own page, here in get().
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.VIEW_REPORT,
            report=initial.report if initial else None,
            request=request,
            target=f"事件：{event.title}"[:200],
        )
        if initial is not None and initial.report is not None and request.user.is_portal_staff:
            selectors.open_emergencies_opened(report=initial.report)  # its 初报 opened: off the red banner
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.get_event()
        user = self.request.user
        context["event"] = event
        context["entries"] = list(event.entries.all())
        context["missed"] = [m for m in event.missed.all() if m.answered_by_id is None]
        context["lead_reports"] = selectors.lead_reports(user=user, event=event)
        context["may_file"] = event.state == EventState.OPEN and (
            user.is_portal_staff or getattr(getattr(user, "officer", None), "county_id", None) == event.county_id
        )
        if user.is_portal_staff:
            # The risk level is the union's judgement: staff only, never on an officer's page.
            context["risk_form"] = kwargs.get("risk_form") or RiskLevelForm(
                owners=selectors.owner_choices(county_id=event.county_id)
            )
            context.update(selectors.risk_panel(user=user, event=event))
        return context


class EventRiskView(StaffRequiredMixin, EventScopedMixin, ServiceActionView):
    """Set or change an event's risk level (the event's page shows the form and the history): a risk
    supervision item with the county's deadlines for the level."""

    detail_view = EventDetailView
    form_name = "risk_form"
    success_message = "风险等级已设定，已生成督办事项"
    load_method, cache_attr, url_name = "get_event", "_event", "reports:event"

    def get_form(self, event):
        return RiskLevelForm(self.request.POST, owners=selectors.owner_choices(county_id=event.county_id))

    def act(self, event, data):
        services.risk_level_set(
            subject=event, level=data["level"], reason=data["reason"], actor=self.request.user, owner=data["owner"]
        )


class EventEntryCreateView(LoginRequiredMixin, SubmitOnceViewMixin, FormView):
    """The 续报 or 终报 form of an open event. An officer of the county files as themself; staff file an
    entry of their own or a phone report on an officer's behalf. Sent once (one-time key)."""

    form_class = EventEntryForm
    template_name = "reports/event_entry_form.html"
    kind = EntryKind.FOLLOWUP

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        user = request.user
        # Staff through the scoping rule; an officer may join any open event of their county.
        if user.is_portal_staff:
            events = Event.objects.visible_to(user)
        else:
            events = Event.objects.joinable_by(user) | Event.objects.visible_to(user)
        self.event = events.select_related("township", "enterprise").filter(pk=kwargs["pk"]).first()
        if self.event is None:
            raise Http404("没有找到该事件")
        if self.event.state != EventState.OPEN and request.method != "POST":
            messages.error(request, services.events.CLOSED_MESSAGE)
            return redirect(self.done_url())
        return super().dispatch(request, *args, **kwargs)

    def done_url(self) -> str:
        if Event.objects.visible_to(self.request.user).filter(pk=self.event.pk).exists():
            return reverse("reports:event", args=[self.event.pk])
        return reverse("reports:events")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["kind"] = self.kind
        if self.request.user.is_portal_staff:
            kwargs["officers"] = selectors.event_officer_choices(user=self.request.user, event=self.event)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        context["kind"] = self.kind
        context["label"] = "终报" if self.kind == EntryKind.FINAL else f"续报{self.event.followup_count + 1}"
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            done = self.submit_once(
                form,
                create=lambda: services.event_entry_file(
                    event=self.event,
                    kind=self.kind,
                    actor=self.request.user,
                    data=form.entry_data(),
                    officer=data.get("officer"),
                    phone=bool(data.get("phone")),
                    reported_at=data.get("reported_at"),
                ),
                url_of=lambda entry: reverse("reports:event", args=[entry.event_id]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if done.repeated:
            return self.show_first_result(done)
        entry = done.created
        if entry.kind == EntryKind.FINAL:
            messages.success(self.request, "终报已报送，事件已办结")
        else:
            timing = "按时" if entry.on_time else "逾期"
            messages.success(self.request, f"{entry.label}已报送（{timing}）")
        return redirect("reports:event", pk=entry.event_id)


class EventFinalCreateView(EventEntryCreateView):
    kind = EntryKind.FINAL


class EventPhoneInitialView(StaffRequiredMixin, SubmitOnceViewMixin, FormView):
    """Staff record a 突发 report an officer gave by phone (电话初报) on the officer's behalf: it becomes
    the officer's report, reported at the call's time, and opens the event; the officer confirms it."""

    form_class = PhoneInitialForm
    template_name = "reports/event_phone_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            done = self.submit_once(
                form,
                create=lambda: services.report_record_phone(
                    actor=self.request.user,
                    officer=data["officer"],
                    data=form.report_data(),
                    called_at=data["called_at"],
                    request=self.request,
                ),
                url_of=lambda report: reverse("reports:event", args=[report.event_entry.event_id]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if done.repeated:
            return self.show_first_result(done)
        report = done.created
        messages.success(self.request, f"已代{report.officer.name}录入电话初报，事件已开启，已请信息员登录确认")
        return redirect("reports:event", pk=report.event_entry.event_id)


class EventEntryConfirmView(OfficerRequiredMixin, View):
    """POST only: the officer confirms a report staff recorded from their phone call."""

    def post(self, request, pk):
        try:
            entry = selectors.entry_for_officer(user=request.user, pk=pk)
        except EventEntry.DoesNotExist:
            raise Http404("没有找到该报告") from None
        try:
            services.event_entry_confirm(entry=entry, officer=request.user.officer)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已确认{entry.label}（电话报告）")
        return redirect("reports:event", pk=entry.event_id)


class ReportMergeView(StaffRequiredMixin, View):
    """POST only: merge the report into another report's lead, or into an event's (线索合并)."""

    def post(self, request, pk):
        try:
            report = selectors.report_for_view(user=request.user, pk=pk)
        except Report.DoesNotExist:
            raise Http404("没有找到该信息") from None
        form = MergeForm(request.POST)
        if not form.is_valid():
            messages.error(request, "；".join(form.non_field_errors()) or "请选择要并入的信息或事件")
            return redirect("reports:detail", pk=pk)
        into_report = into_event = None
        if form.cleaned_data.get("into_report"):
            into_report = Report.objects.visible_to(request.user).filter(pk=form.cleaned_data["into_report"]).first()
            if into_report is None:
                messages.error(request, "没有找到要并入的信息")
                return redirect("reports:detail", pk=pk)
        else:
            into_event = Event.objects.visible_to(request.user).filter(pk=form.cleaned_data["into_event"]).first()
            if into_event is None:
                messages.error(request, "没有找到要并入的事件")
                return redirect("reports:detail", pk=pk)
        try:
            services.report_merge(
                report=report, actor=request.user, into_report=into_report, into_event=into_event, request=request
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("reports:detail", pk=pk)
        messages.success(request, f"已将“{report.title}”并入线索，来源信息和报送人都保留")
        return redirect("reports:detail", pk=pk)
