from django import forms

from officers.models import Enterprise, Township
from unionportal.core.forms import MultipleFileField, MultipleFileInput
from unionportal.core.idempotency import SubmissionKeyFormMixin
from unionportal.core.validators import money_messages

from .models import CaseStatus, DisputeCase, Outcome, TransferTarget

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseForm(SubmissionKeyFormMixin, forms.ModelForm):
    new_enterprise_name = forms.CharField(
        label="新用人单位名称", max_length=100, required=False, help_text="用人单位不在列表中时填写"
    )
    new_enterprise_credit_code = forms.CharField(label="新单位统一社会信用代码", max_length=18, required=False)

    class Meta:
        model = DisputeCase
        fields = [
            "registered_on",
            "enterprise",
            "dispute_type",
            "workers_involved",
            "amount_claimed",
            "township",
            "description",
        ]
        widgets = {"registered_on": DATE, "description": forms.Textarea(attrs={"rows": 4})}
        error_messages = {"amount_claimed": money_messages()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.fields["enterprise"].required = False
        self.fields["township"].queryset = Township.objects.visible_to(user)
        self.order_fields(["registered_on", "enterprise", "new_enterprise_name", "new_enterprise_credit_code"])

    def case_facts(self) -> dict:
        """The cleaned form as the keyword arguments of case_register / case_correct."""
        data = self.cleaned_data
        facts = {
            "dispute_type": data["dispute_type"],
            "workers_involved": data["workers_involved"],
            "enterprise": data.get("enterprise"),
            "enterprise_name": data.get("new_enterprise_name", ""),
            "credit_code": (data.get("new_enterprise_credit_code") or "").strip().upper(),
            "amount_claimed": data.get("amount_claimed"),
            "description": data.get("description", ""),
            "township": data.get("township"),
        }
        if "registered_on" in self.fields:
            facts["registered_on"] = data.get("registered_on")
        return facts


class CaseCorrectForm(CaseForm):
    """The registered facts of a case, to correct; its number, date and status stay."""

    seen = forms.CharField(widget=forms.HiddenInput)  # the facts the page showed (case_facts_token)

    class Meta(CaseForm.Meta):
        fields = [f for f in CaseForm.Meta.fields if f != "registered_on"]


class MoveForm(forms.Form):
    to_status = forms.ChoiceField(label="变更为", choices=CaseStatus.choices)
    on = forms.DateField(label="日期", widget=DATE, required=False, help_text="默认今天")
    transferred_to = forms.ChoiceField(
        label="移交机构（移交时选择）", choices=[("", "—")] + TransferTarget.choices, required=False
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, moves=None, **kwargs):
        """``moves``: the statuses the case may go to, the only ones offered on its page. (A posted
        form keeps every status, so a move made stale by someone else is explained by the service.)"""
        super().__init__(*args, **kwargs)
        if moves is not None:
            self.fields["to_status"].choices = [(v, label) for v, label in CaseStatus.choices if v in moves]


class FollowUpForm(SubmissionKeyFormMixin, forms.Form):
    happened_on = forms.DateField(label="日期", widget=DATE, required=False, help_text="默认今天")
    action = forms.CharField(label="跟进情况", widget=forms.Textarea(attrs={"rows": 3}))
    next_step = forms.CharField(label="下一步", max_length=200, required=False)


class OutcomeForm(SubmissionKeyFormMixin, forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Outcome.Kind.choices)
    amount = forms.DecimalField(
        label="金额（元）",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        error_messages=money_messages(),
    )
    received_on = forms.DateField(label="日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=200, required=False, help_text="如：第二期")


class AttachForm(SubmissionKeyFormMixin, forms.Form):
    files = MultipleFileField(
        label="附件（调解协议、收据等，图片或 PDF）",
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
        error_messages={"required": "请选择要上传的文件"},
    )


class LinkReportForm(forms.Form):
    report = forms.IntegerField(label="信息编号", min_value=1, help_text="信息详情页地址中的数字")


class StatsPeriodForm(forms.Form):
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "结束日期不能早于开始日期")
        return cleaned
