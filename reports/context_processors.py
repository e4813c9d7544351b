"""What every staff page shows from the reporting system: the emergencies nobody has opened yet."""

from django.utils.functional import SimpleLazyObject

from . import selectors


def open_emergencies(request):
    """A red banner on every staff page until someone opens each emergency (base.html). Lazy: a page
    that does not show the banner (the admin site, a download) runs no query; one that does runs one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_portal_staff:
        return {}
    return {"open_emergencies": SimpleLazyObject(lambda: selectors.open_emergencies(user=user))}
