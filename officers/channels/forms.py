"""The county channel form: secrets are never shown back (left blank, they stay as stored)."""

from django import forms
from django.utils.html import format_html

from unionportal.core.masking import mask_secret, mask_url

from .models import ChannelSetting

MASKED_FIELDS = ("webhook_url", "key_id", "secret")


class ChannelForm(forms.ModelForm):
    class Meta:
        model = ChannelSetting
        fields = [
            "kind",
            "name",
            "enabled",
            "for_alerts",
            "for_digests",
            "for_supervision",
            "for_reminders",
            "webhook_url",
            "key_id",
            "secret",
            "app_id",
            "region",
            "endpoint",
            "sign_name",
            "reminder_template",
            "commission_template",
            "markdown",
        ]
        widgets = {
            "secret": forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
            "key_id": forms.TextInput(attrs={"autocomplete": "off"}),
            "webhook_url": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance if self.instance.pk else None
        for name in MASKED_FIELDS:
            field = self.fields[name]
            field.required = False
            if stored is not None:
                self.initial[name] = ""  # never sent back to the browser
                value = getattr(stored, name)
                if value:
                    shown = mask_url(value) if name == "webhook_url" else mask_secret(value)
                    # Help texts are printed unescaped: the stored value is escaped here.
                    field.help_text = format_html("已设置：{}。留空则不修改。", shown)

    def _post_clean(self):
        """The model's checks run in the service, on the stored secrets merged with what was typed."""

    def settings_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ChannelTestForm(forms.Form):
    phone = forms.RegexField(
        label="接收测试短信的手机号",
        regex=r"^1[3-9]\d{9}$",
        required=False,
        error_messages={"invalid": "手机号格式不正确：应为以1开头的11位大陆手机号"},
    )
