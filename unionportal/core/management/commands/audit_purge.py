import hashlib
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from unionportal.core.audit import audit_record, chain_lock
from unionportal.core.clock import BEIJING
from unionportal.core.models import AuditEntry, AuditPurge

FIELDS = (
    "id",
    "created_at",
    "actor_id",
    "action",
    "result",
    "county_id",
    "report_id",
    "target",
    "ip_address",
    "prev_hash",
    "entry_hash",
    "hash_algorithm",
)


class Command(BaseCommand):
    help = (
        "清理早于指定日期的审计日志：先写入归档文件（JSON Lines，含哈希链），再删除。"
        "网络安全法要求至少保留六个月：早于今天 180 天以内的记录一律拒绝清理。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="清理此日期（北京时间，YYYY-MM-DD）之前的记录")
        parser.add_argument("--archive", required=True, help="归档文件路径（不得已存在）")

    def handle(self, *args, before, archive, **options):
        try:
            cutoff_day = date.fromisoformat(before)
        except ValueError:
            raise CommandError(f"日期格式不正确：{before}（应为 YYYY-MM-DD）") from None
        retention = settings.AUDIT_RETENTION_DAYS
        latest_allowed = timezone.localdate() - timedelta(days=retention)
        if cutoff_day > latest_allowed:
            raise CommandError(f"拒绝清理：审计日志至少保留 {retention} 天，--before 最晚为 {latest_allowed:%Y-%m-%d}")
        path = Path(archive)
        if path.exists():
            raise CommandError(f"归档文件已存在：{path}（不覆盖已有归档）")
        if not path.parent.is_dir():
            raise CommandError(f"归档目录不存在：{path.parent}")
        cutoff = datetime.combine(cutoff_day, time.min, tzinfo=BEIJING)
        with transaction.atomic():
            chain_lock()  # no row is chained while the head may move
            rows = AuditEntry.objects.filter(created_at__lt=cutoff).order_by("id")
            last = rows.last()
            if last is None:
                self.stdout.write(f"{cutoff_day:%Y-%m-%d} 之前没有审计日志，无需清理。")
                return
            # Rows are removed from the start of the chain only: a row kept below the last one removed
            # (a back-dated time) would leave a hole, so everything up to that id goes.
            rows = AuditEntry.objects.filter(id__lte=last.pk).order_by("id")
            digest = hashlib.sha256()
            count = 0
            with path.open("x", encoding="utf-8") as out:
                for entry in rows.iterator():
                    line = (
                        json.dumps({f: _plain(getattr(entry, f)) for f in FIELDS}, ensure_ascii=False, sort_keys=True)
                        + "\n"
                    )
                    out.write(line)
                    digest.update(line.encode("utf-8"))
                    count += 1
                out.flush()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # The append-only trigger lets a DELETE through only with this, set for this transaction.
                    cursor.execute("SET LOCAL unionportal.audit_purge = 'on'")
            AuditEntry.objects.filter(id__lte=last.pk).delete()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL unionportal.audit_purge = 'off'")
            AuditPurge.objects.create(
                purged_before=cutoff_day,
                rows=count,
                last_id=last.pk,
                last_hash=last.entry_hash,
                archive_path=str(path.resolve()),
                archive_sha256=digest.hexdigest(),
            )
            audit_record(
                actor=None,
                action=AuditEntry.Action.AUDIT_PURGE,
                target=f"清理 {cutoff_day:%Y-%m-%d} 之前 {count} 条，归档 {path.name}",
            )
        self.stdout.write(f"已归档并清理 {count} 条审计日志（{cutoff_day:%Y-%m-%d} 之前）：{path}")


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return value
