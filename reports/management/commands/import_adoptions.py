from reports.adoption_ledger import AdoptionLedger, AdoptionLedgerResource
from unionportal.core.ledger import LedgerImportCommand


class Command(LedgerImportCommand):
    help = (
        "导入县级以上单位的采用回执（CSV UTF-8 或 XLSX，接口约定第7节）。每行将对应信息提升为“县级以上部门采用”；"
        "任何一行有错误则整份文件不写入；同一份回执不会重复登记。"
    )
    resource_class = AdoptionLedgerResource
    bulk_class = AdoptionLedger
