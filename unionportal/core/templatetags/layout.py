"""The layout's fixed parts, rendered once per role.

Every signed-in page carries the same head links, navigation and scripts for everyone of the same
role: some thirty ``{% url %}`` and ``{% static %}`` tags whose output depends on nothing but the
role's flags. ``{% role_fragment %}`` renders such a template once per process and role (and URL
prefix and URLconf, which tests may change) and reuses the text; the template sees only ``role``,
an object of those flags, so nothing personal can end up in the kept text."""

from functools import lru_cache
from types import SimpleNamespace

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

# The user's attributes a fragment may depend on; anything else is not available to it.
ROLE_FLAGS = (
    "is_authenticated",
    "is_officer",
    "is_portal_staff",
    "is_portal_admin",
    "is_regional_staff",
    "holds_system_role",
    "is_system_admin",
    "is_security_admin",
    "is_audit_admin",
    "is_staff",
)


def role_of(user) -> tuple[bool, ...]:
    return tuple(bool(getattr(user, flag, False)) for flag in ROLE_FLAGS)


@lru_cache(maxsize=256)
def _rendered(template_name: str, role: tuple[bool, ...], prefix: str, urlconf) -> str:
    flags = SimpleNamespace(**dict(zip(ROLE_FLAGS, role, strict=True)))
    # A Django template's output is already marked safe (it escaped what it printed): kept as it is.
    return get_template(template_name).render({"role": flags})


def _page(context) -> tuple:
    """(user, role, URL prefix, URLconf) of the page being rendered: worked out once per request and
    user, not at each of the layout's fragments and fixed links (each prefix or URLconf lookup is a
    read of a context-local variable)."""
    request, user = context.get("request"), context.get("user")
    page = getattr(request, "_layout_page", None)
    if page is None or page[0] is not user:
        page = (user, role_of(user), get_script_prefix(), get_urlconf())
        if request is not None:
            request._layout_page = page
    return page


@register.simple_tag(takes_context=True)
def role_fragment(context, template_name: str) -> str:
    render = _rendered.__wrapped__ if settings.DEBUG else _rendered  # a developer sees an edit at once
    _, role, prefix, urlconf = _page(context)
    return render(template_name, role, prefix, urlconf)


@lru_cache(maxsize=256)
def _reversed(name: str, prefix: str, urlconf) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag(takes_context=True)
def fixed_url(context, name: str) -> str:
    """``{% url name %}`` for a URL without arguments, reversed once per process (and prefix)."""
    _, _, prefix, urlconf = _page(context)
    return _reversed(name, prefix, urlconf)
