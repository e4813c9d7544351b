from .audit import AuditEntry
from .notifications import Notification
from .outbox import OutboxMessage

__all__ = ["AuditEntry", "Notification", "OutboxMessage"]
