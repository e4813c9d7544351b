"""Template tags of the reporting pages."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from unionportal.core.rows import beijing, html_rows, url_for

from ..choices import Category, EventState, Grade, Status, SupervisionColour, SupervisionKind, SupervisionState, Urgency
from ..selectors.reports import OPEN_EMERGENCIES_SHOWN

register = template.Library()


STATUS_BADGE = {
    Status.DRAFT: "text-bg-secondary",
    Status.RETURNED: "text-bg-warning",
    Status.REVIEWED: "text-bg-success",
    Status.WITHDRAWN: "text-bg-light",
}


@register.simple_tag
def report_badges(report):
    """A report's status, urgency and timeliness badges (a tag, not an include: lists show twenty)."""
    badges = [("badge " + STATUS_BADGE.get(report.status, "text-bg-primary"), report.get_status_display())]
    if report.urgency == Urgency.EMERGENCY:
        badges.append(("badge text-bg-danger", "突发"))
    if getattr(report, "merged_at", None) is not None:
        badges.append(("badge text-bg-secondary", "已合并"))
    if report.on_time is False:
        badges.append(("badge text-bg-dark", "超时"))
    elif report.on_time:
        badges.append(("badge text-bg-light border", "按时"))
    return html_rows('<span class="{}">{}</span>', badges)


def list_item(badges: str, details: str) -> str:
    """The format of a row of the lists: a link with the title and its badges on one line and the
    details below (``badges`` and ``details`` hold the format's further fields)."""
    return (
        '<a class="list-group-item list-group-item-action" href="{}">\n'
        '    <div class="d-flex justify-content-between gap-2">\n'
        '      <span class="fw-semibold text-break">{}</span>\n'
        f'      <span class="text-nowrap">{badges}</span>\n'
        "    </div>\n"
        f'    <div class="small text-muted">{details}</div>\n'
        "  </a>"
    )


BANNER_ROW = '<li><a class="alert-link" href="{}">{}{}</a>（{} 报送）</li>'


@register.simple_tag
def emergency_rows(rows):
    """The red banner's lines (base.html) from its ``BannerRow``s: on every staff page of a county
    with an emergency nobody has opened, so built as the lists' rows are."""
    detail = url_for("reports:detail")
    lines = [
        (
            detail(row.pk),
            f"【{row.township}】" if row.township else "",
            row.title,
            beijing(row.submitted_at, "%m-%d %H:%M"),
        )
        for row in rows[:OPEN_EMERGENCIES_SHOWN]
    ]
    return html_rows(BANNER_ROW, lines)


@register.simple_tag
def emergency_count(rows) -> str:
    """The banner's count: "N 条", or "5 条以上" when the selector found one more than it shows."""
    shown = OPEN_EMERGENCIES_SHOWN
    return f"{shown} 条以上" if len(rows) > shown else f"{len(rows)} 条"


@register.simple_tag
def merge_event_options(events):
    """The options of a report's 并入事件 list (up to twenty events), as the template loop rendered them."""
    state = dict(EventState.choices)
    options = [
        (event.pk, event.title, state.get(event.state, event.state), beijing(event.opened_at, "%m-%d"))
        for event in events
    ]
    return html_rows('<option value="{}">{}（{}，{}）</option>', options, sep="")


ROW = list_item("{}", "{} · {} · {} · {}\n      {}{}")
NO_ROWS = ""  # the template says "nothing matches"


@register.simple_tag
def review_rows(reports):
    """The review queue's rows (what the template loop rendered), built here: the detail URL reversed
    once for the list, times formatted with strftime, every text escaped once."""
    detail = url_for("reports:detail")
    category = dict(Category.choices)
    grade = dict(Grade.choices)
    rows = [
        (
            detail(report.pk),
            report.title,
            report_badges(report),
            report.officer.name,
            category.get(report.category, report.category),
            report.township.name if report.township_id else "—",
            beijing(report.submitted_at, "%m-%d %H:%M"),
            f" · {grade.get(report.grade, report.grade)}" if report.status == Status.REVIEWED else "",
            f" · 附件 {count}" if (count := getattr(report, "attachment_count", 0)) else "",
        )
        for report in reports
    ]
    return html_rows(ROW, rows) if rows else NO_ROWS


# The other long lists of the reporting pages, built as the review queue's are (issue 21): what each
# template loop rendered, with the detail URL reversed once a list and times through strftime.

MY_ROW = list_item("{}", "{} · {}\n      {}{}")


@register.simple_tag
def my_report_rows(reports):
    """An officer's own reports (我的报送)."""
    detail = url_for("reports:detail")
    category = dict(Category.choices)
    grade = dict(Grade.choices)
    rows = [
        (
            detail(report.pk),
            report.title,
            report_badges(report),
            category.get(report.category, report.category),
            beijing(report.submitted_at, "%Y-%m-%d %H:%M") if report.submitted_at else "未报送",
            f" · {grade.get(report.grade, report.grade)}" if report.status == Status.REVIEWED else "",
            f" · 附件 {count}" if (count := getattr(report, "attachment_count", 0)) else "",
        )
        for report in reports
    ]
    return html_rows(MY_ROW, rows)


EVENT_BADGE = {EventState.OPEN: "text-bg-danger", EventState.CLOSED: "text-bg-success"}
EVENT_ROW = list_item('<span class="badge {}">{}</span>{}', "{} · {} · 初报 {} · 报告 {} 次{}")


@register.simple_tag
def event_rows(events):
    """The events list (突发事件)."""
    detail = url_for("reports:event")
    state = dict(EventState.choices)
    rows = [
        (
            detail(event.pk),
            event.title,
            EVENT_BADGE.get(event.state, "text-bg-secondary"),
            state.get(event.state, event.state),
            format_html(' <span class="badge text-bg-dark">漏报 {}</span>', event.missed_count)
            if getattr(event, "missed_count", 0)
            else "",
            event.township.name if event.township_id else "",
            event.officer.name,
            beijing(event.opened_at, "%Y-%m-%d %H:%M"),
            event.entry_count,
            f" · 下次续报 {beijing(event.next_due_at, '%m-%d %H:%M')} 前" if event.state == EventState.OPEN else "",
        )
        for event in events
    ]
    return html_rows(EVENT_ROW, rows)


SUPERVISION_ROW = (
    '<a class="list-group-item list-group-item-action supervision-card colour-{}" href="{}">\n'
    '    <div class="d-flex justify-content-between flex-wrap gap-1"><span class="text-break">{}</span>\n'
    '      <span class="badge colour-{}">{}</span></div>\n'
    '    <div class="small text-muted">{} · 责任人 {} · 办结时限 {}{}</div>\n'
    "  </a>"
)


@register.simple_tag
def supervision_rows(items):
    """The supervision list (督办事项)."""
    detail = url_for("reports:supervision_detail")
    colour = dict(SupervisionColour.choices)
    kind = dict(SupervisionKind.choices)
    rows = [
        (
            item.colour,
            detail(item.pk),
            item.title,
            item.colour,
            colour.get(item.colour, item.colour),
            kind.get(item.kind, item.kind),
            item.owner.get_full_name(),
            beijing(item.due_at, "%Y-%m-%d %H:%M"),
            f" · 已于 {beijing(item.closed_at, '%Y-%m-%d %H:%M')} 办结"
            if item.state == SupervisionState.CLOSED
            else "",
        )
        for item in items
    ]
    return html_rows(SUPERVISION_ROW, rows)


FORWARD_BADGE = {"adopted": "success", "refused": "secondary"}
FORWARD_ROW = list_item('{}<span class="badge text-bg-{}">{}</span>', "{} · 信息员 {} · {} · {}{} · {}")
EMERGENCY_BADGE = mark_safe('<span class="badge text-bg-danger">突发</span> ')  # nosec B703 B308 - a constant


@register.simple_tag
def forward_rows(items):
    """A unit's queue of forwarded items (上报信息)."""
    detail = url_for("reports:forwarded")
    category = dict(Category.choices)
    rows = [
        (
            detail(item.pk),
            item.title,
            EMERGENCY_BADGE if item.urgency == Urgency.EMERGENCY else "",
            FORWARD_BADGE.get(item.status, "warning"),
            item.get_status_display(),
            item.county.name,
            item.officer_code,
            category.get(item.category, item.category),
            f"{item.from_region.name}转报" if item.from_region_id else f"{item.county.name}上报",
            item.to_region.name,
            beijing(item.forwarded_at, "%m-%d %H:%M"),
        )
        for item in items
    ]
    return html_rows(FORWARD_ROW, rows)
