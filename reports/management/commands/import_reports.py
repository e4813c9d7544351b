from reports.resources import ReportLedgerResource
from reports.services.imports import ReportLedger
from unionportal.core.ledger import LedgerImportCommand


class Command(LedgerImportCommand):
    help = "导入历史信息报送记录（CSV UTF-8 或 XLSX）。任何一行有错误则整份文件不写入；同一条信息不会重复导入。"
    resource_class = ReportLedgerResource
    bulk_class = ReportLedger
