"""Template tags of the pages that look across the counties."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from unionportal.core import figures
from unionportal.core.rows import html_rows

register = template.Library()

REGION_ROW = (
    '<tr data-testid="county-{}">\n'
    '    <th scope="row" class="fw-normal">{}{}</th>\n'
    '    <td class="text-end">{}</td>\n'
    '    <td class="text-end">{}</td>\n'
    '    <td class="text-end">{}</td>\n'
    '    <td class="text-end"><a href="{}">{}</a></td>\n'
    '    <td class="text-end"><a href="{}">{}</a></td>\n'
    '    <td class="text-end"><a href="{}">{}</a></td>\n'
    '    <td class="text-end">{}</td>\n'
    "  </tr>"
)


@register.simple_tag
def region_rows(rows, unit, year_start, year_end):
    """The region dashboard's counties (what its template loop rendered, a hundred rows at a province):
    the queue's address reversed once, each county's three links to its forwarded items built here."""
    queue = reverse("reports:forwarded_queue")
    # The year's dates encoded once; the status (a fixed word) and the county's id need no quoting:
    # three urlencode() calls a county were a quarter of the province's dashboard.
    dates = urlencode({"date_from": year_start, "date_to": year_end})

    def link(status, county_pk):
        return f"{queue}?box=all&status={status}&county={int(county_pk)}&{dates}"

    out = []
    for row in rows:
        county = row["county"]
        above = county.region_id is not None and county.region_id != unit.pk
        out.append(
            (
                county.code,
                county.name,
                format_html('<span class="text-muted">（{}）</span>', county.region.name) if above else "",
                row["reports"],
                figures.percent(row["adoption_rate"], 0),
                row["above_adopted"],
                link("", county.pk),
                row["forwarded"],
                link("adopted", county.pk),
                row["forwarded_adopted"],
                link("pending", county.pk),
                row["forwarded_pending"],
                row["instructions"],
            )
        )
    return html_rows(REGION_ROW, out)


@register.simple_tag
def counties_reporting(counties):
    """Last month's reporting of the counties, ranked: "1. 滨海县 30/40（75.0%）；2. …" in one line."""
    return format_html_join(
        "；",
        "{}. {} {}/{}（{}）",
        (
            (number, c["county"], c["reported"], c["expected"], figures.percent(c["reporting_rate"], 1))
            for number, c in enumerate(counties, start=1)
        ),
    )


@register.simple_tag
def zero_filer_names(names):
    """A ranking notice's 未报送 officers in one line, "王五（坎北镇）、…" (a county's notice names a few
    hundred), or 无。"""
    if not names:
        return "无。"
    return format_html_join("、", "{}（{}）", ((name, township or "未填写镇区街道") for name, township in names))


@register.simple_tag
def late_emergency_lines(rows):
    """A ranking notice's 迟报 lines: officer, title, when, and how late where known."""
    if not rows:
        return format_html('<div class="small">{}</div>', "突发信息均按时报送。")
    return format_html_join(
        "",
        '<div class="small">迟报：{} {}（{}{}）</div>',
        ((r[0], r[1], r[2], f"，{r[3]}" if r[3] else "") for r in rows),
    )
