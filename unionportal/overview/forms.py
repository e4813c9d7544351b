"""Forms of the monthly analysis meeting."""

from django import forms

from unionportal.core.idempotency import SubmissionKeyFormMixin
from unionportal.core.validators import multiline_text, single_line_text


class MeetingForm(forms.Form):
    meeting_on = forms.DateField(label="分析会日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    attendees = forms.CharField(label="参会人员", widget=forms.Textarea(attrs={"rows": 2}), validators=[multiline_text])
    conclusions = forms.CharField(
        label="研判意见", widget=forms.Textarea(attrs={"rows": 5}), validators=[multiline_text]
    )


class SummaryActionForm(SubmissionKeyFormMixin, forms.Form):
    description = forms.CharField(label="跟进措施", max_length=300, validators=[single_line_text])
    owner = forms.ModelChoiceField(label="责任人", queryset=None)
    due_on = forms.DateField(label="完成期限", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda u: f"{u.get_full_name()}（{u.get_role_display()}）"
