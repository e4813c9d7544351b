"""Template tags of the reporting pages."""

from django import template
from django.utils.html import format_html_join

from unionportal.core.rows import beijing, url_for

from ..choices import Category, Grade, Status, Urgency

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
    return format_html_join("\n", '<span class="{}">{}</span>', badges)


ROW = (
    '<a class="list-group-item list-group-item-action" href="{}">\n'
    '    <div class="d-flex justify-content-between gap-2">\n'
    '      <span class="fw-semibold text-break">{}</span>\n'
    '      <span class="text-nowrap">{}</span>\n'
    "    </div>\n"
    '    <div class="small text-muted">{} · {} · {} · {}\n      {}{}</div>\n'
    "  </a>"
)
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
    return format_html_join("\n", ROW, rows) if rows else NO_ROWS
