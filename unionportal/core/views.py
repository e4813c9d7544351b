from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection
from django.http import HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .error_reference import error_reference


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers: for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else "您的账号没有访问此页面的权限"
    return render(request, "403.html", {"message": message}, status=403)


def server_error(request):
    # Deliberately no context processors or database work: this page must render when things fail.
    # Its reference is also in the log line of this error (core.error_reference).
    return HttpResponseServerError(loader.get_template("500.html").render({"reference": error_reference(request)}))


def favicon(request):
    """Browsers and the admin site ask for /favicon.ico: the portal's icon, not a 404 in every console."""
    return HttpResponsePermanentRedirect(staticfiles_storage.url("img/favicon-32.png"))
