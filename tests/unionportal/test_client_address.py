"""The client's address: REMOTE_ADDR, or behind a trusted proxy the right-most untrusted hop."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from unionportal.core.client_address import client_ip, trusted_networks


def request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        # no trusted proxy configured: the header is nobody's word
        ([], "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # the header from an address that is not a trusted proxy is ignored
        (["10.0.0.5"], "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # from the trusted proxy: the hop it appended
        (["10.0.0.5"], "10.0.0.5", "198.51.100.1", "198.51.100.1"),
        (["10.0.0.0/24"], "10.0.0.9", "198.51.100.1", "198.51.100.1"),
        # what the client wrote itself (left) is not taken: the right-most untrusted hop is
        (["10.0.0.5"], "10.0.0.5", "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        # two proxies in a row, both trusted
        (["10.0.0.5", "10.0.1.0/24"], "10.0.0.5", "1.2.3.4, 198.51.100.1, 10.0.1.3", "198.51.100.1"),
        # a trusted proxy without the header (a health check): the proxy itself
        (["10.0.0.5"], "10.0.0.5", None, "10.0.0.5"),
        (["10.0.0.5"], "10.0.0.5", "", "10.0.0.5"),
        # garbage where the proxy's hop should be: the last address a trusted hop vouched for
        (["10.0.0.5"], "10.0.0.5", "198.51.100.1, not-an-ip", "10.0.0.5"),
        (["10.0.0.5"], "10.0.0.5", "not-an-ip, 198.51.100.1", "198.51.100.1"),
        # every hop trusted: the left-most
        (["10.0.0.0/8"], "10.0.0.5", "10.1.1.1, 10.2.2.2", "10.1.1.1"),
        # IPv6
        (["::1"], "::1", "2001:db8::7", "2001:db8::7"),
        (["127.0.0.1"], "::ffff:127.0.0.1", "198.51.100.1", "198.51.100.1"),
    ],
)
def test_client_ip(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    assert client_ip(request(remote, forwarded)) == expected


def test_no_request_no_address():
    assert client_ip(None) is None


def test_a_wrong_proxy_entry_is_refused_in_words():
    with pytest.raises(ImproperlyConfigured) as exc:
        trusted_networks(["10.0.0.5", "nginx"])
    assert str(exc.value) == "TRUSTED_PROXIES 中的“nginx”不是 IP 地址或网段（例如 10.0.0.5 或 10.0.0.0/24）"
