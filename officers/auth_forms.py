from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.urls import reverse


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


class PortalLoginView(LoginView):
    """Django's login view with phone labels; a ``next`` that points back at login goes home."""

    authentication_form = PhoneLoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self):
        url = super().get_redirect_url()
        return "" if url.startswith(reverse("login")) else url


class PortalPasswordChangeView(PasswordChangeView):
    def form_valid(self, form):
        from .services import password_changed

        response = super().form_valid(form)
        password_changed(user=form.user)
        return response
