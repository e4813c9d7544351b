from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from officers.security.accounts import system_admin_upsert

ROLES = {"system": "sysadmin", "security": "secadmin", "audit": "auditadmin"}


class Command(BaseCommand):
    help = (
        "创建（或重置）三员之一：system 系统管理员、security 安全管理员、audit 审计管理员。"
        "一个账号只能担任一种角色；设置的密码须在首次登录时修改，并须绑定身份验证器。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, choices=sorted(ROLES))
        parser.add_argument("--phone", required=True, help="手机号，即登录名")
        parser.add_argument("--name", required=True, help="姓名")
        parser.add_argument("--password", required=True, help="初始密码（至少 8 位，含三类字符）")

    def handle(self, *args, role, phone, name, password, **options):
        try:
            user, created = system_admin_upsert(role=ROLES[role], phone=phone, name=name, password=password)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        state = "已创建" if created else "已重置"
        self.stdout.write(f"{state}：{user.full_name}（{user.username}，{user.get_role_display()}）")
