"""The stipend sheet as finance receives it (contract section 3), streamed row by row.

Its columns are a django-import-export Resource (the one definition of the sheet's format); the
writers below consume it one line at a time, so a provincial sheet never sits whole in memory.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator

from import_export import resources
from import_export.fields import Field

from unionportal.core.exports import escape_formula

COLUMNS = ("序号", "姓名", "手机号", "工作单位", "报送条数", "有效条数", "考核等级", "补助金额", "备注")
XLSX_EXTRA = ("签字",)


class StipendSheetResource(resources.Resource):
    position = Field(attribute="position", column_name="序号")
    name = Field(attribute="name", column_name="姓名")
    phone = Field(attribute="phone", column_name="手机号")
    employer = Field(attribute="employer", column_name="工作单位")
    submitted = Field(attribute="submitted", column_name="报送条数")
    valid = Field(attribute="valid", column_name="有效条数")
    tier = Field(attribute="tier_label", column_name="考核等级")
    amount = Field(attribute="amount", column_name="补助金额")
    note = Field(attribute="note", column_name="备注")

    class Meta:
        name = "每月补助表"
        export_order = ("position", "name", "phone", "employer", "submitted", "valid", "tier", "amount", "note")

    def export_field(self, field, instance, **kwargs):
        # Numbers stay numbers; every text cell is escaped so Excel never reads it as a formula.
        return escape_formula(field.get_value(instance))


def sheet_rows(lines: Iterable) -> Iterator[list]:
    """The sheet's rows, then the 合计 row with the total kept while streaming."""
    resource = StipendSheetResource()
    fields = resource.get_export_fields()
    total = 0
    for line in lines:
        total += line.amount
        yield [resource.export_field(f, line) for f in fields]
    yield ["合计", "", "", "", "", "", "", total, ""]


def sheet_title(county, month) -> str:
    return f"{county.name}{month.year}年{month.month}月信息员补助发放表"


def csv_stream(lines: Iterable) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel shows the Chinese), header first, 合计 last."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        data = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return data.encode("utf-8")

    yield "\ufeff".encode()
    writer.writerow(StipendSheetResource().get_export_headers())
    yield flush()
    for row in sheet_rows(lines):
        writer.writerow(row)
        yield flush()


def print_ready(sheet) -> None:
    """Finance prints the sheet for signatures: A4 landscape, one page wide (as many pages long as it
    takes), the header row (row 2, under the title) repeated on every page, page numbers below."""
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # no limit: the rows run on over as many pages as they need
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = "2:2"
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def xlsx_file(lines: Iterable, *, title: str, sheet_name: str):
    """An .xlsx in a temporary file (openpyxl write-only: rows go straight to disk)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(escape_formula(sheet_name))
    print_ready(sheet)
    for column, width in zip("ABCDEFGHIJ", (6, 10, 14, 28, 9, 9, 9, 10, 18, 12), strict=True):
        sheet.column_dimensions[column].width = width
    # The title holds the county's name: it goes through the same escaping rule as every other cell.
    title_cell = WriteOnlyCell(sheet, value=escape_formula(title))
    title_cell.font = Font(bold=True, size=14)
    sheet.append([title_cell])
    header = []
    for text in (*StipendSheetResource().get_export_headers(), *XLSX_EXTRA):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    sheet.append(header)
    for row in sheet_rows(lines):
        # The phone is text, so Excel neither rounds it nor shows it in scientific notation.
        sheet.append([*row, ""])
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    book.save(handle)
    handle.seek(0)
    return handle
