from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone

from officers.models import Enterprise, Township
from unionportal.core.forms import MultipleFileField, MultipleFileInput
from unionportal.core.idempotency import SubmissionKeyFormMixin
from unionportal.core.validators import money_messages, multiline_text, single_line_text

from .models import CaseStatus, DisputeCase, MoneyArrived, Outcome, Satisfaction, TellMethod, TransferTarget

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseForm(SubmissionKeyFormMixin, forms.ModelForm):
    new_enterprise_name = forms.CharField(
        label="新用人单位名称",
        max_length=100,
        required=False,
        help_text="用人单位不在列表中时填写",
        validators=[single_line_text],
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
    note = forms.CharField(label="说明", max_length=200, required=False, validators=[single_line_text])

    def __init__(self, *args, moves=None, **kwargs):
        """``moves``: the statuses the case may go to, the only ones offered on its page. (A posted
        form keeps every status, so a move made stale by someone else is explained by the service.)"""
        super().__init__(*args, **kwargs)
        if moves is not None:
            self.fields["to_status"].choices = [(v, label) for v, label in CaseStatus.choices if v in moves]


class FollowUpForm(SubmissionKeyFormMixin, forms.Form):
    happened_on = forms.DateField(label="日期", widget=DATE, required=False, help_text="默认今天")
    action = forms.CharField(label="跟进情况", widget=forms.Textarea(attrs={"rows": 3}), validators=[multiline_text])
    next_step = forms.CharField(label="下一步", max_length=200, required=False, validators=[single_line_text])


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
    note = forms.CharField(
        label="说明", max_length=200, required=False, help_text="如：第二期", validators=[single_line_text]
    )

    def __init__(self, *args, confirming: bool = False, **kwargs):
        """``confirming``: the amount was found above the case's claim (or the ceiling), so the form
        asks 确认金额无误 and why. The question stays on the form once asked (a hidden field)."""
        super().__init__(*args, **kwargs)
        if confirming or (self.data.get("confirming") == "1"):
            add_confirmation(self, reason_field="confirm_reason")

    @property
    def confirming(self) -> bool:
        return "confirm" in self.fields


def add_confirmation(form, *, reason_field: str | None):
    """The checkbox (and, unless the form already asks a reason, the reason) for money above the limit."""
    form.fields["confirming"] = forms.CharField(widget=forms.HiddenInput, initial="1", required=False)
    form.fields["confirm"] = forms.BooleanField(
        label="确认金额无误", required=False, help_text="金额超出诉求金额（或上限）时须确认"
    )
    if reason_field:
        form.fields[reason_field] = forms.CharField(
            label="金额超出的原因", max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
        )


class OutcomeCorrectForm(forms.Form):
    amount = forms.DecimalField(
        label="更正后金额（元）",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        error_messages=money_messages(),
    )
    reason = forms.CharField(
        label="更正原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请写明更正原因"},
    )
    seen_amount = forms.DecimalField(widget=forms.HiddenInput, max_digits=14, decimal_places=2, required=False)

    def __init__(self, *args, confirming: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if confirming or (self.data.get("confirming") == "1"):
            add_confirmation(self, reason_field=None)  # the correction's reason says why

    @property
    def confirming(self) -> bool:
        return "confirm" in self.fields


class OutcomeVoidForm(forms.Form):
    reason = forms.CharField(
        label="作废原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请写明作废原因"},
    )


class AttachForm(SubmissionKeyFormMixin, forms.Form):
    files = MultipleFileField(
        label="附件（调解协议、收据等，图片或 PDF）",
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
        error_messages={"required": "请选择要上传的文件"},
    )


class OwnIdsMixin:
    """The case page holds a dozen forms, several with a field of the same name (amount, reason, on):
    each form's ids carry its own prefix, so every label points at its own input."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class ReportSearchForm(forms.Form):
    """Finding the report to link: by words of its title or enterprise, and/or the day it was sent."""

    q = forms.CharField(label="标题或用人单位", max_length=50, required=False)
    on = forms.DateField(label="报送日期", widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "link_%s")  # the case page has other forms with a date field "on"
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("q") or "").strip() and not cleaned.get("on"):
            raise forms.ValidationError("请输入标题或用人单位中的文字，或选择报送日期")
        return cleaned


class LinkReportForm(forms.Form):
    report = forms.ModelChoiceField(
        label="选择要关联的信息",
        queryset=None,
        widget=forms.RadioSelect,
        error_messages={"required": "请先搜索并选择一条信息", "invalid_choice": "没有找到该信息，或不能关联"},
    )

    def __init__(self, *args, reports, **kwargs):
        """``reports``: the reports the user may link (selectors.reports_to_link), searched or not."""
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = reports
        self.fields["report"].label_from_instance = report_choice_label


def report_choice_label(report) -> str:
    employer = report.enterprise.name if report.enterprise_id else report.enterprise_name
    sent = timezone.localtime(report.submitted_at).strftime("%Y-%m-%d") if report.submitted_at else "—"
    return "，".join(part for part in (report.title, employer, report.officer.name, sent) if part)


class StatsPeriodForm(forms.Form):
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "结束日期不能早于开始日期")
        return cleaned


class TellForm(OwnIdsMixin, forms.Form):
    id_prefix = "tell"
    told_on = forms.DateField(label="告知日期", widget=DATE)
    how = forms.ChoiceField(label="告知方式", choices=TellMethod.choices)


class ExtendForm(OwnIdsMixin, forms.Form):
    id_prefix = "extend"
    agreed_on = forms.DateField(label="双方约定日期", widget=DATE)
    new_deadline = forms.DateField(label="延长至", widget=DATE)
    reason = forms.CharField(label="延长原因", max_length=200, validators=[single_line_text])


class InstalmentsForm(OwnIdsMixin, forms.Form):
    id_prefix = "instalments"
    schedule = forms.CharField(
        label="分期安排",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2026-03-01 3000\n2026-04-01 3000"}),
        help_text="每行一期：应付日期 金额（元），如 2026-03-01 3000",
        validators=[multiline_text],
    )

    def clean_schedule(self) -> list[tuple[date, Decimal]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["schedule"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            parts = line.replace("，", " ").replace(",", " ").split()
            try:
                if len(parts) != 2:
                    raise ValueError
                due_on = date.fromisoformat(parts[0])
                amount = Decimal(parts[1].removesuffix("元"))
            except (ValueError, InvalidOperation):
                raise forms.ValidationError(f"第 {number} 行格式不对，应为“日期 金额”，如 2026-03-01 3000") from None
            if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
                raise forms.ValidationError(f"第 {number} 行的金额须大于 0，最多保留 2 位小数")
            if amount >= Decimal("1e12"):
                raise forms.ValidationError(f"第 {number} 行的金额过大")
            rows.append((due_on, amount))
        if not rows:
            raise forms.ValidationError("请至少填写一期")
        return rows


class ReturnVisitForm(OwnIdsMixin, forms.Form):
    id_prefix = "visit"
    visited_on = forms.DateField(label="回访日期", widget=DATE)
    reached = forms.TypedChoiceField(
        label="是否联系上劳动者",
        choices=[("1", "联系上"), ("0", "未联系上")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    money = forms.ChoiceField(label="款项到位情况", choices=[("", "—")] + MoneyArrived.choices, required=False)
    satisfaction = forms.ChoiceField(label="满意度", choices=[("", "—")] + Satisfaction.choices, required=False)
    note = forms.CharField(label="说明", max_length=200, required=False, validators=[single_line_text])


class AgreementForm(OwnIdsMixin, forms.Form):
    id_prefix = "agreement"
    workers = forms.CharField(
        label="劳动者（劳动者代表）",
        max_length=100,
        validators=[single_line_text],
        help_text="多名劳动者的，填写推举的代表及人数，如：王某某等 12 人（代表：王某某）",
    )
    terms = forms.CharField(label="协议条款", widget=forms.Textarea(attrs={"rows": 4}), validators=[multiline_text])
    amount = forms.DecimalField(
        label="协议金额（元）", max_digits=14, decimal_places=2, min_value=0, error_messages=money_messages()
    )
    signed_on = forms.DateField(label="签订日期", widget=DATE)


class CourtConfirmForm(OwnIdsMixin, forms.Form):
    id_prefix = "court"
    court = forms.CharField(label="确认法院", max_length=100, validators=[single_line_text])
    applied_on = forms.DateField(label="申请日期", widget=DATE)
    confirmed_on = forms.DateField(label="确认日期", widget=DATE, required=False, help_text="法院尚未确认的留空")
    court_case_number = forms.CharField(label="法院案号", max_length=60, required=False, validators=[single_line_text])


class AgreementTemplateForm(forms.Form):
    text = forms.CharField(
        label="模板内容",
        widget=forms.Textarea(attrs={"rows": 24}),
        validators=[multiline_text],
        help_text="可用占位符：{{劳动者}} {{用人单位}} {{统一社会信用代码}} {{协议条款}} {{协议金额}} {{分期付款}} "
        "{{调解组织}} {{签订日期}} {{案件编号}}；{{分期付款}} 单独成行时写成表格",
    )
