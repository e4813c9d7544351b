"""The portal's template tags: report badges and list filters, rendered exactly."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django import forms
from django.template import Context, Template

from reports.templatetags.report_tags import report_badges
from unionportal.core.templatetags.portal import filter_control, money, signed


def report(status="submitted", urgency="general", on_time=None):
    labels = {"submitted": "待审核", "returned": "已退回", "reviewed": "已审核", "draft": "草稿", "withdrawn": "已撤回"}
    return SimpleNamespace(status=status, urgency=urgency, on_time=on_time, get_status_display=lambda: labels[status])


@pytest.mark.parametrize(
    "kwargs, html",
    [
        ({}, '<span class="badge text-bg-primary">待审核</span>'),
        ({"status": "draft"}, '<span class="badge text-bg-secondary">草稿</span>'),
        (
            {"status": "reviewed", "on_time": True},
            '<span class="badge text-bg-success">已审核</span>\n<span class="badge text-bg-light border">按时</span>',
        ),
        (
            {"status": "returned", "urgency": "emergency", "on_time": False},
            '<span class="badge text-bg-warning">已退回</span>\n<span class="badge text-bg-danger">突发</span>\n'
            '<span class="badge text-bg-dark">超时</span>',
        ),
    ],
)
def test_report_badges(kwargs, html):
    assert report_badges(report(**kwargs)) == html


class Filters(forms.Form):
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), ("a", "甲<b>"), ("b", "乙")], required=False)
    since = forms.DateField(label="起", required=False)


def test_filter_select_marks_the_current_value_and_escapes_labels():
    form = Filters(data={"status": "b", "since": "2026-10-01"})
    assert filter_control(form["status"]) == (
        '<select class="form-select" name="status" id="id_status" aria-label="状态">'
        '<option value="">全部</option><option value="a">甲&lt;b&gt;</option>'
        '<option value="b" selected>乙</option></select>'
    )
    assert filter_control(form["since"]) == (
        '<input class="form-control" type="date" name="since" id="id_since" value="2026-10-01" '
        'aria-label="起" title="起">'
    )


def test_filter_options_kept_between_requests_still_mark_each_requests_own_value():
    first = filter_control(Filters(data={"status": "b"})["status"])
    second = filter_control(Filters(data={"status": "a"})["status"])
    assert '<option value="b" selected>乙</option>' in first and '<option value="a">甲&lt;b&gt;</option>' in first
    assert '<option value="a" selected>甲&lt;b&gt;</option>' in second and '<option value="b">乙</option>' in second


def test_filter_select_names_itself_in_the_empty_option_when_asked():
    html = filter_control(Filters(data={})["status"], prefix_label=True)
    assert '<option value="" selected>状态：全部</option>' in html


def test_filter_select_marks_every_chosen_value_of_a_multiple_choice():
    class Several(forms.Form):
        status = forms.MultipleChoiceField(
            label="状态", choices=[("a", "甲"), ("b", "乙"), ("c", "丙")], required=False
        )

    html = filter_control(Several(data={"status": ["a", "c"]})["status"])
    assert (
        '<option value="a" selected>甲</option><option value="b">乙</option><option value="c" selected>丙</option>'
        in html
    )


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Decimal("320000"), 2, "320,000.00"),
        (Decimal("999999999999.99"), 2, "999,999,999,999.99"),
        (Decimal("1234.565"), 2, "1,234.57"),  # half up, on the decimal itself
        (Decimal("-1234.5"), 2, "-1,234.50"),
        (Decimal("-0.001"), 2, "0.00"),  # never "-0.00"
        (1200, 0, "1,200"),
        (0, 0, "0"),
        ("1260000.00", 2, "1,260,000.00"),  # the summary keeps its money as text
        (0.1, 2, "0.10"),
        (None, 2, "—"),
        ("", 0, "—"),
        ("未设置", 2, "未设置"),
    ],
)
def test_money(value, places, shown):
    assert money(value, places) == shown


def test_money_in_a_template():
    rendered = Template("{% load portal %}{{ a|money }} / {{ b|money:0 }} / {{ c|money }}").render(
        Context({"a": Decimal("320000"), "b": 1200, "c": None})
    )
    assert rendered == "320,000.00 / 1,200 / —"


@pytest.mark.parametrize(("value", "shown"), [(3, "+3"), (-2, "-2"), (0, "0"), (None, "—")])
def test_signed(value, shown):
    assert signed(value) == shown
