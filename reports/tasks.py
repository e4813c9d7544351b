"""Celery tasks of the reporting system: they take ids and call one service."""

import smtplib

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError, OperationalError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=services.ALERT_MAX_ATTEMPTS,
    acks_late=True,
    time_limit=60,
    soft_time_limit=45,
)
def deliver_alert(self, delivery_id: int) -> bool:
    """One emergency alert to one person on one channel (queue ``alerts``); safe to run twice.
    A failure is recorded on the outbox row before the exception reaches Celery."""
    return services.alert_deliver(delivery_id=delivery_id)


@shared_task(time_limit=60, soft_time_limit=45)
def sweep_alerts() -> int:
    """Every half minute: queue again the alerts still undelivered (broker down, worker lost)."""
    return services.alerts_sweep()
