"""Reading a ledger file within fixed limits, before anything is materialised.

A 5 KB .xlsx that declares a cell at row 1,048,576 once took 1.2 GB and a worker's minute: the
sheet's declared size (its ``<dimension>``) is checked before a row is read, rows are streamed from
openpyxl's read-only reader, blank rows are only counted until a filled row follows them, and the
file stops being read as soon as it passes the row ceiling.
"""

import contextlib
import csv
import io
import zipfile
from dataclasses import dataclass

import openpyxl
from django.conf import settings
from openpyxl.worksheet._reader import WorkSheetParser  # the reader openpyxl's iter_rows uses


class LedgerFileError(Exception):
    """The file as a whole cannot be read (wrong encoding, not a spreadsheet, missing columns, too big)."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int | None
    max_rows: int | None  # data rows, the header not counted
    hint: str = ""  # added to the too-many-rows message: where a larger file can go


def web_limits() -> Limits:
    """What a file uploaded through a page may be (settings IMPORT_MAX_BYTES, IMPORT_MAX_ROWS)."""
    return Limits(settings.IMPORT_MAX_BYTES, settings.IMPORT_MAX_ROWS)


def command_limits() -> Limits:
    """The ``import_*`` commands read a file the operator put on the server: no size limit, a higher
    row ceiling (IMPORT_COMMAND_MAX_ROWS)."""
    return Limits(None, settings.IMPORT_COMMAND_MAX_ROWS)


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def check_size(size: int, limits: Limits) -> None:
    if limits.max_bytes is not None and size > limits.max_bytes:
        raise LedgerFileError(
            f"文件过大（{megabytes(size)} MB）：导入文件不能超过 {megabytes(limits.max_bytes)} MB。"
            "请把台账分成几个文件分别导入。"
        )


def too_many_rows(limits: Limits, found: int | None = None) -> LedgerFileError:
    what = f"文件有 {found} 行数据" if found else "文件的行数"
    return LedgerFileError(
        f"{what}，超过每个文件 {limits.max_rows} 行的上限。请把台账分成几个文件分别导入。{limits.hint}"
    )


def _header(cells) -> list:
    header = list(cells or ())
    while header and (header[-1] is None or str(header[-1]).strip() == ""):
        header.pop()
    if len(header) > settings.IMPORT_MAX_COLUMNS:
        raise LedgerFileError(f"表头超过 {settings.IMPORT_MAX_COLUMNS} 列：请确认第1行是台账的表头")
    return header


def _blank(row) -> bool:
    try:
        return not "".join(row).strip()  # a CSV row: text only, one C call
    except TypeError:
        pass
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


def _iter_collect(numbered, width: int, limits: Limits, fill):
    """Data rows padded or cut to ``width``, one at a time, from ``(position, row)`` pairs (the first
    data row is position 1; a position the file leaves out is a blank row); blank rows kept only when
    a filled row follows (so a file's trailing blank rows are no rows). Raises LedgerFileError past
    the ceiling."""
    pending_blank = previous = 0
    padding = [fill] * width
    for count, row in numbered:
        if count <= previous:  # a row the file repeats out of order: openpyxl skips it too
            continue
        pending_blank += count - previous - 1
        previous = count
        if _blank(row):
            pending_blank += 1
            continue
        if limits.max_rows is not None and count > limits.max_rows:
            raise too_many_rows(limits)
        for _ in range(pending_blank):
            yield list(padding)
        pending_blank = 0
        if len(row) != width:
            row = (list(row) + padding)[:width]
        yield row


def _collect(rows, width: int, limits: Limits, fill):
    return [list(row) for row in _iter_collect(enumerate(rows, start=1), width, limits, fill)]


def read_csv(data: bytes | str, limits: Limits) -> tuple[list, list]:
    """(header, data rows) of a UTF-8 CSV, with or without a BOM."""
    check_size(len(data), limits)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LedgerFileError(
                "文件不是 UTF-8 编码。请在 Excel 中“另存为”选择“CSV UTF-8（逗号分隔）”后再导入。"
            ) from None
    rows = csv.reader(io.StringIO(data.lstrip("\ufeff")))
    header = _header(next(rows, None))
    if not header:
        raise LedgerFileError("文件是空的：第1行应为表头")
    return header, _collect(rows, len(header), limits, "")


def read_xlsx(data: bytes, limits: Limits) -> tuple[list, list]:
    """(header, data rows) of the first sheet of an .xlsx, read-only and streamed."""
    with open_rows(io.BytesIO(data), ".xlsx", len(data), limits) as (header, rows):
        return header, [list(row) for row in rows]


NOT_UTF8 = "文件不是 UTF-8 编码。请在 Excel 中“另存为”选择“CSV UTF-8（逗号分隔）”后再导入。"


def _csv_stream(handle, limits: Limits):
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        header = _header(next(reader, None))
    except UnicodeDecodeError:
        raise LedgerFileError(NOT_UTF8) from None
    if not header:
        raise LedgerFileError("文件是空的：第1行应为表头")

    def rows():
        try:
            yield from _iter_collect(enumerate(reader, start=1), len(header), limits, "")
        except UnicodeDecodeError:
            raise LedgerFileError(NOT_UTF8) from None
        except csv.Error as exc:
            raise LedgerFileError(f"CSV 文件格式有误：{exc}") from None

    return header, rows()


@contextlib.contextmanager
def open_rows(handle, suffix: str, size: int, limits: Limits):
    """(header, an iterator of data rows) of an open binary file, read as the rows are asked for, so
    an import's memory does not grow with the file. The iterator raises LedgerFileError where the
    file stops being readable (a bad byte, past the row ceiling): the import then writes nothing."""
    check_size(size, limits)
    if suffix == ".xlsx":
        # openpyxl's read-only reader streams the sheet's XML, after the checks of its size and declared rows.
        yield from _xlsx_stream(handle, size, limits)
        return
    yield _csv_stream(handle, limits)


def _xlsx_stream(handle, size: int, limits: Limits):
    unreadable = LedgerFileError("无法读取该 Excel 文件：请确认是 .xlsx 格式且未损坏")
    try:
        with zipfile.ZipFile(handle) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        handle.seek(0)
    except (zipfile.BadZipFile, ValueError, OSError):
        raise unreadable from None
    if limits.max_bytes is not None and unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise LedgerFileError(
            f"该 Excel 文件解压后有 {megabytes(unpacked)} MB，超过 {megabytes(settings.IMPORT_MAX_UNPACKED_BYTES)} MB "
            "的上限。请删除多余的工作表和格式，或分成几个文件导入。"
        )
    try:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception:
        raise unreadable from None
    try:
        sheet = book.worksheets[0]
        declared_rows = sheet.max_row
        if limits.max_rows is not None and declared_rows and declared_rows - 1 > limits.max_rows:
            raise too_many_rows(limits, declared_rows - 1)
        max_col = min(sheet.max_column or settings.IMPORT_MAX_COLUMNS, settings.IMPORT_MAX_COLUMNS)
        header = _header(next(sheet.iter_rows(min_row=1, max_row=1, max_col=max_col, values_only=True), None))
        if not header:
            raise LedgerFileError("第一个工作表是空的：第1行应为表头")

        def rows():  # every row there is (a declared size may also be too small), up to the ceiling
            try:
                yield from _iter_collect(_xlsx_data_rows(sheet, len(header)), len(header), limits, None)
            except LedgerFileError:
                raise
            except Exception:
                raise unreadable from None

        yield header, rows()
    except LedgerFileError:
        raise
    finally:
        book.close()


def _xlsx_data_rows(sheet, width: int):
    """(position, values) of the rows below the header that the sheet's XML holds, as wide as the
    header. openpyxl's ``iter_rows`` makes every row the XML leaves out, one at a time: a 5 KB file with
    one cell at row 1,048,576 made a million blank rows before the ceiling refused it. This reads the
    XML with openpyxl's own parser and row padding, as ``iter_rows`` does (``ReadOnlyWorksheet.
    _cells_by_row``; tests/core/test_ledger.py compares the two), and leaves the gaps as gaps."""
    book = sheet.parent
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=book.data_only,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            if number >= 2:
                yield number - 1, sheet._get_row(cells, 1, width, values_only=True)


def count_rows(data: bytes, suffix: str, limits: Limits) -> int:
    """How many data rows a file holds, read as the import will read it (raises LedgerFileError)."""
    reader = read_xlsx if suffix == ".xlsx" else read_csv
    return len(reader(data, limits)[1])
