"""A ledger import as a job: uploaded, checked (a dry run of the whole file), confirmed by its
uploader, written (the same all-or-nothing import as the ``import_*`` commands), kept with its
counts and every bad row. Small files run inside the request; large ones in a Celery task
(``tasks.run_import_job``), which reports its progress through the cache."""

import logging
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..audit import audit_record
from ..ledger import FORMAT_FOR_SUFFIX, cell_text, read_ledger, row_problems
from ..models import AuditEntry, ImportJob
from .reading import LedgerFileError, check_size, count_rows, open_rows, web_limits
from .registry import ledger_kind

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 200  # rows shown before confirming; every bad row is always listed
PROGRESS_EVERY = 50  # rows between two progress reports
ACTION_LABELS = {"new": "新增", "update": "更新", "skip": "未变化", "delete": "删除"}
UNEXPECTED = "导入时出现意外错误，未写入任何数据。请稍后重试；如仍失败，请联系管理员。"
STALE = "任务中断（服务器重启或超时），未写入任何数据。请重新上传。"


def _busy(kind) -> ValidationError:
    return ValidationError(f"本县区已有一份{kind.title}正在导入，请等它完成后再导入。", code="busy")


def _expire_stale(*, kind: str, county_id) -> None:
    """A running job whose worker died (no task may run past its time limit) stops holding the lock."""
    cutoff = timezone.now() - timedelta(seconds=settings.IMPORT_JOB_STALE_SECONDS)
    stale = ImportJob.objects.filter(kind=kind, county_id=county_id, state__in=ImportJob.RUNNING)
    stale.filter(started_at__lt=cutoff).update(
        state=ImportJob.State.FAILED, errors=[{"row": None, "column": "", "message": STALE}], finished_at=timezone.now()
    )
    stale.filter(started_at__isnull=True, created_at__lt=cutoff).update(
        state=ImportJob.State.FAILED, errors=[{"row": None, "column": "", "message": STALE}], finished_at=timezone.now()
    )


def job_start(*, kind: str, user, upload) -> ImportJob:
    """Keep an uploaded ledger privately and queue its check. Refuses (ValidationError, in Chinese)
    a file of another type, too large, past the row ceiling or unreadable, and a second import of
    the same ledger into the same county while one runs."""
    ledger = ledger_kind(kind)
    suffix = PurePosixPath(upload.name or "").suffix.lower()
    if suffix not in FORMAT_FOR_SUFFIX:
        raise ValidationError({"file": "只支持 .csv（UTF-8）和 .xlsx 文件"})
    limits = web_limits()
    try:
        check_size(upload.size, limits)
        data = upload.read()
        total = count_rows(data, suffix, limits)
    except LedgerFileError as exc:
        raise ValidationError({"file": str(exc)}) from None
    county_id = getattr(user, "county_id", None)
    job = ImportJob(
        kind=kind,
        county_id=county_id,
        user=user,
        original_name=cell_text(PurePosixPath(upload.name).name)[:200],
        size=upload.size,
        total_rows=total,
    )
    job.file.save(f"ledger{suffix}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            _expire_stale(kind=kind, county_id=county_id)
            job.save()
    except IntegrityError:
        job.file.delete(save=False)
        raise _busy(ledger) from None
    return job


def job_confirm(*, job: ImportJob, user) -> ImportJob:
    """The uploader confirms a checked file: it is queued to be written."""
    ledger = ledger_kind(job.kind)
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job.pk, user=user)
            if job.state != ImportJob.State.CHECKED:
                raise ValidationError("该导入已不能确认：只有校验通过、等待确认的导入可以写入。", code="state")
            _expire_stale(kind=job.kind, county_id=job.county_id)
            job.state, job.confirmed, job.started_at = ImportJob.State.QUEUED, True, None
            job.save(update_fields=["state", "confirmed", "started_at"])
    except IntegrityError:
        raise _busy(ledger) from None
    return job


def job_cancel(*, job: ImportJob, user) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk, user=user)
        if job.state != ImportJob.State.CHECKED:
            raise ValidationError("只有等待确认的导入可以放弃。", code="state")
        job.state, job.finished_at = ImportJob.State.CANCELLED, timezone.now()
        job.save(update_fields=["state", "finished_at"])
    return job


def job_runs_inline(job: ImportJob) -> bool:
    return job.total_rows <= settings.IMPORT_BACKGROUND_ROWS


# ---- progress ----------------------------------------------------------------------------------


def _progress_key(job_id) -> str:
    return f"unionportal:import-job:{job_id}:progress"


def job_progress(job: ImportJob) -> dict:
    """What the progress bar shows: the state and the rows checked and written so far."""
    checked, written = job.rows_checked, job.rows_written
    if job.running:
        live = cache.get(_progress_key(job.pk)) or {}
        checked, written = live.get("checked", checked), live.get("written", written)
    return {
        "state": job.state,
        "state_label": job.get_state_display(),
        "total": job.total_rows,
        "checked": checked,
        "written": written,
        "running": job.running,
    }


class _Reporter:
    def __init__(self, job: ImportJob, writing: bool):
        self.job_id, self.writing, self.done = job.pk, writing, 0
        self.total = job.total_rows

    def rows(self, checked: int, written: int) -> None:
        """A bulk ledger's progress after each batch."""
        cache.set(_progress_key(self.job_id), {"checked": checked, "written": written}, timeout=3600)

    def __call__(self):
        self.done += 1
        if self.done % PROGRESS_EVERY == 0 or self.done == self.total:
            value = (
                {"checked": self.total, "written": self.done} if self.writing else {"checked": self.done, "written": 0}
            )
            cache.set(_progress_key(self.job_id), value, timeout=3600)


# ---- running -------------------------------------------------------------------------------------


def _claim(job_id) -> ImportJob | None:
    """Take a queued job (None when it is not queued: a second run of the same task does nothing)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != ImportJob.State.QUEUED:
            return None
        job.state = ImportJob.State.WRITING if job.confirmed else ImportJob.State.CHECKING
        job.started_at = timezone.now()
        job.save(update_fields=["state", "started_at"])
    return job


def _preview(dataset, result, columns) -> list[dict]:
    shown = [c for c in columns if c in (dataset.headers or [])]
    rows = []
    for index, (values, row_result) in enumerate(zip(dataset.dict, result.rows, strict=False)):
        if index >= PREVIEW_ROWS:
            break
        rows.append(
            {
                "row": index + 2,
                "action": ACTION_LABELS.get(row_result.import_type, row_result.import_type),
                "cells": [cell_text(values.get(c)) for c in shown],
            }
        )
    return [{"columns": shown}] + rows if rows else []


def _run_bulk(job: ImportJob, ledger, writing: bool):
    """The job's file streamed from private storage through the ledger's bulk import."""
    ledger_import = ledger.bulk_class(user=job.user)
    ledger_import.progress = _Reporter(job, writing).rows
    suffix = PurePosixPath(job.file.name).suffix.lower()
    with (
        job.file.open("rb") as handle,
        open_rows(handle, suffix, job.size or job.file.size, web_limits()) as (
            header,
            rows,
        ),
    ):
        return ledger_import.run(header, rows, dry_run=not writing)


def _bulk_preview(result, columns) -> list[dict]:
    shown = [c for c in columns if c in result.headers]
    rows = [
        {"row": p["row"], "action": p["action"], "cells": [cell_text(p["cells"].get(c)) for c in shown]}
        for p in result.preview[:PREVIEW_ROWS]
    ]
    return [{"columns": shown}] + rows if rows else []


def job_run(job_id) -> ImportJob | None:
    """Check or write a queued job, whichever is due; the task's body."""
    job = _claim(job_id)
    if job is None:
        return None
    ledger = ledger_kind(job.kind)
    writing = job.confirmed
    problems, result, dataset = [], None, None
    try:
        if ledger.bulk_class is not None:
            result = _run_bulk(job, ledger, writing)
        else:
            with job.file.open("rb") as handle:
                data = handle.read()
            dataset = read_ledger(data, PurePosixPath(job.file.name).suffix, web_limits())
            resource = ledger.resource_class()
            resource.on_row = _Reporter(job, writing)
            result = resource.import_data(dataset, dry_run=not writing, user=job.user)
        problems = row_problems(result)
        if not problems and (result.has_errors() or result.has_validation_errors()):
            problems = [{"row": None, "column": "", "message": UNEXPECTED}]
    except LedgerFileError as exc:
        problems = [{"row": None, "column": "", "message": str(exc)}]
    except Exception:
        logger.exception("import job %s failed", job_id)
        problems = [{"row": None, "column": "", "message": UNEXPECTED}]
    job.errors = problems
    if problems:
        job.state, job.finished_at = ImportJob.State.FAILED, timezone.now()
        job.rows_checked = job.total_rows if result is not None else 0
    else:
        job.totals = dict(result.totals)
        job.rows_checked = job.total_rows
        if writing:
            job.state, job.finished_at = ImportJob.State.DONE, timezone.now()
            job.rows_written = job.total_rows
        else:
            job.state = ImportJob.State.CHECKED
            job.preview = (
                _bulk_preview(result, ledger.columns) if dataset is None else _preview(dataset, result, ledger.columns)
            )
    job.save()
    cache.delete(_progress_key(job.pk))
    if job.state == ImportJob.State.FAILED and writing:
        audit_record(
            actor=job.user,
            action=AuditEntry.Action.IMPORT,
            county=job.county_id,
            target=f"{ledger.title}：导入失败，未写入（{job.original_name}）"[:200],
        )
    return job
