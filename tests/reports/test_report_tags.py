"""The list rows built in Python (reports.templatetags.report_tags): the markup the template loops
rendered, every text escaped, the detail URL per row."""

from datetime import datetime

from django.urls import reverse

from officers.models import County, Officer, Region, Township, User
from reports.models import Event, ForwardedItem, SupervisionItem
from reports.selectors.reports import BannerRow
from reports.templatetags.report_tags import (
    emergency_count,
    emergency_rows,
    event_rows,
    forward_rows,
    list_item,
    merge_event_options,
    supervision_rows,
)
from unionportal.core.clock import BEIJING

OPENED = datetime(2026, 11, 3, 9, 5, tzinfo=BEIJING)
DUE = datetime(2026, 11, 4, 17, 0, tzinfo=BEIJING)


def test_list_item_is_one_format_with_the_row_s_own_fields():
    assert list_item("{}", "{}").format("/x/", "标题", "徽章", "详情") == (
        '<a class="list-group-item list-group-item-action" href="/x/">\n'
        '    <div class="d-flex justify-content-between gap-2">\n'
        '      <span class="fw-semibold text-break">标题</span>\n'
        '      <span class="text-nowrap">徽章</span>\n'
        "    </div>\n"
        '    <div class="small text-muted">详情</div>\n'
        "  </a>"
    )


def test_an_open_event_with_a_missed_followup():
    event = Event(
        pk=7,
        title="<b>某厂</b>停工",
        state="open",
        township=Township(pk=3, name="坎北镇"),
        officer=Officer(name="刘洋"),
        opened_at=OPENED,
        next_due_at=DUE,
    )
    event.entry_count, event.missed_count = 3, 1
    html = str(event_rows([event]))
    assert f'href="{reverse("reports:event", args=[7])}"' in html
    assert "&lt;b&gt;某厂&lt;/b&gt;停工" in html and "<b>" not in html
    assert '<span class="badge text-bg-danger">处置中</span> <span class="badge text-bg-dark">漏报 1</span>' in html
    assert "坎北镇 · 刘洋 · 初报 2026-11-03 09:05 · 报告 3 次 · 下次续报 11-04 17:00 前" in html


def test_a_closed_event_has_no_due_time_and_no_township():
    event = Event(pk=8, title="停工", state="closed", officer=Officer(name="刘洋"), opened_at=OPENED, next_due_at=None)
    event.entry_count, event.missed_count = 2, 0
    html = str(event_rows([event]))
    assert '<span class="badge text-bg-success">已终报</span></span>' in html
    assert '<div class="small text-muted"> · 刘洋 · 初报 2026-11-03 09:05 · 报告 2 次</div>' in html


def test_a_supervision_item_closed():
    item = SupervisionItem(
        pk=5,
        title="督办：某厂欠薪",
        kind="risk",
        colour="red",
        state="closed",
        owner=User(full_name="陈审核"),
        due_at=DUE,
        closed_at=OPENED,
    )
    html = str(supervision_rows([item]))
    assert html.startswith('<a class="list-group-item list-group-item-action supervision-card colour-red" href="')
    assert f'href="{reverse("reports:supervision_detail", args=[5])}"' in html
    assert "责任人 陈审核 · 办结时限 2026-11-04 17:00 · 已于 2026-11-03 09:05 办结" in html


def test_forwarded_items_name_the_source_and_the_unit_above():
    city, province = Region(pk=2, name="盐城市"), Region(pk=1, name="江苏省")
    county = County(pk=4, name="滨海县")
    first = ForwardedItem(
        pk=11,
        title="欠薪",
        urgency="emergency",
        status="pending",
        county=county,
        officer_code="B001",
        category="wage_arrears",
        to_region=city,
        forwarded_at=OPENED,
    )
    second = ForwardedItem(
        pk=12,
        title="欠薪",
        urgency="general",
        status="adopted",
        county=county,
        officer_code="B001",
        category="wage_arrears",
        from_region=city,
        to_region=province,
        forwarded_at=OPENED,
    )
    html = str(forward_rows([first, second]))
    assert '<span class="badge text-bg-danger">突发</span> <span class="badge text-bg-warning">待处理</span>' in html
    assert "滨海县 · 信息员 B001 · 欠薪讨薪 · 滨海县上报盐城市 · 11-03 09:05" in html
    assert '<span class="badge text-bg-success">已采用</span>' in html and "盐城市转报江苏省" in html


def test_the_banner_lines_name_the_township_escape_the_title_and_stop_at_five():
    rows = [BannerRow(10, "<i>某厂</i>聚集", "东坎街道", OPENED)] + [
        BannerRow(11 + i, f"突发{i}", "", DUE) for i in range(5)
    ]
    html = str(emergency_rows(rows))
    assert html.splitlines()[0] == (
        f'<li><a class="alert-link" href="{reverse("reports:detail", args=[10])}">'
        "【东坎街道】&lt;i&gt;某厂&lt;/i&gt;聚集</a>（11-03 09:05 报送）</li>"
    )
    assert html.splitlines()[1] == (
        f'<li><a class="alert-link" href="{reverse("reports:detail", args=[11])}">突发0</a>（11-04 17:00 报送）</li>'
    )
    assert len(html.splitlines()) == 5 and "突发4" not in html  # the sixth says "5 条以上", not a line
    assert str(emergency_rows([])) == ""
    assert [emergency_count(rows[:n]) for n in (1, 5, 6)] == ["1 条", "5 条", "5 条以上"]


def test_the_merge_options_show_title_state_and_the_day_in_beijing_time():
    late = datetime(2026, 11, 3, 23, 30, tzinfo=BEIJING)  # 15:30 UTC: the day is Beijing's
    events = [
        Event(pk=4, title="A&B厂停工", state="open", opened_at=late),
        Event(pk=5, title="欠薪", state="closed", opened_at=OPENED),
    ]
    assert str(merge_event_options(events)) == (
        '<option value="4">A&amp;B厂停工（处置中，11-03）</option><option value="5">欠薪（已终报，11-03）</option>'
    )
