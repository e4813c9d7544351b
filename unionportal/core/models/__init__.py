from .audit import AuditEntry, AuditPurge
from .idempotency import SubmissionKey
from .imports import ImportJob
from .notifications import Notification
from .outbox import OutboxMessage
from .sessions import UserSession

__all__ = ["AuditEntry", "AuditPurge", "UserSession", "ImportJob", "Notification", "OutboxMessage", "SubmissionKey"]
