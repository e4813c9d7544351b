"""The report form on a phone without signal: the form's offline shell (kept by the service worker)
and the endpoint a phone's outbox sends its reports to (static/js/offline_reports.js)."""

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views import View
from django.views.generic import TemplateView

from officers.permissions import OfficerRequiredMixin
from unionportal.core.idempotency import KEY_FIELD, first_result, submit_once

from .. import services
from ..forms import ReportForm

PURPOSE = "reports:create"  # the same one-time keys as the report form: a key is sent once, either way
NO_KEY_MESSAGE = "缺少一次性提交令牌，未保存"
BAD_TIME_MESSAGE = "报送时间格式不正确，未保存"
REFUSED_MESSAGE = "信息未能保存，请在表单中修改后重新报送"


class ReportOfflineShellView(OfficerRequiredMixin, TemplateView):
    """The empty report form the service worker keeps for offline use: no personal data (no name, no
    counts, no report), the same fields as the form; what is typed is kept on the phone."""

    template_name = "reports/report_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = ReportForm(officer=self.request.user.officer)
        context["offline_shell"] = True
        return context


def parse_client_time(value: str):
    """The phone's 报送 moment (ISO 8601, with its offset); None when absent; ValueError when not a time."""
    value = (value or "").strip()
    if not value:
        return None
    moment = parse_datetime(value.replace("Z", "+00:00"))
    if moment is None:
        raise ValueError(value)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class ReportOutboxView(OfficerRequiredMixin, View):
    """POST only, answered in JSON for fetch(): a report from the phone's outbox, submitted (报送).

    The one-time key is required: a retry, a second send after reconnecting or a replay answers 200
    with the first report's address and creates nothing. Refusals answer 400 with the messages."""

    http_method_names = ["post"]

    def handle_no_permission(self):
        return JsonResponse({"message": "请先登录信息员账号"}, status=403)

    def post(self, request):
        user = request.user
        done = first_result(key=request.POST.get(KEY_FIELD), user=user, purpose=PURPOSE)
        if done is not None:
            return JsonResponse({"url": done.url, "repeated": True})
        if not request.POST.get(KEY_FIELD):
            return JsonResponse({"message": NO_KEY_MESSAGE, "errors": {}}, status=400)
        try:
            client_time = parse_client_time(request.POST.get("client_submitted_at", ""))
        except ValueError:
            return JsonResponse({"message": BAD_TIME_MESSAGE, "errors": {}}, status=400)
        form = ReportForm(request.POST, request.FILES, officer=user.officer, submit=True)
        if not form.is_valid():
            return refused(form.errors.get_json_data())
        try:
            done = submit_once(
                key=form.submission_key,
                user=user,
                purpose=PURPOSE,
                create=lambda: services.report_save(
                    officer=user.officer,
                    data=form.report_data(),
                    files=form.cleaned_data.get("attachments") or [],
                    submit=True,
                    client_submitted_at=client_time,
                ),
                url_of=lambda report: reverse("reports:detail", args=[report.pk]),
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            return refused({field: [{"message": m} for m in messages] for field, messages in errors.items()})
        return JsonResponse({"url": done.url, "repeated": done.repeated})


def refused(errors: dict) -> JsonResponse:
    messages = [e["message"] for field_errors in errors.values() for e in field_errors]
    return JsonResponse({"message": "；".join(messages) or REFUSED_MESSAGE, "errors": errors}, status=400)
