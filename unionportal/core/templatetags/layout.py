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


@register.simple_tag(takes_context=True)
def role_fragment(context, template_name: str) -> str:
    render = _rendered.__wrapped__ if settings.DEBUG else _rendered  # a developer sees an edit at once
    return render(template_name, role_of(context.get("user")), get_script_prefix(), get_urlconf())


@lru_cache(maxsize=256)
def _reversed(name: str, prefix: str, urlconf) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def fixed_url(name: str) -> str:
    """``{% url name %}`` for a URL without arguments, reversed once per process (and prefix)."""
    return _reversed(name, get_script_prefix(), get_urlconf())
