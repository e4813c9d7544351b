from django.core.management.base import BaseCommand, CommandError

from unionportal.core.audit import chain_verify


class Command(BaseCommand):
    help = "校验审计日志的哈希链：报告第一条断开（被改动、删除或插入）的记录。"

    def handle(self, *args, **options):
        checked, broken, reason = chain_verify()
        if broken is not None:
            raise CommandError(
                f"审计日志哈希链在第 {broken.pk} 条记录处断开（{broken.created_at:%Y-%m-%d %H:%M:%S}，"
                f"{broken.get_action_display()}）：{reason}。已校验 {checked} 条。"
            )
        self.stdout.write(f"审计日志哈希链完整：已校验 {checked} 条记录。")
