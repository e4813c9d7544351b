"""The monthly ranking notice as files: DOCX in the official-document layout (red masthead, number
line under a red rule, title, body, tables) and XLSX. Every text passes through xml_safe; every cell
through escape_formula."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from openpyxl import Workbook

from unionportal.core.exports import escape_formula, xml_safe
from unionportal.core.figures import percent

RED = RGBColor(0xC0, 0x00, 0x00)
BODY_SIZE = Pt(16)  # 三号
BODY_FONT, TITLE_FONT, MASTHEAD_FONT, LATIN_FONT = "FangSong", "SimSun", "SimSun", "Times New Roman"
TOWNSHIP_NONE = "未填写镇区街道"
UNIT_NONE = "未填写单位"


def _text(value) -> str:
    return xml_safe("" if value is None else str(value))


def _font(run, name: str, size, *, bold=False, color=None):
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _paragraph(doc, text, *, font=BODY_FONT, size=BODY_SIZE, bold=False, color=None, center=False):
    paragraph = doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(_text(text)), font, size, bold=bold, color=color)
    return paragraph


def _red_rule(paragraph):
    """A red line under the number line (the 公文 separator), as a paragraph's bottom border."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "1"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _table(doc, header, rows):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = _text(text)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = _text(value)
    return table


def _rows(f):
    townships = [
        [n, t["township"] or TOWNSHIP_NONE, t["expected"], t["reported"], percent(t["reporting_rate"])]
        for n, t in enumerate(f["townships"], 1)
    ]
    units = [
        [n, u["unit"] or UNIT_NONE, u["expected"], u["reported"], percent(u["reporting_rate"])]
        for n, u in enumerate(f.get("units", []), 1)
    ]
    return townships, units


def summary_lines(notice) -> list[str]:
    f = notice.figures
    return [
        f"应报送信息员 {f['expected']} 人，实际报送 {f['reported']} 人，报送率 {percent(f['reporting_rate'])}。",
        f"共报送信息 {f['reports']} 条，按时报送 {f['on_time']} 条，及时率 {percent(f['on_time_rate'])}；"
        f"评定合格 {f['qualified']} 条，县总工会采用 {f['county_adopted']} 条，"
        f"县级以上部门采用 {f['above_adopted']} 条。",
        f"突发信息 {f['emergencies']} 条，其中迟报 {len(f['late_emergencies'])} 条；"
        f"约稿逾期未答复 {len(f['overdue_commissions'])} 项。",
    ]


def notice_docx(notice) -> bytes:
    f = notice.figures
    doc = Document()
    _paragraph(
        doc,
        f"{notice.county.name}总工会信息员工作通报",
        font=MASTHEAD_FONT,
        size=Pt(30),
        bold=True,
        color=RED,
        center=True,
    )
    date_text = f"{notice.published_at:%Y年%m月%d日}" if notice.published_at else "（草稿）"
    line = _paragraph(
        doc,
        f"{notice.number or '（未编号）'}　　　　{notice.county.name}总工会　　　　{date_text}",
        size=Pt(14),
        center=True,
    )
    _red_rule(line)
    _paragraph(doc, notice.title, font=TITLE_FONT, size=Pt(22), bold=True, center=True)
    if notice.foreword:
        for text in notice.foreword.splitlines():
            if text.strip():
                _paragraph(doc, text.strip())
    _paragraph(doc, "一、总体情况", bold=True)
    for text in summary_lines(notice):
        _paragraph(doc, text)
    townships, units = _rows(f)
    _paragraph(doc, "二、各镇区街道报送情况（按报送率排序）", bold=True)
    _table(doc, ["名次", "镇区街道", "应报人数", "报送人数", "报送率"], townships)
    _paragraph(doc, "三、各单位（企业工会）报送情况", bold=True)
    _table(doc, ["名次", "单位", "应报人数", "报送人数", "报送率"], units)
    _paragraph(doc, "四、本月未报送信息的信息员", bold=True)
    _paragraph(
        doc, "、".join(f"{name}（{township or TOWNSHIP_NONE}）" for name, township in f["zero_filer_names"]) or "无。"
    )
    _paragraph(doc, "五、约稿逾期未答复和突发信息迟报", bold=True)
    if f["overdue_commissions"]:
        _table(
            doc,
            ["约稿主题", "截止日期", "约稿人数", "逾期未答复"],
            [[c["topic"], c["due_on"], c["recipients"], c["unanswered"]] for c in f["overdue_commissions"]],
        )
    else:
        _paragraph(doc, "约稿均已按时答复。")
    if f["late_emergencies"]:
        _table(doc, ["报送时间", "标题", "报送人", "镇区街道"], f["late_emergencies"])
    else:
        _paragraph(doc, "突发信息均按时报送。")
    _paragraph(doc, "六、信息员积分前十名", bold=True)
    if f["top_officers"]:
        _table(doc, ["名次", "姓名", "镇区街道", "积分"], f["top_officers"])
    else:
        _paragraph(doc, "本月暂无积分。")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def notice_xlsx(notice) -> bytes:
    f = notice.figures
    book = Workbook()

    def put(ws, *row):
        ws.append([escape_formula(xml_safe(v)) for v in row])

    sheet = book.active
    sheet.title = "概况"
    put(sheet, f"{notice.county.name}总工会信息员工作通报 {notice.number}")
    put(sheet, notice.title)
    for label, value in (
        ("应报送信息员", f["expected"]),
        ("实际报送", f["reported"]),
        ("报送率", percent(f["reporting_rate"])),
        ("报送信息", f["reports"]),
        ("按时报送", f["on_time"]),
        ("及时率", percent(f["on_time_rate"])),
        ("合格", f["qualified"]),
        ("县总工会采用", f["county_adopted"]),
        ("县级以上部门采用", f["above_adopted"]),
        ("突发信息", f["emergencies"]),
        ("突发信息迟报", len(f["late_emergencies"])),
    ):
        put(sheet, label, value)
    townships, units = _rows(f)
    for title, header, rows in (
        ("镇区街道", ["名次", "镇区街道", "应报人数", "报送人数", "报送率"], townships),
        ("单位", ["名次", "单位", "应报人数", "报送人数", "报送率"], units),
        ("未报送信息员", ["姓名", "镇区街道"], f["zero_filer_names"]),
        (
            "约稿逾期",
            ["约稿主题", "截止日期", "约稿人数", "逾期未答复"],
            [[c["topic"], c["due_on"], c["recipients"], c["unanswered"]] for c in f["overdue_commissions"]],
        ),
        ("突发迟报", ["报送时间", "标题", "报送人", "镇区街道"], f["late_emergencies"]),
        ("积分前十", ["名次", "姓名", "镇区街道", "积分"], f["top_officers"]),
    ):
        ws = book.create_sheet(title)
        put(ws, *header)
        for row in rows:
            put(ws, *row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
