from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView, PasswordChangeView
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse

from unionportal.core.forms import add_service_errors

from .models import User
from .security.signin import PASSWORD_EXPIRED_KEY, sign_in_completed
from .services import password_change


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

    def get_invalid_login_error(self):
        # Django's backend turns a stopped account away like a wrong password. Someone who knows the
        # password learns the account is stopped (and whom to call); anyone else learns nothing.
        password = self.cleaned_data.get("password")
        user = User.objects.filter(username=self.cleaned_data.get("username"), is_active=False).first()
        if user is None:
            User().set_password(password)  # the same hashing time either way: no telling stopped accounts apart
        elif user.check_password(password):
            return ValidationError(self.error_messages["inactive"], code="inactive")
        return super().get_invalid_login_error()


class PortalLoginView(LoginView):
    """Django's login view with phone labels; a ``next`` that points back at login goes home."""

    authentication_form = PhoneLoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self):
        url = super().get_redirect_url()
        return "" if url.startswith(reverse("login")) else url

    def form_valid(self, form):
        response = super().form_valid(form)  # Django's login(): a new session key
        sign_in_completed(request=self.request, user=form.get_user())
        return response


# Signing out clears what the phone holds for this site: the service worker's cache, the drafts and
# the outbox in IndexedDB (static/js/offline_reports.js also clears them before the form is sent).
CLEAR_SITE_DATA = '"cache", "storage"'


class PortalLogoutView(LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


class PortalPasswordChangeView(PasswordChangeView):
    """Django's page; the new password is set by ``services.password_change``, which refuses the
    password the admin set and the user's previous one."""

    def form_valid(self, form):
        try:
            user = password_change(user=form.user, password=form.cleaned_data["new_password1"], request=self.request)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)  # stays logged in, as Django's own view does
        self.request.session.pop(PASSWORD_EXPIRED_KEY, None)
        return HttpResponseRedirect(self.get_success_url())
