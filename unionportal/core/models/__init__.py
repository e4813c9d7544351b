from .audit import AuditEntry
from .notifications import Notification

__all__ = ["AuditEntry", "Notification"]
