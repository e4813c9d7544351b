"""The 调解协议书 as DOCX: the county's template (rules.DEFAULT_AGREEMENT_TEMPLATE without one) filled
with the agreement as recorded; the instalment schedule as a table where the template has
``{{分期付款}}`` on a line of its own, else as lines of text. Every text passes through xml_safe."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from unionportal.core.exports import xml_safe

from . import rules

# 公文 fonts: 仿宋 for the body, 宋体 for the title; Latin digits and letters in Times New Roman. A
# machine without them substitutes its own (the names are written in English and Chinese).
BODY_FONT, TITLE_FONT, LATIN_FONT = "FangSong", "SimSun", "Times New Roman"
BODY_SIZE, TITLE_SIZE = Pt(16), Pt(22)  # 三号, 二号
SCHEDULE_LINE = "{{分期付款}}"


def _text(value) -> str:
    return xml_safe("" if value is None else str(value))


def _font(run, name: str, size, bold: bool = False):
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _paragraph(doc, text: str, *, title: bool = False, center: bool = False):
    paragraph = doc.add_paragraph()
    if title or center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(_text(text)), TITLE_FONT if title else BODY_FONT, TITLE_SIZE if title else BODY_SIZE, title)
    return paragraph


def _schedule_table(doc, schedule):
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("期次", "应付日期", "金额（元）"), strict=True):
        cell.text = text
    for n, (due_on, amount) in enumerate(sorted(schedule), 1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = f"第{n}期", rules.chinese_date(due_on), f"{amount:,.2f}"
    for row in table.rows:
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                _font(run, BODY_FONT, Pt(14))
    return table


def agreement_values(*, case, agreement, schedule) -> dict[str, str]:
    """What each placeholder stands for, as recorded."""
    county = case.county
    return {
        "劳动者": agreement.workers,
        "用人单位": case.enterprise.name,
        "统一社会信用代码": case.enterprise.credit_code or "（未登记）",
        "协议条款": agreement.terms,
        "协议金额": f"{agreement.amount:,.2f}",
        "分期付款": "\n".join(rules.schedule_lines(schedule)),
        "调解组织": f"{county.name}总工会劳动争议调解委员会",
        "签订日期": rules.chinese_date(agreement.signed_on),
        "案件编号": case.number,
    }


def agreement_docx_bytes(*, case, agreement, schedule, template_text: str) -> bytes:
    values = {
        name: _text(value)
        for name, value in agreement_values(case=case, agreement=agreement, schedule=schedule).items()
    }
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = LATIN_FONT, BODY_SIZE
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    titled = False
    for line in template_text.replace("\r\n", "\n").split("\n"):
        if line.strip() == SCHEDULE_LINE:
            if schedule:
                _schedule_table(doc, schedule)
            else:
                _paragraph(doc, rules.schedule_lines(schedule)[0])
            continue
        filled = rules.template_fill(line, values)
        for part in filled.split("\n"):
            is_title = not titled and "调解协议书" in part and len(part.strip()) <= 20
            titled = titled or is_title
            _paragraph(doc, part, title=is_title)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
