from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from officers.services import county_upsert


class Command(BaseCommand):
    help = "创建或更新县区（6位行政区划代码），并添加镇区街道。重复运行不会产生变化。"

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="6位县区代码，如 320922")
        parser.add_argument("--name", required=True, help="县区名称，如 滨海县")
        parser.add_argument("--townships", default="", help="镇区街道，逗号分隔：东坎街道,坎北街道")
        parser.add_argument("--city", default="", help="所属市")
        parser.add_argument("--province", default="", help="所属省")
        parser.add_argument("--parent", default="", help="上级单位（市，或省直管县的省）代码，如 320900")

    def handle(self, *args, code, name, townships, city, province, parent, **options):
        names = [t for t in townships.replace("，", ",").split(",") if t.strip()]
        try:
            county, changed = county_upsert(
                code=code, name=name, city=city, province=province, townships=names, parent_code=parent
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        state = "已保存" if changed else "未变化"
        above = f"，上级单位 {county.region}" if county.region_id else ""
        self.stdout.write(f"{state}：{county}，镇区街道 {county.townships.count()} 个{above}")
