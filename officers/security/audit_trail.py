"""The audit administrator's view of the whole trail: filtered, paged, exported (the export audited)."""

from datetime import datetime, time, timedelta
from io import BytesIO

from openpyxl import Workbook

from unionportal.core.clock import BEIJING
from unionportal.core.exports import escape_formula, xml_safe
from unionportal.core.models import AuditEntry

EXPORT_MAX_ROWS = 100_000
COLUMNS = ("时间", "操作人", "角色", "操作", "结果", "对象", "IP 地址", "县区编号", "摘要")


def audit_trail(*, user, filters: dict | None = None):
    """Every row for the audit administrator (the whole installation); nobody else reads it here.
    County admins keep their county's log on the admin site (officers.selectors.audit_log)."""
    if not getattr(user, "is_audit_admin", False):
        return AuditEntry.objects.none()
    rows = AuditEntry.objects.select_related("actor").order_by("-created_at", "-id")
    filters = filters or {}
    if filters.get("actor"):
        rows = rows.filter(actor__username=filters["actor"])
    if filters.get("action"):
        rows = rows.filter(action=filters["action"])
    if filters.get("result"):
        rows = rows.filter(result=filters["result"])
    if filters.get("since"):
        rows = rows.filter(created_at__gte=datetime.combine(filters["since"], time.min, tzinfo=BEIJING))
    if filters.get("until"):
        rows = rows.filter(
            created_at__lt=datetime.combine(filters["until"] + timedelta(days=1), time.min, tzinfo=BEIJING)
        )
    return rows


def row_values(entry) -> list:
    actor = entry.actor
    return [
        entry.created_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        actor.username if actor else "",
        actor.get_role_display() if actor else "",
        entry.get_action_display(),
        entry.get_result_display(),
        entry.target,
        entry.ip_address or "",
        entry.county_id or "",
        entry.entry_hash,
    ]


def audit_trail_xlsx(rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计日志")
    sheet.append(list(COLUMNS))
    for entry in rows[:EXPORT_MAX_ROWS]:
        sheet.append([xml_safe(escape_formula(value)) for value in row_values(entry)])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
