"""Forms of the officer's report and its review (grading, returning, reopening a stipend sheet)."""

from django import forms
from django.utils import timezone

from officers.models import Enterprise, Township
from unionportal.core.forms import MultipleFileField, MultipleFileInput, list_small_choices
from unionportal.core.idempotency import SubmissionKeyFormMixin
from unionportal.core.validators import money_messages, multiline_text, single_line_text

from ..models import ADOPTED_GRADES, Commission, Grade, Report, Urgency
from ..rules import CONTENT_MAX_LENGTH, EMERGENCY_PLACE_MESSAGE
from ..selectors.commissions import open_commissions

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


# Required to submit, not to keep a draft; the messages are the service's own.
REQUIRED_TO_SUBMIT = {"category": "请选择信息类别", "occurred_at": "请填写发生时间", "content": "请填写信息内容"}


class ReportForm(SubmissionKeyFormMixin, forms.ModelForm):
    """The phone form: few required fields; everything else may be added when known.

    Fields required to submit are marked required (a * and the attribute) and enforced when the
    officer submits (``submit=True``), not when a draft is kept. The place (镇区街道) is on the first
    screen: an emergency must name where it happens, so it is never pre-filled server-side (for a
    general report static/js/report_form.js offers the officer's own township until one is chosen).
    """

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
            "demands",
            "amount_involved",
            "commission",
        ]
        widgets = {
            "demands": forms.Textarea(attrs={"rows": 2, "placeholder": "如：要求补发两个月工资、足额缴纳社保"}),
            "urgency": forms.RadioSelect,
            "occurred_at": DATETIME_INPUT,
            "content": forms.Textarea(
                attrs={
                    "rows": 5,
                    "placeholder": "时间、地点、涉及单位和人员、起因、目前情况",
                    "data-max-chars": CONTENT_MAX_LENGTH,
                }
            ),
            "workers_involved": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "amount_involved": forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": "0.01"}),
        }
        labels = {
            "commission": "答复约稿（可选）",
            "township": "事发地（镇区街道）",
            "enterprise": "涉及企业（已登记）",
            "enterprise_name": "涉及企业或场所（未登记时填写名称）",
            "demands": "职工诉求",
        }
        help_texts = {
            "content": f"不超过 {CONTENT_MAX_LENGTH} 字；较长的材料请作为附件上传。",
            "township": "突发信息必须选择事发地（不一定是您所在的镇区）。",
            "workers_involved": "突发信息必须填写。",
            "demands": "突发信息必须填写：职工要求什么。",
        }
        error_messages = {"amount_involved": money_messages()}

    def __init__(self, *args, officer, submit=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        township = self.fields["township"]
        township.queryset = Township.objects.visible_to(officer.user)
        township.widget.attrs["data-own-township"] = officer.township_id or ""
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(officer.user)
        # The commissions sent to this officer and still open to a report; none: no such field.
        commissions = open_commissions(officer=officer)
        if self.instance.commission_id:
            commissions = commissions | Commission.objects.filter(pk=self.instance.commission_id)
        commissions = list(commissions.distinct())
        if commissions:
            field = self.fields["commission"]
            field.queryset = Commission.objects.filter(pk__in=[c.pk for c in commissions])
            field.empty_label = "不答复约稿"
            field.help_text = "如果这条信息是答复县总工会约稿的，请选择该约稿。"
        else:
            del self.fields["commission"]
        list_small_choices(self, "township", "enterprise", "commission")
        if not self.instance.pk:
            self.initial.setdefault("occurred_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
        drafting = self.is_bound and not submit
        for name, message in REQUIRED_TO_SUBMIT.items():
            self.fields[name].required = not drafting
            self.fields[name].error_messages["required"] = message
        urgency = self.data.get("urgency") if self.is_bound else self.instance.urgency
        township.required = urgency == Urgency.EMERGENCY and not drafting
        township.error_messages["required"] = EMERGENCY_PLACE_MESSAGE

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
