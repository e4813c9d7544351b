from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from officers.services import region_upsert


class Command(BaseCommand):
    help = "创建或更新县以上单位（市、省；6位行政区划代码）。重复运行不会产生变化。"

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="6位行政区划代码，如 320900（盐城市）")
        parser.add_argument("--name", required=True, help="单位名称，如 盐城市")
        parser.add_argument("--level", required=True, choices=["city", "province"], help="city 市 / province 省")
        parser.add_argument("--parent", default="", help="上级单位代码（市的上级为省），如 320000")

    def handle(self, *args, code, name, level, parent, **options):
        try:
            region, changed = region_upsert(code=code, name=name, level=level, parent_code=parent)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        state = "已保存" if changed else "未变化"
        above = f"，上级单位 {region.parent}" if region.parent_id else ""
        self.stdout.write(f"{state}：{region}（{region.get_level_display()}）{above}")
