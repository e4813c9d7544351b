from officers.bulk import OfficerLedger
from officers.resources import OfficerLedgerResource
from unionportal.core.ledger import LedgerImportCommand


class Command(LedgerImportCommand):
    help = "导入信息员台账（CSV UTF-8 或 XLSX）。任何一行有错误则整份文件不写入。"
    resource_class = OfficerLedgerResource
    bulk_class = OfficerLedger
