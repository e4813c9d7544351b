import json
from datetime import datetime
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from disputes.models import DisputeCase
from disputes.selectors import dispute_figures
from officers.models import County


def _date(text, name):
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(f"{name} 应为 YYYY-MM-DD 格式的日期：{text}") from None


class Command(BaseCommand):
    help = "打印一个时期（含首尾两天）的劳动争议统计数字（JSON），与统计页面同一套计算。"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="县区代码")
        parser.add_argument("--from", dest="start", required=True, help="开始日期 YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="结束日期 YYYY-MM-DD")

    def handle(self, *args, county, start, end, **options):
        place = County.objects.filter(code=county).first()
        if place is None:
            raise CommandError(f"县区代码 {county} 不存在")
        start, end = _date(start, "--from"), _date(end, "--to")
        if end < start:
            raise CommandError("--to 不能早于 --from")
        figures = dispute_figures(cases=DisputeCase.objects.filter(county=place), start=start, end=end)
        self.stdout.write(to_json(figures))


def to_json(figures: dict) -> str:
    """One JSON object; money as numbers with exactly 2 decimals (json.dumps would drop them)."""

    def value(v):
        return f"{v:.2f}" if isinstance(v, Decimal) else json.dumps(v)

    return "{" + ", ".join(f"{json.dumps(k)}: {value(v)}" for k, v in figures.items()) + "}"
