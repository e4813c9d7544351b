"""A signed issue as DOCX, in the layout of official documents (GB/T 9704-2012, 党政机关公文格式),
the way union offices print their 信息专报:

- the masthead (版头): the publication's name large and red, centred;
- the issue line: ``2026年第7期（总第125期）`` centred, then the compiling unit on the left and the
  signer (签发人) on the right, above a red rule;
- the editor's note (编者按) in KaiTi;
- the items: each heading in SimSun bold, its text in FangSong, its source (the county or unit that
  sent it, never the officer) in KaiTi;
- the end (版记): 报、送、发 lines and the compiler between black rules.

Fonts are named as Word knows them (FangSong, SimSun, KaiTi) with Times New Roman for Latin text; a
machine without them substitutes its own (the Docker image installs the AR PL and WenQuanYi fonts
and maps those names onto them). Every text passes through ``xml_safe``.
"""

import io

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from unionportal.core.exports import xml_safe

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT, TITLE_FONT, NOTE_FONT, LATIN_FONT = "FangSong", "SimSun", "KaiTi", "Times New Roman"
RED = RGBColor(0xC0, 0x00, 0x00)
MASTHEAD_SIZE, HEADING_SIZE, BODY_SIZE, SMALL_SIZE = Pt(36), Pt(16), Pt(16), Pt(14)  # 小初, 三号, 三号, 四号


def _text(value) -> str:
    return xml_safe("" if value is None else str(value))


def _run(paragraph, text, *, font=BODY_FONT, size=BODY_SIZE, bold=False, color=None):
    run = paragraph.add_run(_text(text))
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:hint"), "eastAsia")
    return run


def _paragraph(doc, text="", *, align=None, indent=False, **run_options):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
    if text:
        _run(paragraph, text, **run_options)
    return paragraph


def _rule(paragraph, *, color: str = "C00000", size: int = 12):
    """A horizontal rule under the paragraph (its bottom border), red for the 版头's 分隔线."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size))
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), color)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def bulletin_file_name(issue) -> str:
    return f"{issue.publication.name}{issue.year}年第{issue.number}期.docx"


def bulletin_docx_bytes(*, issue, items) -> bytes:
    publication = issue.publication
    doc = Document()
    section = doc.sections[0]
    # GB/T 9704: A4, top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = LATIN_FONT, BODY_SIZE
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    # 版头: the masthead, the issue number, the unit and the signer, the red rule.
    _paragraph(
        doc,
        publication.name,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        font=TITLE_FONT,
        size=MASTHEAD_SIZE,
        bold=True,
        color=RED,
    )
    _paragraph(doc, issue.number_label, align=WD_ALIGN_PARAGRAPH.CENTER)
    line = _paragraph(doc)
    _run(line, f"{publication.unit_body}编")
    _run(line, "\t")
    _run(line, f"签发人：{issue.signer}", font=NOTE_FONT)
    tab_stops = line.paragraph_format.tab_stops
    tab_stops.add_tab_stop(Cm(15.6), alignment=2)  # right-aligned at the text's right edge
    signed_on = timezone.localtime(issue.signed_at).date() if issue.signed_at else timezone.localdate()
    date_line = _paragraph(doc, _date(signed_on), align=WD_ALIGN_PARAGRAPH.RIGHT, size=SMALL_SIZE)
    _rule(date_line, color="C00000", size=18)

    if issue.editor_note:
        note = _paragraph(doc, indent=True)
        _run(note, "【编者按】", font=NOTE_FONT, bold=True)
        _run(note, issue.editor_note, font=NOTE_FONT)

    # 主体: the items, each with its heading and its source.
    for number, item in enumerate(items, 1):
        _paragraph(
            doc,
            f"{number}. {item.heading}" if len(items) > 1 else item.heading,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            font=TITLE_FONT,
            size=HEADING_SIZE,
            bold=True,
        )
        for part in _text(item.text).replace("\r\n", "\n").split("\n"):
            if part.strip():
                _paragraph(doc, part.strip(), indent=True)
        _paragraph(doc, f"（{item.source}）", align=WD_ALIGN_PARAGRAPH.RIGHT, font=NOTE_FONT, size=SMALL_SIZE)

    # 版记: distribution between rules, then the compiler.
    top = _paragraph(doc)
    _rule(top, color="000000", size=8)
    for label, value in (("报", issue.report_to), ("送", issue.send_to), ("发", issue.issue_to)):
        if value:
            _paragraph(doc, f"{label}：{value}", size=SMALL_SIZE)
    last = _paragraph(doc, f"编辑：{issue.compiler or '—'}", size=SMALL_SIZE)
    _run(last, f"　　{publication.unit_body}　{_date(signed_on)}印发", size=SMALL_SIZE)
    _rule(last, color="000000", size=8)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
