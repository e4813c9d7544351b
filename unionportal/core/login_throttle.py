"""Login throttling: django-axes, with two limits instead of one.

- ``AXES_FAILURE_LIMIT`` wrong passwords for one phone from one address lock that pair (axes'
  own lockout, ``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]``): the same phone from
  another address is not locked, so nobody can lock a county admin out from elsewhere.
- ``AXES_ADDRESS_FAILURE_LIMIT`` wrong passwords from one address, across all phones, lock that
  address: one client cannot try five passwords on every phone of the county.

Both within ``AXES_COOLOFF_TIME``. Axes compares one count with one limit, so the address count is
folded in here: an address over its own limit counts as a pair at the pair limit. The address is the
client's, also behind the proxy (``core.client_address.client_ip``, axes' AXES_CLIENT_IP_CALLABLE).
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

DEFAULT_ADDRESS_FAILURE_LIMIT = 30


def address_failure_limit() -> int:
    return getattr(settings, "AXES_ADDRESS_FAILURE_LIMIT", DEFAULT_ADDRESS_FAILURE_LIMIT)


def address_failures(*, ip_address, since) -> int:
    """Failed logins from ``ip_address`` for any phone since ``since``, counted in the database."""
    if not ip_address:
        return 0
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


class PortalAxesHandler(AxesDatabaseHandler):
    """axes' database handler; an address over AXES_ADDRESS_FAILURE_LIMIT is locked for every phone."""

    def get_failures(self, request, credentials=None) -> int:
        pair = super().get_failures(request, credentials)
        since = get_cool_off_threshold(request)
        if address_failures(ip_address=request.axes_ip_address, since=since) >= address_failure_limit():
            return max(pair, get_failure_limit(request, credentials))
        return pair
