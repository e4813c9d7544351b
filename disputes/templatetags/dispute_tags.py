"""Template tags of the dispute pages."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from unionportal.core import figures
from unionportal.core.rows import html_rows, url_for

from ..models import CaseStatus, DisputeType

register = template.Library()

STATUS_BADGE = {
    CaseStatus.CLOSED: "text-bg-secondary",
    CaseStatus.SUCCEEDED: "text-bg-success",
    CaseStatus.FAILED: "text-bg-warning",
}
CASE_ROW = (
    '<a class="list-group-item list-group-item-action{}" href="{}" data-testid="case-{}">\n'
    '    <div class="d-flex justify-content-between gap-2"><span class="fw-semibold">{} · {}</span>\n'
    '      <span>{}<span class="badge {}">{}</span></span></div>\n'
    '    <div class="small text-muted">{} · {} 人 · 登记 {}{}\n      {}{}</div>\n'
    "    {}\n"
    "    {}\n"
    "  </a>"
)
# Constants without any value in them.
COURT_CONFIRMED = mark_safe(  # nosec B703 B308
    '<span class="badge text-bg-success me-1" data-testid="court-confirmed">已司法确认</span>'
)
UNTOLD = mark_safe(  # nosec B703 B308
    '<div class="small text-danger fw-semibold" data-testid="untold">调解期满未告知劳动者可申请仲裁</div>'
)


def _clock(case) -> str:
    """调解期限 and the days left, as CaseListView worked them out (``days_left``, ``days_over``)."""
    days_left = getattr(case, "days_left", None)
    if days_left is None:
        return ""
    if days_left < 0:
        style, text = " text-danger fw-semibold", f"已超期 {case.days_over} 天"
    else:
        style = " text-warning-emphasis fw-semibold" if days_left <= 3 else ""
        text = "今天到期" if days_left == 0 else f"剩 {days_left} 天"
    return format_html(
        '<div class="small{}" data-testid="days-left">调解期限 {} · {}</div>',
        style,
        case.mediation_deadline.strftime("%Y-%m-%d"),
        text,
    )


@register.simple_tag
def case_rows(cases):
    """The case list's rows (what its template loop rendered), built here: the detail URL reversed
    once a list, dates through strftime, every text escaped once."""
    detail = url_for("disputes:detail")
    status = dict(CaseStatus.choices)
    dispute_type = dict(DisputeType.choices)
    rows = [
        (
            " list-group-item-danger border-danger" if getattr(case, "untold_overdue", False) else "",
            detail(case.pk),
            case.pk,
            case.number,
            case.enterprise.name if case.enterprise_id else "",
            COURT_CONFIRMED if getattr(case, "court_confirmed", False) else "",
            STATUS_BADGE.get(case.status, "text-bg-primary"),
            status.get(case.status, case.status),
            dispute_type.get(case.dispute_type, case.dispute_type),
            case.workers_involved,
            case.registered_on.strftime("%Y-%m-%d") if case.registered_on else "",
            f" · {case.township.name}" if case.township_id else "",
            f" · 清欠 {figures.money(case.wages, 2)} 元" if getattr(case, "wages", None) else "",
            f" · 补偿 {figures.money(case.compensation, 2)} 元" if getattr(case, "compensation", None) else "",
            _clock(case),
            UNTOLD if getattr(case, "untold_overdue", False) else "",
        )
        for case in cases
    ]
    return html_rows(CASE_ROW, rows)
