"""Cell parsing shared by the ledger imports (unionportal/ledger.py)."""

import datetime
import io
import re
import tracemalloc
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from unionportal.core.imports.reading import LedgerFileError, Limits, _xlsx_data_rows, read_csv, read_xlsx
from unionportal.core.ledger import cell_money, read_ledger


@pytest.mark.parametrize(
    ("value", "amount"),
    [(110.00000000000001, Decimal("110.00")), (0.30000000000000004, Decimal("0.30")), (12.5, Decimal("12.50"))],
)
def test_excel_float_amounts(value, amount):
    assert cell_money(value) == amount


# ---- limits: size, declared size, row ceiling (issue 14 item 10) --------------------------------


def _xlsx(rows, *, far_cell=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if far_cell:
        sheet.cell(row=far_cell, column=1, value="远处的单元格")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _without_dimension(data: bytes) -> bytes:
    """The same workbook with the sheet's <dimension> element removed (Excel does not require it)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                content = re.sub(rb"<dimension [^>]*/>", b"", content)
            target.writestr(info, content)
    return out.getvalue()


def _peak_memory(call):
    """The most memory ``call`` held at once. (No bound on its time: tracemalloc slows it several times
    over, and a timed bound failed on a slow machine; the message says which check refused.)"""
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


WEB = Limits(20 * 1024 * 1024, 50_000)


def test_a_small_xlsx_declaring_a_million_rows_is_refused_before_reading():
    data = _xlsx([["姓名", "手机号"], ["王建国", "13815110001"]], far_cell=1_048_576)
    assert len(data) < 10_000

    def read():
        with pytest.raises(LedgerFileError) as exc:
            read_xlsx(data, WEB)
        assert str(exc.value) == "文件有 1048575 行数据，超过每个文件 50000 行的上限。请把台账分成几个文件分别导入。"

    # The count in the message is the sheet's declared size: refused before a row was read.
    assert _peak_memory(read) < 20 * 1024 * 1024


def test_without_a_declared_size_the_far_row_stops_the_reading_with_memory_flat():
    data = _without_dimension(_xlsx([["姓名", "手机号"], ["王建国", "13815110001"]], far_cell=1_048_576))

    def read():
        with pytest.raises(LedgerFileError) as exc:
            read_xlsx(data, WEB)
        assert str(exc.value).startswith("文件的行数，超过每个文件 50000 行的上限")

    assert _peak_memory(read) < 20 * 1024 * 1024


def test_the_rows_a_sheet_leaves_out_are_not_made_one_by_one():
    # The far row is the second row read, not the millionth: a 5 KB file costs no worker seconds.
    data = _without_dimension(_xlsx([["姓名", "手机号"], ["王建国", "13815110001"]], far_cell=1_048_576))
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows = list(_xlsx_data_rows(book.worksheets[0], 2))
    finally:
        book.close()
    assert rows == [(1, ("王建国", "13815110001")), (1_048_575, ("远处的单元格", None))]


def test_the_rows_read_are_those_of_openpyxls_iter_rows():
    """The reader uses openpyxl's parser without its filler: the values must be exactly iter_rows'
    (shared and inline strings, numbers, dates and times, booleans, cells missing in a row, rows
    missing between rows, cells wider than the header), so an openpyxl upgrade that changes them fails here."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "手机号", "金额", "日期"])
    sheet.append(["王建国", "13815110001", 1234.5, datetime.date(2026, 11, 3)])
    sheet.cell(row=3, column=3, value=7)
    sheet.cell(row=6, column=1, value="李四")
    sheet.cell(row=6, column=4, value=datetime.datetime(2026, 11, 3, 8, 30))
    sheet.cell(row=6, column=6, value="表头以外")
    sheet.append([True, False, Decimal("0.1"), "=A1"])
    sheet.cell(row=9, column=2, value=" ")
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    expected_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        expected = [list(row) for row in expected_book.worksheets[0].iter_rows(min_row=2, max_col=4, values_only=True)]
    finally:
        expected_book.close()
    while expected and all(value is None or str(value).strip() == "" for value in expected[-1]):
        expected.pop()  # trailing blank rows are no rows

    header, rows = read_xlsx(data, WEB)
    assert header == ["姓名", "手机号", "金额", "日期"]
    assert rows == expected
    assert rows[:3] == [
        ["王建国", "13815110001", 1234.5, datetime.datetime(2026, 11, 3, 0, 0)],
        [None, None, 7, None],
        [None, None, None, None],
    ]
    assert len(rows) == 6


def test_trailing_blank_rows_far_below_are_not_materialised():
    book = openpyxl.Workbook()
    book.active.append(["姓名", "手机号"])
    book.active.append(["王建国", "13815110001"])
    out = io.BytesIO()
    book.save(out)
    data = _without_dimension(out.getvalue())
    header, rows = read_xlsx(data, WEB)
    assert (header, rows) == (["姓名", "手机号"], [["王建国", "13815110001"]])


def test_a_declared_size_smaller_than_the_rows_does_not_hide_rows():
    data = _xlsx([["姓名", "手机号"], *[["王建国", f"1381511000{i}"] for i in range(5)]])
    data = data.replace(b'<dimension ref="A1:B6"/>', b'<dimension ref="A1:B2"/>')
    assert len(read_xlsx(data, WEB)[1]) == 5


def test_row_ceiling_and_size_of_csv():
    text = "姓名,手机号\n" + "王建国,13815110001\n" * 4
    assert len(read_csv(text.encode(), Limits(None, 4))[1]) == 4
    with pytest.raises(LedgerFileError) as exc:
        read_csv(text.encode(), Limits(None, 3))
    assert str(exc.value) == "文件的行数，超过每个文件 3 行的上限。请把台账分成几个文件分别导入。"
    with pytest.raises(LedgerFileError) as exc:
        read_csv(text.encode(), Limits(50, None))
    assert str(exc.value) == "文件过大（0 MB）：导入文件不能超过 0 MB。请把台账分成几个文件分别导入。"


def test_file_size_is_said_in_megabytes():
    with pytest.raises(LedgerFileError) as exc:
        read_ledger(b"x" * (3 * 1024 * 1024), ".csv", Limits(2 * 1024 * 1024, None))
    assert str(exc.value) == "文件过大（3 MB）：导入文件不能超过 2 MB。请把台账分成几个文件分别导入。"


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1000
    with pytest.raises(LedgerFileError) as exc:
        read_xlsx(_xlsx([["姓名"], ["王建国"]]), WEB)
    assert "解压后" in str(exc.value) and "超过 0 MB 的上限" in str(exc.value)
