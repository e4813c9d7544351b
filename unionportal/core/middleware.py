"""Cross-cutting response rules: security headers, the password an admin set, and idle expiry."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import empty

from .sessions import session_seen

# No inline scripts anywhere: page scripts are static files, page data is in <script type="application/json">.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = CONTENT_SECURITY_POLICY
        if request.path.startswith("/admin/"):
            # Django's admin templates carry style attributes; scripts stay locked down there too.
            policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("X-Content-Type-Options", "nosniff")
        return response


class PasswordChangeRequiredMiddleware:
    """A user whose password an admin set, or whose password is past its age (noted in the session
    at login), must choose their own before doing anything else."""

    expired_key = "_password_expired"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (getattr(user, "password_change_required", False) or request.session.get(self.expired_key))
        ):
            allowed = (reverse("password_change"), reverse("password_change_done"), reverse("logout"))
            if request.path not in allowed and not request.path.startswith(("/static/", "/healthz", "/accounts/otp/")):
                return redirect("password_change")
        return self.get_response(request)


class SessionIdleExpiryMiddleware:
    """Log a user out after their role's idle limit (staff 30 minutes, officers 8 hours by default:
    ``user.session_idle_seconds``, fixed in the session at login) without writing the session on every
    request (SESSION_SAVE_EVERY_REQUEST costs a write per page): an active session is saved, and so
    its expiry pushed back, at most once every SESSION_TOUCH_SECONDS; its 最近活动 row at most once a
    minute (core.sessions). Sits after AuthenticationMiddleware; the save happens in SessionMiddleware's
    response phase."""

    key = "_touched"
    idle_key = "_idle"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        has_cookie = settings.SESSION_COOKIE_NAME in request.COOKIES
        if has_cookie and self.idle_too_long(request):
            logout(request)
            # Before MessageMiddleware: the login page says why from its query string.
            return redirect(f"{reverse('login')}?idle=1&next={request.path}")
        if has_cookie:
            # The check above loaded the user: hand the rest of the request the user itself, not
            # AuthenticationMiddleware's lazy wrapper, whose every attribute read (some seventy a
            # page: the middleware below, the scoping rule, the layout) raises and catches inside.
            loaded = getattr(getattr(request, "user", None), "_wrapped", empty)
            if loaded is not empty:
                request.user = loaded
        response = self.get_response(request)
        if not has_cookie:
            return response  # no session to keep alive (and no reason to load one)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is None or user is None or not user.is_authenticated or session.session_key is None:
            return response
        now = int(time.time())
        if now - session.get(self.key, 0) >= settings.SESSION_TOUCH_SECONDS:
            session[self.key] = now
            session_seen(request=request)
        return response

    def idle_too_long(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        last = request.session.get(self.key)
        if last is None:
            return False
        limit = request.session.get(self.idle_key) or getattr(user, "session_idle_seconds", settings.SESSION_COOKIE_AGE)
        return time.time() - last > limit
