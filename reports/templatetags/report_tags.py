"""Template tags of the reporting pages."""

from django import template
from django.utils.html import format_html_join

from ..choices import Status, Urgency

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
