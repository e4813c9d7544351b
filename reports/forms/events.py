"""Forms of events (续报、终报, a phone 初报 recorded by staff), merging leads, risk levels and supervision."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from officers.models import Enterprise, Officer, Township
from unionportal.core.forms import SmallModelChoiceField, list_small_choices
from unionportal.core.idempotency import SubmissionKeyFormMixin
from unionportal.core.validators import multiline_text

from ..models import EntryKind, Report, RiskLevel
from ..rules import EMERGENCY_PLACE_MESSAGE
from .report import DATETIME_FORMATS, DATETIME_INPUT, REQUIRED_TO_SUBMIT


class EventEntryForm(SubmissionKeyFormMixin, forms.Form):
    """A 续报 (what changed since the last report) or the 终报 (the outcome). Staff also say whether it
    is a phone report (电话报告) and for which officer, and when the call came."""

    situation = forms.CharField(
        label="事态进展",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "与上次报告相比的变化：人员聚集、企业态度、当前状态"}),
        validators=[multiline_text],
    )
    workers_involved = forms.IntegerField(
        label="涉及人数（如有变化）",
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    demands = forms.CharField(
        label="诉求（如有变化）", required=False, widget=forms.Textarea(attrs={"rows": 2}), validators=[multiline_text]
    )
    measures = forms.CharField(
        label="已采取的措施",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "如：镇工会已约谈企业负责人"}),
        validators=[multiline_text],
    )
    outcome = forms.CharField(
        label="处置结果",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：企业已补发全部工资，职工已返岗"}),
        validators=[multiline_text],
    )

    def __init__(self, *args, kind: str, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == EntryKind.FINAL:
            self.fields["outcome"].required = True
            self.fields["outcome"].error_messages["required"] = "终报请填写处置结果"
            self.fields["situation"].label = "事态进展（可不填）"
        else:
            del self.fields["outcome"]
            self.fields["situation"].required = True
            self.fields["situation"].error_messages["required"] = "请填写事态进展（与上次报告相比有哪些变化）"
        if officers is not None:
            self.fields["phone"] = forms.BooleanField(label="电话报告（代信息员录入，由信息员确认）", required=False)
            self.fields["officer"] = forms.ModelChoiceField(
                label="来电的信息员", queryset=officers, required=False, empty_label="（工作人员自己录入时不选）"
            )
            self.fields["reported_at"] = forms.DateTimeField(
                label="来电时间",
                required=False,
                widget=DATETIME_INPUT,
                input_formats=DATETIME_FORMATS,
            )

    def entry_data(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in ("situation", "workers_involved", "demands", "measures", "outcome")
        }


class MergeForm(forms.Form):
    """Merge the report into another report's lead, or into an event's."""

    into_report = forms.IntegerField(required=False, widget=forms.HiddenInput)
    into_event = forms.IntegerField(label="并入事件", required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("into_report") and not cleaned.get("into_event"):
            raise forms.ValidationError("请选择要并入的信息或事件")
        return cleaned


# ---- risk levels and supervision (风险等级、督办) --------------------------------------------------


class RiskLevelForm(forms.Form):
    """A risk level with its reason; the owner of the supervision item (default: whoever sets it)."""

    level = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
    owner = SmallModelChoiceField(label="督办责任人", queryset=None, required=False, empty_label="本人")

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners if owners is not None else get_user_model().objects.none()
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name()


class SupervisionNoteForm(forms.Form):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), max_length=300, required=False)


class SupervisionCloseForm(forms.Form):
    note = forms.CharField(label="办结情况", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class SupervisionExtensionForm(forms.Form):
    new_due_at = forms.DateTimeField(
        label="申请延至",
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class ExtensionDecisionForm(forms.Form):
    extension = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="审批", choices=[("approve", "批准"), ("refuse", "不批准")], widget=forms.RadioSelect
    )
    note = forms.CharField(label="审批意见", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, required=False)


class PhoneInitialForm(SubmissionKeyFormMixin, forms.ModelForm):
    """Staff record a 突发 report an officer gave by phone (电话初报): who called and when, and the 初报's
    essentials as the officer told them. It becomes the officer's report and opens the event."""

    officer = forms.ModelChoiceField(
        label="来电的信息员",
        queryset=Officer.objects.none(),
        error_messages={"required": "请选择来电的信息员", "invalid_choice": "所选信息员不是本县区在册的信息员"},
    )
    called_at = forms.DateTimeField(
        label="来电时间",
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
        error_messages={"required": "请填写来电时间", "invalid": "请按“年-月-日 时:分”填写来电时间"},
    )

    class Meta:
        model = Report
        fields = [
            "title",
            "category",
            "occurred_at",
            "township",
            "enterprise",
            "enterprise_name",
            "workers_involved",
            "demands",
            "content",
        ]
        widgets = {
            "occurred_at": DATETIME_INPUT,
            "content": forms.Textarea(
                attrs={"rows": 4, "placeholder": "来电所述：时间、地点、涉及单位和人员、起因、目前情况"}
            ),
            "demands": forms.Textarea(attrs={"rows": 2}),
            "workers_involved": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        }
        labels = {
            "township": "事发地（镇区街道）",
            "enterprise": "涉及企业（已登记）",
            "enterprise_name": "涉及企业或场所（未登记时填写名称）",
            "demands": "职工诉求",
        }

    field_order = ["officer", "called_at"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = Officer.objects.visible_to(user).active().order_by("name")
        self.fields["officer"].label_from_instance = lambda o: f"{o.name}（{o.township.name if o.township_id else ''}）"
        self.fields["occurred_at"].input_formats = DATETIME_FORMATS
        self.fields["township"].queryset = Township.objects.visible_to(user)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
        list_small_choices(self, "officer", "township", "enterprise")
        for name, message in {**REQUIRED_TO_SUBMIT, "township": EMERGENCY_PLACE_MESSAGE}.items():
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message
        now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.initial.setdefault("called_at", now)
        self.initial.setdefault("occurred_at", now)

    def report_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}
