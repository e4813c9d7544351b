from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import CreateView, FormView, TemplateView, UpdateView
from django_filters.views import FilterView

from unionportal.core.forms import add_service_errors
from unionportal.core.idempotency import SubmitOnceViewMixin
from unionportal.core.list_views import FilteredListMixin

from . import lockouts, selectors, services
from .filters import OfficerFilter
from .forms import (
    ActivityForm,
    AttendanceForm,
    CommendationForm,
    GuidanceForm,
    OfficerForm,
    OfficerPasswordForm,
    OfficerStatusForm,
    SignInForm,
    VettingNoteForm,
)
from .models import Activity, Officer
from .permissions import AdminRequiredMixin, StaffRequiredMixin


class OfficerScopedMixin:
    """Loads the officer in the URL through the scoping rule: another county's officer is a 404."""

    def get_officer(self):
        if not hasattr(self, "_officer"):
            try:
                self._officer = selectors.officer_detail(user=self.request.user, pk=self.kwargs["pk"])
            except Officer.DoesNotExist:
                raise Http404("没有找到该信息员") from None
        return self._officer

    def get_object(self, queryset=None):
        return self.get_officer()


class OfficerListView(StaffRequiredMixin, FilteredListMixin, FilterView):
    template_name = "officers/officer_list.html"
    filterset_class = OfficerFilter
    context_object_name = "officers"

    def get_queryset(self):
        return selectors.officer_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = selectors.officer_counts(queryset=self.filterset.qs)
        return context


def officer_url(officer) -> str:
    return reverse("officers:detail", kwargs={"pk": officer.pk})


class OfficerFormMixin(SubmitOnceViewMixin):
    """An officer's record, saved once per form (a new employer and the officer in one transaction)."""

    model = Officer
    form_class = OfficerForm
    template_name = "officers/officer_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def save_officer(self, form, officer):
        new_name = form.cleaned_data.get("new_employer_name")
        if new_name:
            try:
                officer.employer = services.enterprise_resolve(
                    county=officer.county,
                    name=new_name,
                    credit_code=form.cleaned_data.get("new_employer_credit_code", ""),
                    township=officer.township,
                )
            except ValidationError as exc:
                fields = {"credit_code": "new_employer_credit_code", "name": "new_employer_name"}
                raise ValidationError(
                    {fields.get(f, "new_employer_name"): m for f, m in exc.message_dict.items()}
                ) from None
        return services.officer_save(officer=officer, actor=self.request.user)

    def form_valid(self, form):
        officer = form.save(commit=False)
        try:
            done = self.submit_once(form, create=lambda: self.save_officer(form, officer), url_of=officer_url)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if done.repeated:
            return self.show_first_result(done)
        self.object = done.created
        messages.success(self.request, f"已保存信息员 {self.object.name} 的资料")
        return redirect(done.url)


class OfficerCreateView(AdminRequiredMixin, OfficerFormMixin, CreateView):
    pass


class OfficerUpdateView(AdminRequiredMixin, OfficerScopedMixin, OfficerFormMixin, UpdateView):
    pass


class OfficerActionView(OfficerScopedMixin, SubmitOnceViewMixin, FormView):
    """A form about one officer that calls one service; one that adds a record (a vetting note,
    guidance, a commendation) is sent once: sent again, it shows the officer's page."""

    success_message = ""
    heading = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["officer"] = self.get_officer()
        context["heading"] = self.heading
        return context

    def form_valid(self, form):
        try:
            done = self.submit_once(
                form, create=lambda: self.act(form.cleaned_data), url_of=lambda _: self.get_success_url()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if done.repeated:
            return self.show_first_result(done)
        messages.success(self.request, self.success_message)
        return redirect(done.url)

    def get_success_url(self):
        return reverse("officers:detail", kwargs={"pk": self.get_officer().pk})


class OfficerStatusView(AdminRequiredMixin, OfficerActionView):
    form_class = OfficerStatusForm
    template_name = "officers/officer_status.html"
    heading = "变更状态"
    success_message = "状态已变更"

    def act(self, data):
        services.officer_change_status(
            officer=self.get_officer(), to_status=data["to_status"], actor=self.request.user, reason=data["reason"]
        )


class OfficerPasswordView(AdminRequiredMixin, OfficerActionView):
    form_class = OfficerPasswordForm
    template_name = "officers/officer_password.html"
    heading = "设置登录密码"
    success_message = "登录密码已设置，请告知信息员本人"

    def act(self, data):
        try:
            services.officer_set_password(
                officer=self.get_officer(), password=data["password1"], actor=self.request.user
            )
        except ValidationError as exc:
            raise ValidationError({"password1": exc.messages}) from None


class VettingNoteCreateView(StaffRequiredMixin, OfficerActionView):
    form_class = VettingNoteForm
    template_name = "officers/vetting_note_form.html"
    heading = "添加考察记录"
    success_message = "考察记录已保存"

    def act(self, data):
        return services.vetting_note_add(officer=self.get_officer(), author=self.request.user, **data)


# ---- training and engagement -----------------------------------------------------------------------


def activity_url(activity) -> str:
    return reverse("officers:activity", kwargs={"pk": activity.pk})


class ActivityListView(StaffRequiredMixin, SubmitOnceViewMixin, TemplateView):
    template_name = "officers/activity_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["activities"] = Activity.objects.visible_to(self.request.user).annotate(n=Count("attendances"))[:100]
        context["form"] = kwargs.get("form") or ActivityForm(initial={"held_on": timezone.localdate()})
        return context

    def post(self, request):
        repeated = self.repeated_submission()
        if repeated:
            return repeated
        form = ActivityForm(request.POST)
        if form.is_valid():
            if request.user.county is None:
                form.add_error(None, "您的账号没有所属县区")
            else:
                try:
                    done = self.submit_once(
                        form,
                        create=lambda: services.activity_create(
                            county=request.user.county, actor=request.user, **form.cleaned_data
                        ),
                        url_of=activity_url,
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    if done.repeated:
                        return self.show_first_result(done)
                    messages.success(request, "活动已登记")
                    return redirect(done.url)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ActivityDetailView(StaffRequiredMixin, TemplateView):
    template_name = "officers/activity_detail.html"

    def get_activity(self):
        activity = Activity.objects.visible_to(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if activity is None:
            raise Http404("没有找到该活动")
        return activity

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = self.get_activity()
        latest = activity.sign_in_codes.order_by("-created_at").first()
        live = latest is not None and latest.expires_at > timezone.now()
        context.update(
            activity=activity,
            attendances=activity.attendances.select_related("officer").order_by("officer__sort_key"),
            code=latest if live else None,
            code_retired=not live and latest is not None and latest.failed_attempts >= services.SIGN_IN_CODE_FAILURES,
            form=kwargs.get("form") or AttendanceForm(user=self.request.user),
        )
        return context

    def post(self, request, pk):
        activity = self.get_activity()
        if "issue_code" in request.POST:
            code = services.sign_in_code_issue(activity=activity, actor=request.user)
            messages.success(request, f"签到码 {code.code}，{services.SIGN_IN_MINUTES} 分钟内有效")
            return redirect("officers:activity", pk=pk)
        form = AttendanceForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                added = services.attendance_mark(
                    activity=activity, officers=form.cleaned_data["officers"], actor=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已登记 {added} 人参加")
                return redirect("officers:activity", pk=pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SignInView(LoginRequiredMixin, FormView):
    """An officer signs in at an event with the organiser's code, from the phone."""

    template_name = "officers/sign_in.html"
    form_class = SignInForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not hasattr(request.user, "officer"):
            raise PermissionDenied("签到供信息员使用")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            attendance = services.sign_in(
                officer=self.request.user.officer, code=form.cleaned_data["code"], request=self.request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"签到成功：{attendance.activity.topic}")
        return redirect("home")


class GuidanceCreateView(StaffRequiredMixin, OfficerActionView):
    form_class = GuidanceForm
    template_name = "officers/vetting_note_form.html"
    heading = "记录一对一指导"
    success_message = "指导记录已保存"

    def get_initial(self):
        return {"given_on": timezone.localdate()}

    def act(self, data):
        return services.guidance_record(officer=self.get_officer(), given_by=self.request.user, **data)


class CommendationCreateView(StaffRequiredMixin, OfficerActionView):
    form_class = CommendationForm
    template_name = "officers/vetting_note_form.html"
    heading = "登记表彰"
    success_message = "表彰已登记"

    def act(self, data):
        return services.commendation_add(officer=self.get_officer(), **data)


class LockoutListView(AdminRequiredMixin, TemplateView):
    """登录锁定: the lockouts in force for the county's accounts, each with a button that lifts it."""

    template_name = "officers/lockouts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lockouts"] = lockouts.locked_logins(user=self.request.user)
        return context

    def post(self, request):
        try:
            lockouts.lockout_clear(
                actor=request.user,
                kind=request.POST.get("kind", ""),
                ip_address=request.POST.get("ip_address", ""),
                username=request.POST.get("username", ""),
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已解除锁定，可以立即重新登录")
        return redirect("officers:lockouts")
