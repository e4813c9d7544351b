from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from officers.models import Enterprise, Officer, Township
from unionportal.core.forms import MultipleFileField, MultipleFileInput
from unionportal.core.idempotency import SubmissionKeyFormMixin
from unionportal.core.validators import money_messages, multiline_text, single_line_text

from .models import ADOPTED_GRADES, Audience, Commission, EntryKind, Grade, Report, RiskLevel, Urgency
from .rules import CONTENT_MAX_LENGTH, EMERGENCY_PLACE_MESSAGE
from .selectors.commissions import open_commissions
from .services.commissions import DOWN_AUDIENCES

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


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


class ForwardForm(SubmissionKeyFormMixin, forms.Form):
    """上报: the edited copy the unit above receives (the officer's original is not changed)."""

    title = forms.CharField(label="上报标题", max_length=100, validators=[single_line_text])
    content = forms.CharField(
        label="上报内容",
        max_length=CONTENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[multiline_text],
        help_text="可在原信息基础上修改润色；原信息保持信息员报送时的内容。不写信息员姓名、电话。",
    )
    note = forms.CharField(
        label="报送说明",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[multiline_text],
    )
    with_attachments = forms.BooleanField(label="附带原信息的附件（图片、PDF）", required=False)


class ForwardOnForm(SubmissionKeyFormMixin, forms.Form):
    """转报: a city forwards the item again to its province."""

    title = forms.CharField(label="转报标题", max_length=100, validators=[single_line_text])
    content = forms.CharField(
        label="转报内容",
        max_length=CONTENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[multiline_text],
    )
    note = forms.CharField(
        label="报送说明",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[multiline_text],
    )


class ForwardAdoptForm(forms.Form):
    publication = forms.CharField(
        label="刊物", max_length=100, required=False, validators=[single_line_text], help_text="如《盐城工运信息》"
    )
    issue = forms.CharField(
        label="期号", max_length=50, required=False, validators=[single_line_text], help_text="如 2026年第7期"
    )
    adopted_on = forms.DateField(
        label="采用日期",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写采用日期"},
    )


class ForwardRefuseForm(forms.Form):
    reason = forms.CharField(
        label="不予采用理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[multiline_text],
        error_messages={"required": "请填写不予采用的理由"},
    )

class CommissionForm(SubmissionKeyFormMixin, forms.Form):
    """Staff send a commission (约稿): topic, guidance, recipients, due date."""

    topic = forms.CharField(label="约稿主题", max_length=100, validators=[single_line_text])
    guidance = forms.CharField(
        label="约稿要求",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[multiline_text],
        help_text="需要了解的情况、重点单位、报送口径等",
    )
    audience = forms.ChoiceField(
        label="约稿对象", choices=Audience.choices, initial=Audience.ALL, widget=forms.RadioSelect
    )
    township = forms.ModelChoiceField(label="镇区街道", queryset=Township.objects.none(), required=False)
    officer_category = forms.ChoiceField(
        label="人员类别", choices=[("", "---------"), *Officer.Category.choices], required=False
    )
    key_group = forms.ChoiceField(
        label="重点群体", choices=[("", "---------"), *Officer.KeyGroup.choices], required=False
    )
    officers = forms.ModelMultipleChoiceField(
        label="指定信息员",
        queryset=Officer.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    due_on = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(user, "is_regional_staff", False):
            # A city or province sends down to every county below it: townships and named officers
            # are each county's own choice.
            self.fields["audience"].choices = [(a.value, a.label) for a in DOWN_AUDIENCES]
            del self.fields["township"], self.fields["officers"]
            return
        self.fields["township"].queryset = Township.objects.visible_to(user)
        self.fields["officers"].queryset = Officer.objects.visible_to(user).active().select_related("township")

    def clean(self):
        cleaned = super().clean()
        audience = cleaned.get("audience")
        needs = {
            Audience.TOWNSHIP: ("township", "请选择镇区街道"),
            Audience.CATEGORY: ("officer_category", "请选择人员类别"),
            Audience.KEY_GROUP: ("key_group", "请选择重点群体"),
            Audience.NAMED: ("officers", "请选择约稿的信息员"),
        }
        if audience in needs:
            name, message = needs[audience]
            if name in self.fields and not cleaned.get(name):
                self.add_error(name, message)
        return cleaned


class NothingToReportForm(forms.Form):
    note = forms.CharField(
        label="情况说明",
        max_length=200,
        validators=[single_line_text],
        widget=forms.TextInput(attrs={"placeholder": "如：本单位及周边近期未发现相关情况"}),
    )


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
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
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
    owner = forms.ModelChoiceField(label="督办责任人", queryset=None, required=False, empty_label="本人")

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
