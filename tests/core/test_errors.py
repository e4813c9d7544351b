import logging
import re

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import path

from unionportal.core.error_reference import ErrorReferenceFilter, error_reference
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
@override_settings(ROOT_URLCONF="tests.core.test_errors", DEBUG=False)
def test_a_server_error_has_a_reference_on_its_page_and_in_its_log_line(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        first = client.get("/boom/").content.decode()
        second = client.get("/boom/").content.decode()
    references = [
        re.search(r'错误编号：<strong data-testid="error-reference">([0-9A-F]{8})</strong>', body).group(1)
        for body in (first, second)
    ]
    assert references[0] != references[1]
    lines = [record.getMessage() for record in caplog.records if record.name == "django.request"]
    assert lines == [f"Internal Server Error: /boom/ [错误编号 {reference}]" for reference in references]
    assert all(record.exc_info for record in caplog.records)  # the traceback is the log's, with its reference


@pytest.mark.django_db
def test_other_answers_have_no_reference(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/no-such-page/")
    assert [record.getMessage() for record in caplog.records] == ["Not Found: /no-such-page/"]


def test_the_filter_leaves_other_lines_as_they_are():
    request = RequestFactory().get("/x/")
    reference = error_reference(request)
    assert error_reference(request) == reference  # one a request
    marked = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "%s: %s", ("Error", "/x/"), None)
    marked.request = request
    plain = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "no arguments", (), None)
    plain.request = request
    filtering = ErrorReferenceFilter()
    assert filtering.filter(marked) and filtering.filter(marked) and filtering.filter(plain)
    assert marked.getMessage() == f"Error: /x/ [错误编号 {reference}]"  # once, though filtered twice
    assert plain.getMessage() == "no arguments"


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
