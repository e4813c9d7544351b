"""The monthly summary as the meeting file: DOCX (headings, tables, chart images) and XLSX."""

import io

from officers.selectors import with_names
from unionportal.core.exports import escape_formula, xml_safe
from unionportal.core.figures import percent

from .charts import summary_charts

SUPERVISION_TABLES = (
    ("supervision_closed_late", "本月逾期办结的督办事项", "办结时间"),
    ("supervision_open", "尚未办结的督办事项", "督办颜色"),
)


def _text(value) -> str:
    """Every piece of text the DOCX holds: stored text may carry characters Word's XML cannot."""
    return xml_safe("" if value is None else str(value))


def _clean(value):
    """The summary's figures with every string made XML-safe (they quote titles, names, places)."""
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return xml_safe(value)


def _table(doc, header, rows):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = _text(text)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = _text(value)
    return table


def docx_bytes(summary) -> bytes:
    from docx import Document
    from docx.shared import Cm

    f = _clean(summary.figures)
    doc = Document()
    doc.add_heading(f"{f['county']}{f['month']}劳动领域信息分析研判", level=0)
    doc.add_paragraph(
        f"本月共报送信息 {f['total']} 条（上月 {f['previous_total']} 条，变化 {f['change']:+d}）；"
        f"按时报送 {f['on_time']} 条，及时率 {percent(f['timeliness_rate'])}；"
        f"县总工会采用 {f['county_adopted']} 条，县级以上部门采用 {f['above_adopted']} 条，"
        f"采用率 {percent(f['adoption_rate'])}。"
        + (
            f"向上级上报 {f['forwarded']} 条，上级采用 {f['forwarded_adopted']} 条。"
            if "forwarded" in f
            else ""  # a summary built before forwarding existed
        )
    )
    for key, title in (
        ("by_category", "信息类别"),
        ("by_urgency", "紧急程度"),
        ("by_township", "镇区街道"),
        ("by_key_group", "重点群体"),
    ):
        doc.add_heading(f"按{title}", level=2)
        _table(doc, [title, "本月", "上月", "增减"], [[r[0], r[1], r[2], f"{r[3]:+d}"] for r in f[key]])
    if f.get("events"):
        e = f["events"]
        doc.add_heading("突发事件与续报", level=1)
        doc.add_paragraph(
            f"本月新发生突发事件 {e['opened']} 起，终报 {e['closed']} 起，月末仍在处置 {e['open']} 起；"
            f"续报按时 {e['followups_on_time']} 次、逾期 {e['followups_late']} 次、漏报 {e['missed']} 次。"
        )
    doc.add_heading("本月突发信息", level=1)
    if f["emergencies"]:
        _table(doc, ["报送时间", "标题", "报送人", "镇区街道", "审核结果"], f["emergencies"])
    else:
        doc.add_paragraph("无。")
    doc.add_heading("近三个月多次被报送风险的企业", level=1)
    if f["repeated_enterprises"]:
        _table(doc, ["企业", "信息条数"], [row[:2] for row in f["repeated_enterprises"]])
    else:
        doc.add_paragraph("无。")
    doc.add_heading("本月领导批示及落实情况", level=1)
    if f.get("instructions"):  # summaries built before issue 15 have none
        _table(doc, ["日期", "批示领导", "层级", "信息", "责任人", "反馈期限", "落实情况"], f["instructions"])
    else:
        doc.add_paragraph("无。")
    # Summaries built before supervision existed lack these two lists.
    for key, heading, last in SUPERVISION_TABLES:
        if key in f:
            doc.add_heading(heading, level=1)
            if f[key]:
                _table(doc, ["督办事项", "类别", "责任人", "办结时限", last], [row[:5] for row in f[key]])
            else:
                doc.add_paragraph("无。")
    d = f["disputes"]
    doc.add_heading("劳动争议调处", level=1)
    doc.add_paragraph(
        f"登记案件 {d['registered']} 件，调解结束 {d['concluded']} 件，其中成功 {d['successful']} 件，"
        f"调解成功率 {percent(d['success_rate'])}，惠及职工 {d['workers']} 人；"
        f"获得经济补偿 {d['compensation']} 元，清理欠薪 {d['wages_recovered']} 元。"
    )
    doc.add_heading(f"未完成报送任务的信息员（任务 {f['quota']} 条）", level=1)
    doc.add_paragraph("、".join(name for name, _ in f["missed_quota"]) or "无。")
    doc.add_heading("图表", level=1)
    for caption, png in summary_charts(f):
        doc.add_paragraph(caption)
        doc.add_picture(io.BytesIO(png), width=Cm(15))
    doc.add_heading("分析会记录", level=1)
    doc.add_paragraph(f"日期：{summary.meeting_on.isoformat() if summary.meeting_on else '（未记录）'}")
    doc.add_paragraph(_text(f"参会人员：{summary.attendees or '（未记录）'}"))
    doc.add_paragraph(_text(f"研判意见：{summary.conclusions or '（未记录）'}"))
    actions = list(with_names(summary.actions.all(), "owner"))  # a name, not the account's whole row
    if actions:
        _table(
            doc,
            ["跟进措施", "责任人", "完成期限", "状态"],
            [
                [a.description, a.owner.get_full_name(), a.due_on.isoformat(), "已完成" if a.done_at else "进行中"]
                for a in actions
            ],
        )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def xlsx_bytes(summary) -> bytes:
    from openpyxl import Workbook

    f = _clean(summary.figures)
    book = Workbook()
    sheet = book.active
    sheet.title = "概况"

    def put(ws, *row):
        ws.append([escape_formula(v) for v in row])

    put(sheet, f"{f['county']}{f['month']}劳动领域信息分析研判")
    for label, value in (
        ("报送信息", f["total"]),
        ("上月", f["previous_total"]),
        ("按时报送", f["on_time"]),
        ("及时率", percent(f["timeliness_rate"])),
        ("县总工会采用", f["county_adopted"]),
        ("县级以上部门采用", f["above_adopted"]),
        ("采用率", percent(f["adoption_rate"])),
        ("待审核", f["pending"]),
        *((("向上级上报", f["forwarded"]), ("上级采用", f["forwarded_adopted"])) if "forwarded" in f else ()),
    ):
        put(sheet, label, value)
    if f.get("events"):
        e = f["events"]
        for label, value in (
            ("新发生突发事件", e["opened"]),
            ("终报事件", e["closed"]),
            ("月末处置中事件", e["open"]),
            ("按时续报", e["followups_on_time"]),
            ("逾期续报", e["followups_late"]),
            ("续报漏报", e["missed"]),
        ):
            put(sheet, label, value)
    for key, title in (
        ("by_category", "信息类别"),
        ("by_urgency", "紧急程度"),
        ("by_township", "镇区街道"),
        ("by_key_group", "重点群体"),
    ):
        ws = book.create_sheet(f"按{title}")
        put(ws, title, "本月", "上月", "增减")
        for row in f[key]:
            put(ws, *row)
    ws = book.create_sheet("突发信息")
    put(ws, "报送时间", "标题", "报送人", "镇区街道", "审核结果")
    for row in f["emergencies"]:
        put(ws, *row)
    ws = book.create_sheet("重复风险企业")
    put(ws, "企业", "信息条数")
    for row in f["repeated_enterprises"]:
        put(ws, *row[:2])
    for key, heading, last in SUPERVISION_TABLES:
        if key in f:
            ws = book.create_sheet(heading[:31])
            put(ws, "督办事项", "类别", "责任人", "办结时限", last)
            for row in f[key]:
                put(ws, *row[:5])
    ws = book.create_sheet("未完成任务")
    put(ws, "姓名", "镇区街道")
    for row in f["missed_quota"]:
        put(ws, *row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
