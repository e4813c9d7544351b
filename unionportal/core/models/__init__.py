from .audit import AuditEntry
from .idempotency import SubmissionKey
from .notifications import Notification

__all__ = ["AuditEntry", "Notification", "SubmissionKey"]
