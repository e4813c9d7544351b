from django.core.management.base import BaseCommand

from officers.resources import OfficerLedgerResource
from unionportal.ledger import run_import_command


class Command(BaseCommand):
    help = "导入信息员台账（CSV UTF-8 或 XLSX）。任何一行有错误则整份文件不写入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="台账文件路径（.csv 或 .xlsx）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, file, dry_run, **options):
        run_import_command(self, OfficerLedgerResource(), file, dry_run=dry_run)
