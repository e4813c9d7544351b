"""Scheduled jobs of the dispute module (schedules: migration 0005, Beijing time)."""

from celery import shared_task

from . import services


@shared_task
def warn_mediation_deadlines() -> int:
    """The day-12 and deadline warnings of cases in mediation; safe to run twice a day."""
    return services.mediation_warnings_send()


@shared_task
def remind_return_visits() -> int:
    """The return visits fallen due (30 days after closing); safe to run twice a day."""
    return services.return_visit_reminders_send()


@shared_task
def supervise_cases() -> dict:
    """Cases past the deadline untold, instalments overdue beyond the grace: supervision items for the
    handler, closed once cured; safe to run any number of times."""
    return services.cases_supervise()
