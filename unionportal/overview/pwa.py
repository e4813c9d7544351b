"""The installable app (PWA): the web app manifest and the service worker, both served from the site's
root so the worker's scope is the whole site.

The worker (templates/overview/sw.js) keeps only the app shell (files under /static/) and the report
form's offline shell (``reports:offline_shell``, an empty form without personal data); it never keeps a
page with confidential data. It lives on this floor because it names pages of the reports app."""

import json

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

THEME_COLOR = "#c01c24"
SHELL_CACHE_VERSION = "1"
# What the worker keeps before anything is asked for: the files every page of the form loads.
SHELL_FILES = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "css/portal.css",
    "js/confirm.js",
    "js/char_counter.js",
    "js/submission_key.js",
    "js/report_form.js",
    "js/offline_reports.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "img/favicon-32.png",
)


def manifest_data() -> dict:
    return {
        "name": "信息员工作平台",
        "short_name": "信息员",
        "description": settings.PORTAL_NAME,
        "lang": "zh-CN",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f8f9fa",
        "theme_color": THEME_COLOR,
        "icons": [
            {"src": staticfiles_storage.url(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
            for size in (192, 512)
        ],
    }


@require_GET
def manifest(request):
    body = json.dumps(manifest_data(), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/manifest+json; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def service_worker(request):
    """The worker's script. Browsers check it again on every visit (no-cache): a new release replaces it."""
    shell_files = [staticfiles_storage.url(name) for name in SHELL_FILES]
    context = {
        "cache_name": f"up-shell-v{SHELL_CACHE_VERSION}",
        "shell_files": json.dumps(shell_files),
        "static_prefix": json.dumps("/" + settings.STATIC_URL.lstrip("/")),
        "offline_shell": json.dumps(reverse("reports:offline_shell")),
        "form_pages": json.dumps([reverse("reports:create"), reverse("reports:offline_shell")]),
    }
    body = render_to_string("overview/sw.js", context)
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
