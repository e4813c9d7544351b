"""Writing the audit log: the one way any app records a read, an export or a change."""

from .client_address import client_ip
from .models import AuditEntry


def client_address(request) -> str | None:
    """The client's address (behind a trusted proxy, the one it forwarded): see core.client_address."""
    return client_ip(request)


def audit_record(*, actor, action: str, report=None, county=None, target: str = "", request=None) -> AuditEntry:
    """``report`` is any object with ``pk``, ``county_id`` and ``title`` (a report); ``county`` a
    county or its id, when there is no report."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        report_id=report.pk if report is not None else None,
        county_id=report.county_id if report is not None else getattr(county, "pk", county),
        target=(target or (report.title if report is not None else ""))[:200],
        ip_address=client_address(request),
    )
