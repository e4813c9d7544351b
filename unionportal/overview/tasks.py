"""Scheduled jobs of the overview floor: the monthly analysis material and the ranking notice."""

from datetime import date

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import OperationalError

from officers.models import County
from reports import reminders

from . import notices, summaries


@shared_task(time_limit=300, soft_time_limit=240, autoretry_for=(OperationalError,), retry_backoff=10, max_retries=5)
def build_monthly_summaries() -> int:
    """On the 1st: build last month's summary for every county."""
    month = summaries.previous_month(reminders.current_month()).isoformat()
    ids = list(County.objects.values_list("pk", flat=True))
    for county_id in ids:
        build_summary.delay(county_id, month)
    return len(ids)


@shared_task(time_limit=600, soft_time_limit=540, autoretry_for=(OperationalError,), retry_backoff=10, max_retries=5)
def build_summary(county_id: int, month: str) -> int:
    summary = summaries.summary_build(county=County.objects.get(pk=county_id), month=date.fromisoformat(month))
    return reminders.notify_summary_ready(summary=summary)


@shared_task(time_limit=300, soft_time_limit=240, autoretry_for=(OperationalError,), retry_backoff=10, max_retries=5)
def build_ranking_notices() -> int:
    """On the 2nd: build last month's ranking notice draft for every county (a published one is left
    as it is). Returns the tasks queued."""
    month = summaries.previous_month(reminders.current_month()).isoformat()
    ids = list(County.objects.values_list("pk", flat=True))
    for county_id in ids:
        build_ranking_notice.delay(county_id, month)
    return len(ids)


@shared_task(time_limit=600, soft_time_limit=540, autoretry_for=(OperationalError,), retry_backoff=10, max_retries=5)
def build_ranking_notice(county_id: int, month: str) -> int:
    """One county's draft, and its admins told; safe to run twice (the draft is rebuilt, the notice
    to the admins is keyed), and a notice already published is left alone."""
    county = County.objects.get(pk=county_id)
    try:
        notice = notices.notice_build(county=county, month=date.fromisoformat(month))
    except ValidationError:
        return 0
    return notices.notify_draft_ready(notice=notice)
