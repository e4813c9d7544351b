from .audit import AuditEntry
from .imports import ImportJob
from .notifications import Notification

__all__ = ["AuditEntry", "ImportJob", "Notification"]
