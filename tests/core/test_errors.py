import pytest
from django.test import Client, override_settings
from django.urls import path

from unionportal.urls import urlpatterns as real_patterns


def boom(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom/", boom), *real_patterns]
handler500 = "unionportal.core.views.server_error"
handler404 = "unionportal.core.views.page_not_found"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.core.test_errors", DEBUG=False)
def test_server_error_page_is_chinese_and_has_no_traceback():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统暂时出现问题" in body
    assert "Traceback" not in body and "secret internal detail" not in body


@pytest.mark.django_db
def test_not_found_page_is_chinese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.django_db
def test_the_icon_is_served_locally(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/img/favicon-32.png")
    assert (
        '<link rel="icon" type="image/png" href="/static/img/favicon-32.png">'
        in client.get("/accounts/login/").content.decode()
    )
