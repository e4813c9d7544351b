from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html

from unionportal.core.idempotency import SubmissionKeyFormMixin
from unionportal.core.validators import multiline_text, single_line_text

from .models import Activity, Commendation, County, Enterprise, Officer, Township, VettingNote
from .rules import credit_code_problem
from .services import phone_account_problem


class OfficerForm(SubmissionKeyFormMixin, forms.ModelForm):
    new_employer_name = forms.CharField(
        label="新工作单位名称",
        max_length=100,
        required=False,
        help_text="工作单位不在列表中时填写，保存时登记为新企业",
        validators=[single_line_text],
    )
    new_employer_credit_code = forms.CharField(label="新单位统一社会信用代码", max_length=18, required=False)

    class Meta:
        model = Officer
        fields = [
            "name",
            "phone",
            "gender",
            "county",
            "township",
            "employer",
            "category",
            "key_group",
            "recommended_by",
            "vetted_by",
            "appointed_on",
            "status",
        ]
        widgets = {
            "appointed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "phone": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["name", "phone", "gender", "county", "township", "employer", "new_employer_name"])
        counties = County.objects.visible_to(user)
        self.fields["county"].queryset = counties
        self.fields["township"].queryset = Township.objects.visible_to(user).select_related("county")
        self.fields["employer"].queryset = Enterprise.objects.visible_to(user)
        self.fields["employer"].required = False
        if len(counties) == 1:
            self.fields["county"].initial = counties[0]
            self.fields["county"].widget = forms.HiddenInput()
        if self.instance.pk:
            # Status moves go through the status page, which records who, when and why.
            del self.fields["status"]
        else:
            self.fields["status"].choices = [
                (v, label)
                for v, label in Officer.Status.choices
                if v in (Officer.Status.CANDIDATE, Officer.Status.ACTIVE)
            ]

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        problem = phone_account_problem(phone=phone, officer=self.instance)
        if problem:
            raise forms.ValidationError(problem)
        return phone

    def clean_new_employer_credit_code(self):
        code = self.cleaned_data["new_employer_credit_code"].strip().upper()
        problem = credit_code_problem(code) if code else None
        if problem:
            raise forms.ValidationError(problem)
        return code

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("employer") and cleaned.get("new_employer_name"):
            self.add_error("new_employer_name", "已选择工作单位时不要再填写新单位名称")
        if cleaned.get("new_employer_credit_code") and not cleaned.get("new_employer_name"):
            self.add_error("new_employer_name", "填写统一社会信用代码时请同时填写单位名称")
        employer = cleaned.get("employer")
        if employer and cleaned.get("county") and employer.county_id != cleaned["county"].pk:
            self.add_error("employer", "工作单位不属于所选县区")
        return cleaned


class OfficerStatusForm(forms.Form):
    to_status = forms.ChoiceField(label="新状态", choices=Officer.Status.choices)
    reason = forms.CharField(
        label="原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}), validators=[multiline_text]
    )


class OfficerPasswordForm(forms.Form):
    password1 = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="再次输入新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "两次输入的密码不一致")
        return cleaned


class VettingNoteForm(SubmissionKeyFormMixin, forms.ModelForm):
    class Meta:
        model = VettingNote
        fields = ["kind", "happened_on", "content"]
        widgets = {
            "happened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "content": forms.Textarea(attrs={"rows": 4}),
        }


class ActivityForm(SubmissionKeyFormMixin, forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["kind", "held_on", "ends_on", "topic", "place", "organiser", "host"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class AttendanceForm(forms.Form):
    officers = forms.ModelMultipleChoiceField(
        label="参加的信息员", queryset=Officer.objects.none(), widget=forms.SelectMultiple(attrs={"size": 8})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = Officer.objects.visible_to(user).filter(status=Officer.Status.ACTIVE)


class SignInForm(forms.Form):
    code = forms.CharField(
        label="签到码", max_length=6, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    )


class GuidanceForm(SubmissionKeyFormMixin, forms.Form):
    given_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    problem = forms.CharField(label="提出的问题", widget=forms.Textarea(attrs={"rows": 2}), validators=[multiline_text])
    suggestions = forms.CharField(
        label="指导建议（每行一条）", widget=forms.Textarea(attrs={"rows": 4}), validators=[multiline_text]
    )


class CommendationForm(SubmissionKeyFormMixin, forms.ModelForm):
    class Meta:
        model = Commendation
        fields = ["level", "reason", "awarded_on"]
        widgets = {"awarded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
