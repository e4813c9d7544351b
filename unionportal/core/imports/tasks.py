"""The background half of a ledger import: the task takes a job's id, is queued after the job's
transaction commits, and does nothing when run twice (services.job_run claims the job first)."""

from celery import shared_task
from django.db import transaction

from . import services

# A worker that died is noticed by the broker after its visibility timeout (900 s): the task ends well
# before, and a job left running past IMPORT_JOB_STALE_SECONDS is taken to have died.
TIME_LIMIT = 840


@shared_task(
    name="unionportal.core.imports.tasks.run_import_job", time_limit=TIME_LIMIT, soft_time_limit=TIME_LIMIT - 60
)
def run_import_job(job_id: int) -> None:
    services.job_run(job_id)


def job_dispatch(job) -> None:
    """Run a small job now, inside the request; queue a large one once the job is committed."""
    if services.job_runs_inline(job):
        services.job_run(job.pk)
    else:
        transaction.on_commit(lambda: run_import_job.delay(job.pk))
