"""unionportal/core/rows.py: the hot lists' rows come out as Django's own helpers would write them."""

import datetime

import pytest
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from unionportal.core.rows import escaped, html_rows

VALUES = [
    "王建国",
    "<script>alert('x')</script>",
    'a "quoted" & <b>bold</b>',
    "",
    " ",
    0,
    1234,
    -1.5,
    None,
    True,
    datetime.date(2026, 11, 3),
    mark_safe("<em>已转义</em>"),  # nosec B703 B308 - a test's constant
    format_html("<span>{}</span>", "<i>"),
    gettext_lazy("<未翻译>"),
    "＝＋－＠ full width",
    "\u2028 line separator",
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_escaped_is_conditional_escape(value):
    assert escaped(value) == conditional_escape(value)


def test_html_rows_is_format_html_join():
    row_format = '<a href="{}">{}</a> <span class="{}">{}</span>'
    rows = [(VALUES[i], VALUES[(i + 3) % len(VALUES)], VALUES[(i + 7) % len(VALUES)], i) for i in range(len(VALUES))]
    ours = html_rows(row_format, rows)
    assert ours == format_html_join("\n", row_format, rows)
    assert isinstance(ours, SafeString)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in ours and "<em>已转义</em>" in ours
    assert html_rows("{}（{}）", [("a", "<b>")], sep="、") == format_html_join("、", "{}（{}）", [("a", "<b>")])
    assert html_rows("{}", []) == format_html_join("\n", "{}", []) == ""
