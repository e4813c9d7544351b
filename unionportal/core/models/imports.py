"""A ledger import that runs in the background: the file kept privately, its progress, its result."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..attachments import attachment_storage


def import_file_path(instance, filename):
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"imports/jobs/{timezone.localtime():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ImportJob(models.Model):
    """One uploaded ledger, checked (a dry run) and, once its uploader confirms, written, all or
    nothing, by ``unionportal.core.imports``. Kept afterwards with its counts and every bad row."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        CHECKING = "checking", "校验中"
        CHECKED = "checked", "待确认"
        WRITING = "writing", "写入中"
        DONE = "done", "完成"
        FAILED = "failed", "失败"
        CANCELLED = "cancelled", "已放弃"

    RUNNING = (State.QUEUED, State.CHECKING, State.WRITING)

    kind = models.CharField("台账", max_length=20)
    county = models.ForeignKey(
        "officers.County", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="县区"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="导入人"
    )
    file = models.FileField("文件", storage=attachment_storage, upload_to=import_file_path)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    confirmed = models.BooleanField("已确认写入", default=False)
    total_rows = models.PositiveIntegerField("行数", default=0)
    rows_checked = models.PositiveIntegerField("已校验行数", default=0)
    rows_written = models.PositiveIntegerField("已写入行数", default=0)
    totals = models.JSONField("新增、更新、未变化", default=dict, blank=True)
    errors = models.JSONField("错误", default=list, blank=True)  # [{"row", "column", "message"}]
    preview = models.JSONField("预览", default=list, blank=True)  # [{"row", "action", "cells"}]
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    started_at = models.DateTimeField("开始处理", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "台账导入"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Two imports of the same ledger into the same county never run at once.
            models.UniqueConstraint(
                fields=["kind", "county"],
                condition=Q(state__in=["queued", "checking", "writing"]),
                name="one_running_import_per_county_and_kind",
            )
        ]

    def __str__(self):
        return f"{self.original_name}（{self.get_state_display()}）"

    @property
    def running(self) -> bool:
        return self.state in self.RUNNING
