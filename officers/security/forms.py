from django import forms

from unionportal.core.models import AuditEntry

from ..models import County, SecurityPolicy, User
from .accounts import POLICY_FIELDS


class TokenForm(forms.Form):
    token = forms.CharField(
        label="动态码",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
        help_text="身份验证器上显示的 6 位数字；手机丢失时可输入一个恢复码",
        error_messages={"required": "请输入动态码"},
    )


class EnrolForm(forms.Form):
    token = forms.CharField(
        label="验证器上显示的 6 位动态码",
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": "请输入动态码"},
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=User.Role.choices)
    county = forms.ModelChoiceField(label="所属县区（县总工会工作人员）", queryset=County.objects.all(), required=False)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = SecurityPolicy
        fields = POLICY_FIELDS


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="操作人手机号", required=False, max_length=20)
    action = forms.ChoiceField(label="操作", required=False)
    result = forms.ChoiceField(label="结果", required=False)
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "全部"), *AuditEntry.Action.choices]
        self.fields["result"].choices = [("", "全部"), *AuditEntry.Result.choices]
