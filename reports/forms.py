from django import forms
from django.utils import timezone

from officers.models import Enterprise, Township
from unionportal.core.forms import MultipleFileField, MultipleFileInput
from unionportal.core.validators import money_messages, multiline_text, single_line_text

from .models import ADOPTED_GRADES, Grade, Report

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReportForm(forms.ModelForm):
    """The phone form: few required fields; everything else may be added when known."""

    attachments = MultipleFileField(
        label="附件（照片或 PDF）",
        required=False,
        help_text="最多 5 个，每个不超过 10 MB。",
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    class Meta:
        model = Report
        fields = [
            "title",
            "urgency",
            "category",
            "occurred_at",
            "content",
            "township",
            "enterprise",
            "enterprise_name",
            "workers_involved",
            "amount_involved",
        ]
        widgets = {
            "urgency": forms.RadioSelect,
            "occurred_at": DATETIME_INPUT,
            "content": forms.Textarea(attrs={"rows": 5, "placeholder": "时间、地点、涉及单位和人员、起因、目前情况"}),
            "workers_involved": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "amount_involved": forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": "0.01"}),
        }
        labels = {"enterprise": "涉及企业（已登记）", "enterprise_name": "涉及企业（未登记时填写名称）"}
        error_messages = {"amount_involved": money_messages()}

    def __init__(self, *args, officer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["township"].queryset = Township.objects.visible_to(officer.user)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(officer.user)
        if not self.instance.pk:
            self.initial.setdefault("occurred_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
            self.initial.setdefault("township", officer.township_id)
        for name in ("category", "occurred_at", "content"):
            # Required to submit, not to keep a draft: the service says so when submitting.
            self.fields[name].required = False

    def report_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields if name in self.cleaned_data}


class GradeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    grade = forms.ChoiceField(
        label="审核结果", choices=[(g.value, g.label) for g in Grade if g != Grade.PENDING], widget=forms.RadioSelect
    )
    adopted_by = forms.CharField(
        label="采用单位",
        max_length=100,
        required=False,
        help_text="采用时填写，如“滨海县总工会”",
        validators=[single_line_text],
    )
    adopted_on = forms.DateField(
        label="采用日期", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    adoption_doc_no = forms.CharField(label="采用文号", max_length=50, required=False, validators=[single_line_text])
    comment = forms.CharField(
        label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3}), validators=[multiline_text]
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("grade") in ADOPTED_GRADES and not (cleaned.get("adopted_by") or "").strip():
            self.add_error("adopted_by", "采用的信息请填写采用单位")
        return cleaned


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="退回原因", widget=forms.Textarea(attrs={"rows": 3}), validators=[multiline_text])


class SheetReopenForm(forms.Form):
    reason = forms.CharField(
        label="撤销审批的原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}), validators=[multiline_text]
    )
