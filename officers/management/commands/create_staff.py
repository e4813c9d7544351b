from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from officers.services import staff_upsert


class Command(BaseCommand):
    help = "创建或更新工作人员账号（reviewer 工作人员 / admin 管理员），属于县区、市或省单位，不需要交互输入。"

    def add_arguments(self, parser):
        parser.add_argument("--phone", required=True, help="手机号，即登录名")
        parser.add_argument("--name", required=True, help="姓名")
        unit = parser.add_mutually_exclusive_group(required=True)
        unit.add_argument("--county", default="", help="所属县区代码")
        unit.add_argument("--unit", default="", help="所属单位代码：县区、市或省，如 320900")
        parser.add_argument("--role", required=True, choices=["reviewer", "admin"])
        parser.add_argument("--password", required=True)

    def handle(self, *args, phone, name, county, unit, role, password, **options):
        try:
            user, created = staff_upsert(
                phone=phone, name=name, county_code=county, unit_code=unit, role=role, password=password
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        state = "已创建" if created else "已更新"
        self.stdout.write(f"{state}：{user.full_name}（{user.username}，{user.get_role_display()}，{user.unit.name}）")
