"""The stipend sheet's files (reports/sheet_export.py): print-ready xlsx, numbers kept as numbers."""

from types import SimpleNamespace

import openpyxl

from reports.sheet_export import COLUMNS, xlsx_file


def line(position, amount, name="王建国"):
    return SimpleNamespace(
        position=position,
        name=name,
        phone="13815110001",
        employer="滨海华强纺织有限公司",
        submitted=2,
        valid=1,
        tier_label="良好",
        amount=amount,
        note="",
    )


def test_the_xlsx_prints_on_a4_landscape_one_page_wide_with_the_header_on_every_page():
    lines = [line(i, 1200) for i in range(1, 121)]  # more rows than one printed page holds
    with xlsx_file(lines, title="滨海县2026年10月信息员补助发放表", sheet_name="2026-10") as handle:
        sheet = openpyxl.load_workbook(handle).worksheets[0]
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation) == (9, "landscape")  # 9: A4
    assert (setup.fitToWidth, setup.fitToHeight, sheet.sheet_properties.pageSetUpPr.fitToPage) == (1, 0, True)
    assert sheet.print_title_rows == "$2:$2"
    assert [c.value for c in sheet[2]] == [*COLUMNS, "签字"]
    margins = sheet.page_margins
    assert (margins.left, margins.right, margins.top, margins.bottom) == (0.5, 0.5, 0.6, 0.6)
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_amounts_and_counts_stay_plain_numbers():
    with xlsx_file([line(1, 1200), line(2, 0, "李秀英")], title="表", sheet_name="2026-10") as handle:
        rows = list(openpyxl.load_workbook(handle).worksheets[0].iter_rows(values_only=True))
    assert rows[2][:8] == (1, "王建国", "13815110001", "滨海华强纺织有限公司", 2, 1, "良好", 1200)
    assert rows[-1][0] == "合计" and rows[-1][7] == 1200 and isinstance(rows[-1][7], int)
