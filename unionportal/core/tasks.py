"""Celery tasks of the outbox: each takes an id, calls one function, is safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from . import channels, outbox

# Network and mail-server errors (smtplib's are OSErrors: DNS, TLS, refused, reset, timeouts), a
# channel backend's passing failure (a robot or SMS gateway down, slow or busy) and a database
# hiccup. The sweep counts on this: it leaves a failed message to these retries.
TRANSIENT = (OSError, OperationalError, channels.Transient)


@shared_task(
    bind=True,
    name=outbox.DELIVER_TASK,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=outbox.MAX_ATTEMPTS,
    acks_late=True,
    time_limit=60,
    soft_time_limit=45,
)
def deliver_message(self, message_id: int) -> bool:
    """One notice to one person on one channel; queued on ``alerts`` when urgent. A failure is
    recorded on the outbox row before the exception reaches Celery; a retry of a refused (failed)
    message finds nothing to do."""
    return outbox.deliver(message_id=message_id)


@shared_task(time_limit=60, soft_time_limit=45)
def sweep_outbox() -> int:
    """Every half minute: queue again what is still undelivered (broker down, worker lost)."""
    return outbox.sweep()
