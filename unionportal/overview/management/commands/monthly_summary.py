from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from officers.models import County
from reports import rules
from unionportal.overview.summaries import summary_build
from unionportal.overview.summary_export import docx_bytes, xlsx_bytes


class Command(BaseCommand):
    help = "生成（或重新生成）某县区某月的分析研判材料，与每月1日的定时任务相同；可写出 docx/xlsx。"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="县区代码")
        parser.add_argument("--month", required=True, help="月份 YYYY-MM")
        parser.add_argument("--output", help="输出文件，以 .docx 或 .xlsx 结尾")

    def handle(self, *args, county, month, output, **options):
        place = County.objects.filter(code=county).first()
        if place is None:
            raise CommandError(f"县区代码 {county} 不存在")
        try:
            first_day = rules.parse_month(month)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if output and Path(output).suffix.lower() not in (".docx", ".xlsx"):
            raise CommandError("--output 只支持 .docx 或 .xlsx 文件")
        try:
            summary = summary_build(county=place, month=first_day)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        f = summary.figures
        self.stdout.write(
            f"{f['county']}{f['month']}分析研判材料已生成：报送信息 {f['total']} 条，"
            f"突发 {len(f['emergencies'])} 条，未完成任务 {len(f['missed_quota'])} 人。"
        )
        if output:
            path = Path(output)
            path.write_bytes(docx_bytes(summary) if path.suffix.lower() == ".docx" else xlsx_bytes(summary))
            self.stdout.write(f"已写入 {path}")
