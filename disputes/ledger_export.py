"""The case ledger (contract section 5) as an .xlsx a county can print and re-import.

The cells come from DisputeLedgerResource.export (formula-escaped there); this writes them with their
types: counts and yuan as numbers (with 0 / 0.00 formats), text as text, an empty cell as no cell at
all, and nothing after the last case.
"""

import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {"涉及人数": "0", "诉求金额": "0.00", "获得经济补偿": "0.00", "清理欠薪": "0.00"}
WIDTHS = {"案件编号": 18, "用人单位": 28, "统一社会信用代码": 22, "承办人手机号": 14}


def _cell(value):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        # A character a workbook cannot hold would make the whole file fail to write.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value  # int and Decimal: openpyxl writes them as numbers


def ledger_xlsx(dataset) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "争议案件台账"
    headers = list(dataset.headers or [])
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in dataset:
        sheet.append([_cell(v) for v in row])
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = WIDTHS.get(header, 12)
        number_format = NUMBER_FORMATS.get(header)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if cell.value is not None:
                    cell.number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
