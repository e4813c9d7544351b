"""我的信息: an officer sees, downloads (xlsx or JSON) and asks to correct what the portal holds about them."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from officers import personal
from officers.models import Officer
from officers.permissions import OfficerRequiredMixin
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry
from unionportal.core.validators import multiline_text

from ..personal_data import personal_data, personal_data_xlsx


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label="需要更正的内容",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[multiline_text],
        error_messages={"required": "请写明哪一项信息需要更正，以及正确的内容"},
    )


class MyInfoView(OfficerRequiredMixin, View):
    def get(self, request, form=None):
        data = personal_data(user=request.user)
        return render(request, "reports/my_info.html", {"data": data, "form": form or CorrectionForm()})

    def post(self, request):
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            return self.get(request, form=form)
        try:
            personal.correction_request_create(
                officer=Officer.objects.get(user=request.user), text=form.cleaned_data["text"], request=request
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("reports:my_info")
        messages.success(request, "更正申请已提交，县总工会管理员处理后会通知您")
        return redirect("reports:my_info")


class MyInfoExportView(OfficerRequiredMixin, View):
    def get(self, request, fmt):
        data = personal_data(user=request.user)
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.PERSONAL_DATA_EXPORT,
            target=fmt,
            request=request,
            county=Officer.objects.filter(user=request.user).values_list("county_id", flat=True).first(),
        )
        stamp = timezone.localdate().strftime("%Y%m%d")
        if fmt == "json":
            response = HttpResponse(
                json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="my-info-{stamp}.json"'
        else:
            response = HttpResponse(
                personal_data_xlsx(data),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="my-info-{stamp}.xlsx"'
        response["Cache-Control"] = "no-store"
        return response
