from .audit import AuditEntry
from .idempotency import SubmissionKey
from .imports import ImportJob
from .notifications import Notification
from .outbox import OutboxMessage

__all__ = ["AuditEntry", "ImportJob", "Notification", "OutboxMessage", "SubmissionKey"]
