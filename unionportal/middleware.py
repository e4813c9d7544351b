"""Cross-cutting response rules: security headers, and the password an admin set."""

from django.shortcuts import redirect
from django.urls import reverse

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
    """A user whose password an admin set must choose their own before doing anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "password_change_required", False):
            allowed = (reverse("password_change"), reverse("password_change_done"), reverse("logout"))
            if request.path not in allowed and not request.path.startswith(("/static/", "/healthz")):
                return redirect("password_change")
        return self.get_response(request)
