"""Forms of the network: forwarding an item upward (上报、转报), a unit's decision on it, and commissions
(约稿) sent to officers."""

from django import forms
from django.utils import timezone

from officers.models import Officer, Township
from unionportal.core.idempotency import SubmissionKeyFormMixin
from unionportal.core.validators import multiline_text, single_line_text

from ..models import Audience
from ..rules import CONTENT_MAX_LENGTH
from ..services.commissions import DOWN_AUDIENCES


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


class ForwardOnForm(ForwardForm):
    """转报: a city forwards the item again to its province (the county's attachments go with it or not
    as the county chose; nothing to choose here)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["with_attachments"]
        self.fields["title"].label, self.fields["content"].label = "转报标题", "转报内容"
        self.fields["content"].help_text = ""


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
