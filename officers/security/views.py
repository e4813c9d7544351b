"""Pages of the second factor, the user's own sessions and the processing notice, and the consoles
of the security, audit and system administrators (三员分立)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from unionportal.core.audit import audit_record, chain_verify
from unionportal.core.forms import add_service_errors
from unionportal.core.models import AuditEntry, AuditPurge
from unionportal.core.sessions import session_end, sessions_end_all, sessions_of

from .. import personal
from ..models import ProcessingNotice, SecurityPolicy, User
from ..permissions import AuditAdminRequiredMixin, SecurityAdminRequiredMixin, SystemAdminRequiredMixin
from . import accounts, two_factor
from .audit_trail import audit_trail, audit_trail_xlsx
from .forms import AuditFilterForm, EnrolForm, PolicyForm, RoleForm, TokenForm
from .signin import NOTICE_DUE_KEY


def _next_url(request) -> str:
    url = request.GET.get("next") or request.POST.get("next") or ""
    if (
        url
        and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})
        and not url.startswith("/accounts/otp")
    ):
        return url
    return reverse("home")


class OtpVerifyView(LoginRequiredMixin, View):
    """The second step of the login: a code from the app, or a recovery code."""

    template_name = "registration/otp_verify.html"

    def get(self, request):
        if not two_factor.has_second_factor(request.user):
            return redirect(f"{reverse('otp_enrol')}?next={_next_url(request)}")
        return render(request, self.template_name, {"form": TokenForm(), "next": _next_url(request)})

    def post(self, request):
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                two_factor.second_factor_verify(request=request, user=request.user, token=form.cleaned_data["token"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect(_next_url(request))
        return render(request, self.template_name, {"form": form, "next": _next_url(request)}, status=200)


class OtpEnrolView(LoginRequiredMixin, View):
    """绑定身份验证器: scan the QR code (drawn here, no outside service), type the first code; the
    recovery codes are shown once."""

    template_name = "registration/otp_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        # A verified session may enrol again (a new phone); an unverified one only if it has none.
        if (
            request.user.is_authenticated
            and two_factor.has_second_factor(request.user)
            and not two_factor.is_verified(request)
        ):
            return redirect("otp_verify")
        return super().dispatch(request, *args, **kwargs)

    def context(self, form):
        device = two_factor.enrolment_device(user=self.request.user)
        return {
            "form": form,
            "qr_svg": two_factor.enrolment_qr_svg(device),
            "secret": two_factor.secret_text(device),
            "next": _next_url(self.request),
        }

    def get(self, request):
        return render(request, self.template_name, self.context(EnrolForm()))

    def post(self, request):
        form = EnrolForm(request.POST)
        if form.is_valid():
            try:
                codes = two_factor.enrolment_confirm(
                    request=request, user=request.user, token=form.cleaned_data["token"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return render(request, "registration/otp_codes.html", {"codes": codes, "next": _next_url(request)})
        return render(request, self.template_name, self.context(form))


class RecoveryCodesView(LoginRequiredMixin, View):
    """New recovery codes: only from a session that passed the second factor (this path is open to an
    unverified session only so far as the middleware goes; the view itself insists)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not two_factor.is_verified(request):
            return redirect("otp_verify")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(
            request,
            "registration/otp_codes.html",
            {"codes": None, "has_device": two_factor.has_second_factor(request.user), "next": reverse("home")},
        )

    def post(self, request):
        try:
            codes = two_factor.recovery_codes_renew(request=request, user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("otp_enrol")
        return render(request, "registration/otp_codes.html", {"codes": codes, "next": reverse("home")})


class SessionListView(LoginRequiredMixin, View):
    """我的登录会话: where the account is signed in; any of them can be ended here."""

    def get(self, request):
        rows = sessions_of(user=request.user)
        return render(
            request,
            "registration/sessions.html",
            {"sessions": rows, "current_key": request.session.session_key},
        )

    def post(self, request):
        key = request.POST.get("session_key", "")
        if request.POST.get("all_others"):
            ended = sessions_end_all(user_id=request.user.pk, keep=request.session.session_key)
            messages.success(request, f"已结束其他 {ended} 个会话")
        elif key and session_end(user_id=request.user.pk, session_key=key):
            messages.success(request, "已结束该会话")
        else:
            messages.error(request, "没有找到该会话，可能已经结束")
            return redirect("sessions")
        audit_record(
            actor=request.user, action=AuditEntry.Action.SESSION_END, target=str(request.user), request=request
        )
        if key == request.session.session_key:
            return redirect("login")
        return redirect("sessions")


class ProcessingNoticeView(LoginRequiredMixin, View):
    """The officer reads the current processing notice and accepts it (asked again for a new version)."""

    def get(self, request):
        notice = ProcessingNotice.current()
        if notice is None:
            raise Http404("目前没有告知书")
        return render(
            request,
            "registration/processing_notice.html",
            {"notice": notice, "due": bool(request.session.get(NOTICE_DUE_KEY))},
        )

    def post(self, request):
        if not request.user.is_officer:
            raise Http404
        if not request.POST.get("accept"):
            messages.error(request, "请阅读告知书并勾选“我已阅读并同意”")
            return redirect("processing_notice")
        personal.consent_accept_online(request=request, user=request.user)
        request.session.pop(NOTICE_DUE_KEY, None)
        messages.success(request, "已确认个人信息处理告知书")
        return redirect("home")


# ---- 安全管理员 ------------------------------------------------------------------------------------


class SecurityHomeView(SecurityAdminRequiredMixin, View):
    def get(self, request):
        accounts_qs = User.objects.order_by("role", "username").select_related("county")
        role = request.GET.get("role", "")
        if role in dict(User.Role.choices):
            accounts_qs = accounts_qs.filter(role=role)
        search = request.GET.get("q", "").strip()
        if search:
            accounts_qs = accounts_qs.filter(username__startswith=search)
        page = Paginator(accounts_qs, 30).get_page(request.GET.get("page"))
        return render(
            request,
            "security/home.html",
            {"page": page, "roles": User.Role.choices, "role": role, "q": search, "policy": SecurityPolicy.current()},
        )


class AccountView(SecurityAdminRequiredMixin, View):
    """One account: its role, whether it may log in, its second factor and sessions."""

    def account(self, pk):
        try:
            return User.objects.select_related("county").get(pk=pk)
        except User.DoesNotExist:
            raise Http404("没有找到该账号") from None

    def get(self, request, pk, form=None):
        account = self.account(pk)
        return render(
            request,
            "security/account.html",
            {
                "account": account,
                "role_form": form or RoleForm(initial={"role": account.role, "county": account.county_id}),
                "has_device": two_factor.has_second_factor(account),
                "sessions": sessions_of(user=account),
            },
        )

    def post(self, request, pk):
        account = self.account(pk)
        action = request.POST.get("action", "")
        try:
            if action == "role":
                form = RoleForm(request.POST)
                if not form.is_valid():
                    return self.get(request, pk, form=form)
                accounts.account_role_change(
                    actor=request.user,
                    user=account,
                    role=form.cleaned_data["role"],
                    county=form.cleaned_data["county"],
                    request=request,
                )
                messages.success(request, "角色已变更，该账号需重新登录")
            elif action in ("stop", "start"):
                accounts.account_set_active(actor=request.user, user=account, active=action == "start", request=request)
                messages.success(request, "账号已停用，其登录会话已全部结束" if action == "stop" else "账号已启用")
            elif action == "unlock":
                accounts.account_unlock(actor=request.user, user=account, request=request)
                messages.success(request, "已解除登录锁定")
            elif action == "reset_otp":
                two_factor.second_factor_reset(actor=request.user, user=account, request=request)
                messages.success(request, "动态码设备已重置，该账号下次登录时重新绑定")
            elif action == "end_sessions":
                ended = sessions_end_all(user_id=account.pk)
                audit_record(
                    actor=request.user,
                    action=AuditEntry.Action.SESSION_END,
                    target=str(account),
                    request=request,
                    county=account.county_id,
                )
                messages.success(request, f"已结束 {ended} 个会话")
            else:
                messages.error(request, "未知的操作")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("security:account", pk=account.pk)


class PolicyView(SecurityAdminRequiredMixin, View):
    def get(self, request, form=None):
        return render(request, "security/policy.html", {"form": form or PolicyForm(instance=SecurityPolicy.current())})

    def post(self, request):
        form = PolicyForm(request.POST, instance=SecurityPolicy.current())
        if not form.is_valid():
            return self.get(request, form=form)
        try:
            accounts.policy_update(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.get(request, form=form)
        messages.success(request, "安全策略已保存，新登录的会话按新策略执行")
        return redirect("security:policy")


# ---- 审计管理员 ------------------------------------------------------------------------------------


class AuditTrailView(AuditAdminRequiredMixin, View):
    def get(self, request):
        form = AuditFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        rows = audit_trail(user=request.user, filters=filters)
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "audit/trail.html",
            {
                "form": form,
                "page": page,
                "query_without_page": query.urlencode(),
                "purges": AuditPurge.objects.order_by("-last_id")[:5],
            },
        )


class AuditExportView(AuditAdminRequiredMixin, View):
    def get(self, request):
        form = AuditFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        content = audit_trail_xlsx(audit_trail(user=request.user, filters=filters))
        audit_record(actor=request.user, action=AuditEntry.Action.EXPORT, target="审计日志导出", request=request)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.xlsx"'
        return response


class AuditVerifyView(AuditAdminRequiredMixin, View):
    def post(self, request):
        checked, broken, reason = chain_verify()
        if broken is None:
            messages.success(request, f"哈希链完整：已校验 {checked} 条记录")
        else:
            messages.error(request, f"哈希链在第 {broken.pk} 条记录处断开：{reason}")
        return redirect("audit:home")


# ---- 系统管理员 ------------------------------------------------------------------------------------


class SystemHomeView(SystemAdminRequiredMixin, TemplateView):
    template_name = "system/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notices"] = ProcessingNotice.objects.order_by("-version")[:10]
        return context
