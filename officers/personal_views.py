"""The county admin's side of personal information: correction requests (a task list) and the
record of a notice signed on paper at appointment."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from unionportal.core.validators import single_line_text

from . import personal, selectors
from .models import CorrectionRequest, Officer
from .permissions import AdminRequiredMixin


class CorrectionCloseForm(forms.Form):
    status = forms.ChoiceField(
        label="处理结果",
        choices=[(CorrectionRequest.Status.DONE, "已更正"), (CorrectionRequest.Status.DECLINED, "不予更正")],
    )
    reply = forms.CharField(label="处理说明", max_length=300, required=False, validators=[single_line_text])


class PaperConsentForm(forms.Form):
    scan = forms.FileField(
        label="签字告知书扫描件（图片或 PDF）", error_messages={"required": "请上传签字告知书的扫描件"}
    )
    sensitive_consent = forms.BooleanField(label="本人另行签字同意处理敏感个人信息（如工伤健康信息）", required=False)


class CorrectionListView(AdminRequiredMixin, View):
    def get(self, request):
        rows = (
            CorrectionRequest.objects.visible_to(request.user)
            .select_related("officer", "handled_by")
            .order_by("status", "-created_at")[:200]
        )
        return render(request, "officers/corrections.html", {"corrections": rows, "form": CorrectionCloseForm()})

    def post(self, request):
        correction = CorrectionRequest.objects.visible_to(request.user).filter(pk=request.POST.get("pk") or 0).first()
        if correction is None:
            raise Http404("没有找到该申请")
        form = CorrectionCloseForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请选择处理结果")
            return redirect("officers:corrections")
        try:
            personal.correction_close(actor=request.user, correction=correction, request=request, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已处理，并已通知信息员")
        return redirect("officers:corrections")


class PaperConsentView(AdminRequiredMixin, View):
    def officer(self, pk):
        try:
            return selectors.officer_detail(user=self.request.user, pk=pk)
        except Officer.DoesNotExist:
            raise Http404("没有找到该信息员") from None

    def get(self, request, pk, form=None):
        officer = self.officer(pk)
        return render(
            request,
            "officers/consent_form.html",
            {
                "officer": officer,
                "form": form or PaperConsentForm(),
                "consents": officer.consents.select_related("notice"),
            },
        )

    def post(self, request, pk):
        officer = self.officer(pk)
        form = PaperConsentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                personal.consent_record_paper(actor=request.user, officer=officer, request=request, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "已记录签字的告知书")
                return redirect("officers:detail", pk=officer.pk)
        return self.get(request, pk, form=form)
