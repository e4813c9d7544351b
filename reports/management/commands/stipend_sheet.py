from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from officers.models import County
from reports import rules, selectors, services
from reports.sheet_export import csv_stream, sheet_title, xlsx_file
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry


class Command(BaseCommand):
    help = "每月补助表：打印汇总（各等级人数、合计金额），可导出 xlsx/csv，可审批锁定。"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="县区代码，如 320922")
        parser.add_argument("--month", required=True, help="月份 YYYY-MM（北京时间自然月）")
        parser.add_argument("--output", help="导出文件路径，以 .xlsx 或 .csv 结尾")
        parser.add_argument("--approve", action="store_true", help="审批并锁定该月补助表")

    def handle(self, *args, county, month, output, approve, **options):
        place = County.objects.filter(code=county).first()
        if place is None:
            raise CommandError(f"县区代码 {county} 不存在")
        try:
            first_day = rules.parse_month(month)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if output and Path(output).suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError("--output 只支持 .xlsx 或 .csv 文件")
        problem = selectors.sheet_month_problem(county=place, month=first_day)
        if problem:
            raise CommandError(problem)
        if approve:
            try:
                services.sheet_approve(county=place, month=first_day, actor=None)
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from None
            self.stdout.write(self.style.SUCCESS("已审批，补助表已锁定。"))

        summary = selectors.sheet_summary(county=place, month=first_day)
        state = "已审批" if summary.approved else "未审批"
        self.stdout.write(f"{place.name}{first_day.year}年{first_day.month}月信息员补助表（{state}）")
        amounts = summary.terms.amounts
        self.stdout.write(
            f"标准：每月任务 {summary.terms.quota} 条；合格 {amounts['qualified']} 元，良好 {amounts['good']} 元，"
            f"优秀 {amounts['excellent']} 元"
        )
        tiers = "，".join(f"{tier.label} {count} 人" for tier, count in summary.tiers)
        self.stdout.write(f"在岗信息员 {len(summary.lines)} 人：{tiers}")
        if summary.back_pay_total:
            carried = "；".join(f"{line.name} {line.note}" for line in summary.lines if line.back_pay)
            self.stdout.write(
                f"补发 {summary.back_pay_officers} 人，共 {summary.back_pay_total} 元（已含在合计中）：{carried}"
            )
        self.stdout.write(f"合计 {summary.total} 元")
        if summary.pending:
            self.stdout.write(f"待审核 {summary.pending} 条（审批前须全部审核）")

        if output:
            path = Path(output)
            lines = selectors.sheet_lines(county=place, month=first_day, sheet=summary.sheet, terms=summary.terms)
            if path.suffix.lower() == ".csv":
                with path.open("wb") as handle:
                    for chunk in csv_stream(lines):
                        handle.write(chunk)
            else:
                title = sheet_title(place, first_day)
                with xlsx_file(lines, title=title, sheet_name=f"{first_day:%Y-%m}") as temp, path.open("wb") as handle:
                    for chunk in iter(lambda: temp.read(1 << 16), b""):
                        handle.write(chunk)
            audit_record(
                actor=None,
                action=AuditEntry.Action.EXPORT,
                county=place.pk,
                target=f"{place.name}{first_day:%Y-%m}补助表 → {path.name}（命令行）",
            )
            self.stdout.write(f"已写入 {path}")
