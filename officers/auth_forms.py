from django.contrib.auth.forms import AuthenticationForm


class PhoneLoginForm(AuthenticationForm):
    """Django's login form (fields ``username`` and ``password``), labelled for phone logins."""

    error_messages = {
        "invalid_login": "手机号或密码不正确。请注意密码区分大小写。",
        "inactive": "该账号已停用，请联系县总工会管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "手机号"
        self.fields["username"].widget.attrs.update({"inputmode": "numeric", "placeholder": "登录手机号"})
        self.fields["password"].label = "密码"
