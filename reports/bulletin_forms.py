"""Forms of the pages above the report: receipts, bulletins, leader instructions and follow-ups."""

from django import forms

from officers.models import User
from unionportal.core.forms import SmallModelChoiceField
from unionportal.core.idempotency import SubmissionKeyFormMixin
from unionportal.core.validators import multiline_text, single_line_text

from .models import BulletinIssue, BulletinItem, Instruction, Publication

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OwnIds:
    """The report's page holds the grading form and these: each form's ids carry its own prefix (the
    field names stay as they are), so every label points at its own input."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class ReceiptForm(OwnIds, SubmissionKeyFormMixin, forms.Form):
    """An adoption receipt (采用回执) from a body outside the portal, entered by hand on the item."""

    id_prefix = "receipt"
    body = forms.CharField(
        label="出具回执的单位",
        max_length=100,
        validators=[single_line_text],
        help_text="即采用单位，如：盐城市委办公室",
    )
    publication = forms.CharField(label="刊物", max_length=100, required=False, validators=[single_line_text])
    issue = forms.CharField(
        label="期号", max_length=50, required=False, validators=[single_line_text], help_text="如：2026年第41期"
    )
    adopted_on = forms.DateField(label="采用日期", widget=DATE)
    receipt = forms.FileField(label="回执扫描件（图片或 PDF，可选）", required=False)


class PublicationForm(forms.ModelForm):
    class Meta:
        model = Publication
        fields = ["name", "keeps_total_number", "total_number_start"]


class IssueHeaderForm(forms.ModelForm):
    class Meta:
        model = BulletinIssue
        fields = ["editor_note", "compiler", "signer", "report_to", "send_to", "issue_to"]
        widgets = {"editor_note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "report_to": "如：省总工会办公室",
            "send_to": "如：县委办、县政府办",
            "issue_to": "如：各镇区工会",
        }


class ItemAddForm(forms.Form):
    report_id = forms.IntegerField(widget=forms.HiddenInput)


class ItemForm(forms.ModelForm):
    class Meta:
        model = BulletinItem
        fields = ["position", "heading", "source", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}


class EmptyForm(forms.Form):
    pass


class InstructionForm(OwnIds, SubmissionKeyFormMixin, forms.Form):
    id_prefix = "instruction"
    leader = forms.CharField(
        label="批示领导", max_length=100, validators=[single_line_text], help_text="如：市委副书记 王某某"
    )
    rank = forms.ChoiceField(label="批示层级", choices=Instruction.Rank.choices)
    text = forms.CharField(label="批示内容", widget=forms.Textarea(attrs={"rows": 3}), validators=[multiline_text])
    given_on = forms.DateField(label="批示日期", widget=DATE)
    officer_sees_text = forms.BooleanField(label="信息员可以看到批示内容", required=False)
    owner = SmallModelChoiceField(label="落实责任人", queryset=None, empty_label="请选择")
    due_on = forms.DateField(label="反馈期限", widget=DATE)
    scan = forms.FileField(label="批示扫描件（图片或 PDF，可选）", required=False)

    def __init__(self, *args, owners=None, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        if items is not None:
            # On a bulletin's page: which of its items the leader wrote on.
            self.fields["bulletin_item"] = SmallModelChoiceField(
                label="批示所在条目", queryset=items, empty_label="请选择"
            )
            self.order_fields(["bulletin_item"])
        self.fields["owner"].queryset = owners if owners is not None else User.objects.none()
        self.fields["owner"].label_from_instance = lambda user: (
            f"{user.get_full_name()}（{user.unit.name if user.unit else ''}）"
        )


class FeedbackForm(forms.Form):
    feedback = forms.CharField(
        label="落实情况", widget=forms.Textarea(attrs={"rows": 4}), validators=[multiline_text], max_length=4000
    )
