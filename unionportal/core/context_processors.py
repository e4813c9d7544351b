from django.conf import settings

from .notifications import unread_notifications


def portal(request):
    context = {"PORTAL_NAME": settings.PORTAL_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # One small indexed count per page: the bell's number.
        context["unread_notifications"] = unread_notifications(user=user, session=getattr(request, "session", None))
    return context
