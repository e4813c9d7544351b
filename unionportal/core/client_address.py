"""The one answer to "which address did this request come from?".

Behind a reverse proxy (nginx) every request arrives from the proxy's own address; the client's is in
the ``X-Forwarded-For`` header the proxy appends to. That header is believed only when the request
comes from a trusted proxy (settings.TRUSTED_PROXIES: addresses or networks, default none), and only
as far as the hops are trusted: the answer is the right-most address that is not a trusted proxy, so
whatever a client writes into the header itself (to the left) is never taken. Used by the audit log,
django-axes (AXES_CLIENT_IP_CALLABLE) and everything else that needs a client's address.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def trusted_networks(entries=None) -> list:
    """settings.TRUSTED_PROXIES (or ``entries``) as networks; a wrong entry stops the portal at once."""
    networks = []
    for entry in getattr(settings, "TRUSTED_PROXIES", []) if entries is None else entries:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES 中的“{entry}”不是 IP 地址或网段（例如 10.0.0.5 或 10.0.0.0/24）"
            ) from None
    return networks


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    if address is None:
        return False
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind a trusted proxy the right-most untrusted hop of
    X-Forwarded-For. None without a request."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    networks = trusted_networks()
    if remote is None or not networks or not _trusted(_address(remote), networks):
        return remote
    answer = remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage the client wrote: the last hop a trusted proxy vouched for is the answer
        answer = str(address)
        if not _trusted(address, networks):
            break
    return answer
