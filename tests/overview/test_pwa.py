"""unionportal/overview/pwa.py: the web app manifest and the service worker at the site's root."""

import json

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def test_the_manifest(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json; charset=utf-8"
    manifest = json.loads(response.content)
    assert (manifest["name"], manifest["short_name"]) == ("信息员工作平台", "信息员")
    assert (manifest["start_url"], manifest["display"], manifest["theme_color"]) == ("/", "standalone", "#c01c24")
    assert [(i["src"], i["sizes"], i["type"]) for i in manifest["icons"]] == [
        ("/static/icons/icon-192.png", "192x192", "image/png"),
        ("/static/icons/icon-512.png", "512x512", "image/png"),
    ]


@pytest.mark.parametrize("size", [192, 512])
def test_the_icons_are_real_pngs_of_their_size(size):
    with Image.open(finders.find(f"icons/icon-{size}.png")) as image:
        assert (image.format, image.size) == ("PNG", (size, size))


def test_every_page_links_the_manifest(client):
    body = client.get("/accounts/login/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in body
    assert '<meta name="theme-color" content="#c01c24">' in body


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert 'const OFFLINE_SHELL = "/reports/new/offline/";' in body
    assert 'const STATIC_PREFIX = "/static/";' in body
    assert "&quot;" not in body


def test_the_service_worker_keeps_only_static_files_and_the_offline_shell(client):
    body = client.get("/sw.js").content.decode()
    shell_files = json.loads(body.split("const SHELL_FILES = ", 1)[1].split(";\n", 1)[0])
    assert shell_files and all(path.startswith("/static/") for path in shell_files)
    assert "/static/js/offline_reports.js" in shell_files
    # The only cache.put calls: the offline shell, and requests already checked to be under /static/.
    assert body.count("cache.put(") == 3
    assert "cache.put(OFFLINE_SHELL, response" in body and "cache.put(request, response.clone())" in body
    assert "url.pathname.startsWith(STATIC_PREFIX)" in body


def test_the_worker_is_registered_for_officers_only(client, county):
    officer = OfficerFactory(county=county)
    client.force_login(officer.user)
    body = client.get("/").content.decode()
    assert '<meta name="service-worker" content="/sw.js">' in body and "js/offline_reports.js" in body
    assert 'data-testid="outbox-banner"' in body
    client.logout()
    assert "service-worker" not in client.get("/accounts/login/").content.decode()
