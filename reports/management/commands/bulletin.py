from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from officers.models import County, Region
from reports import selectors
from reports.bulletin_docx import bulletin_docx_bytes
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry


class Command(BaseCommand):
    help = "导出某单位刊物某年第N期（须已签发）为 DOCX（接口约定第8节）。"

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="单位代码：县区（320922）或市、省（320900、320000）")
        parser.add_argument("--year", required=True, type=int, help="年度，如 2026")
        parser.add_argument("--number", required=True, type=int, help="期号 N（该年第N期）")
        parser.add_argument("--publication", help="刊物名称；单位只有一种刊物时可省略")
        parser.add_argument("--output", required=True, help="输出文件路径，以 .docx 结尾")

    def handle(self, *args, unit, year, number, publication, output, **options):
        if Path(output).suffix.lower() != ".docx":
            raise CommandError("--output 只支持 .docx 文件")
        place = County.objects.filter(code=unit).first() or Region.objects.filter(code=unit).first()
        if place is None:
            raise CommandError(f"单位代码 {unit} 不存在")
        issue, problem = selectors.issue_by_number(unit=place, year=year, number=number, publication_name=publication)
        if problem:
            raise CommandError(problem)
        if not issue.is_signed:
            raise CommandError(f"{issue}尚未签发，不能导出")
        path = Path(output)
        path.write_bytes(bulletin_docx_bytes(issue=issue, items=list(issue.items.order_by("position", "pk"))))
        audit_record(
            actor=None,
            action=AuditEntry.Action.EXPORT,
            county=issue.publication.county_id,
            target=f"{issue} → {path.name}（命令行）"[:200],
        )
        self.stdout.write(f"已写入 {path}（{issue}，{issue.items.count()} 条信息）")
