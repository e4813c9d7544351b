from disputes.bulk import DisputeLedger
from disputes.resources import DisputeLedgerResource
from unionportal.core.ledger import LedgerImportCommand


class Command(LedgerImportCommand):
    help = "导入争议案件台账（CSV UTF-8 或 XLSX）。任何一行有错误则整份文件不写入；按县区和案件编号更新。"
    resource_class = DisputeLedgerResource
    bulk_class = DisputeLedger
