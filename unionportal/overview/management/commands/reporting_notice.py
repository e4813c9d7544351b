"""``reporting_notice --county CODE --month YYYY-MM [--output PATH.docx|PATH.xlsx]`` (contract section 9)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from officers.models import County
from reports import rules, selectors
from unionportal.overview.models import RankingNotice
from unionportal.overview.notice_export import notice_docx, notice_xlsx


class Command(BaseCommand):
    help = "打印某县区某月的信息报送通报数据（JSON），可写出通报 docx/xlsx；与月度通报页面、工作台同一口径。"

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
        figures = selectors.ranking_figures(county_id=place.pk, month=first_day)
        self.stdout.write(json.dumps(selectors.contract_figures(figures), ensure_ascii=False))
        if output:
            # The notice as it reads from these figures: the month's stored notice lends its number,
            # foreword and publication date when there is one (never saved from here).
            stored = RankingNotice.objects.filter(county=place, month=first_day).first()
            notice = RankingNotice(
                county=place,
                month=first_day,
                figures=figures,
                foreword=stored.foreword if stored else "",
                number=stored.number if stored else "",
                published_at=stored.published_at if stored else None,
                built_at=timezone.now(),
            )
            path = Path(output)
            path.write_bytes(notice_docx(notice) if path.suffix.lower() == ".docx" else notice_xlsx(notice))
            self.stderr.write(f"已写入 {path}")
