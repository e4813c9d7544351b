"""The agreement's pure rules, by tables: the template's placeholders, filling it, the schedule's
wording, 支付令 or 强制执行, and a payment above what remains due on the schedule."""

from datetime import date
from decimal import Decimal

import pytest

from disputes import rules

D = date


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (rules.DEFAULT_AGREEMENT_TEMPLATE, None),
        ("甲：{{劳动者}} 乙：{{用人单位}}", None),
        ("{{ 劳动者 }}", None),  # spaces inside the braces are allowed
        ("没有占位符的文字", None),
        ("甲方：{{甲方}}", "模板中有无法识别的占位符：{{甲方}}"),
        ("{{甲方}}{{乙方}}{{甲方}}{{劳动者}}", "模板中有无法识别的占位符：{{甲方}}、{{乙方}}"),
        ("{{}}", "模板中有无法识别的占位符：{{}}"),
        ("{{劳动者", "模板中有不完整的占位符，请检查“{{”与“}}”是否成对"),
        ("劳动者}}", "模板中有不完整的占位符，请检查“{{”与“}}”是否成对"),
        ("", "模板内容不能为空"),
        ("  \n ", "模板内容不能为空"),
    ],
)
def test_template_problem(text, problem):
    assert rules.template_problem(text) == problem


def test_the_default_template_uses_every_placeholder():
    names = set(rules.PLACEHOLDER_RE.findall(rules.DEFAULT_AGREEMENT_TEMPLATE))
    assert names == set(rules.AGREEMENT_PLACEHOLDERS)


@pytest.mark.parametrize(
    ("text", "values", "filled"),
    [
        ("{{劳动者}}与{{用人单位}}", {"劳动者": "王某", "用人单位": "某公司"}, "王某与某公司"),
        ("{{ 协议金额 }}元", {"协议金额": "1,000.00"}, "1,000.00元"),
        ("{{协议条款}}", {"协议条款": "{{劳动者}}"}, "{{劳动者}}"),  # a value is not filled again
    ],
)
def test_template_fill(text, values, filled):
    assert rules.template_fill(text, values) == filled


@pytest.mark.parametrize(
    ("schedule", "lines"),
    [
        ([], ["（未约定分期，按上述协议条款履行）"]),
        (
            [(D(2026, 5, 1), Decimal("2000")), (D(2026, 4, 1), Decimal("12345.6"))],
            ["第1期：2026年4月1日前支付人民币12,345.60元", "第2期：2026年5月1日前支付人民币2,000.00元"],
        ),
    ],
)
def test_schedule_lines(schedule, lines):
    assert rules.schedule_lines(schedule) == lines


def _states(due_on, today, paid=Decimal("0")):
    return rules.match_instalments(
        schedule=[(due_on, Decimal("1000"))], payments=[(due_on, paid)] if paid else [], today=today
    )


@pytest.mark.parametrize(
    ("today", "paid", "confirmed", "remedy"),
    [
        (D(2026, 3, 8), Decimal("0"), False, rules.PAYMENT_ORDER),  # 7 days overdue
        (D(2026, 3, 8), Decimal("0"), True, rules.ENFORCEMENT),  # the same, after 司法确认
        (D(2026, 3, 7), Decimal("0"), False, None),  # 6 days: within the grace
        (D(2026, 3, 7), Decimal("0"), True, None),
        (D(2026, 4, 1), Decimal("1000"), True, None),  # paid
        (D(2026, 4, 1), Decimal("400"), True, rules.ENFORCEMENT),  # partly paid, long overdue
    ],
)
def test_overdue_remedy(today, paid, confirmed, remedy):
    states = _states(D(2026, 3, 1), today, paid)
    assert rules.overdue_remedy(states, court_confirmed=confirmed) == remedy
    if remedy:
        assert rules.REMEDY_LABELS[remedy] == {"payment_order": "可申请支付令", "enforcement": "可申请强制执行"}[remedy]


@pytest.mark.parametrize(
    ("amount", "claimed", "remaining", "problem"),
    [
        ("3000", "10000", None, None),
        ("3000", "10000", "3000", None),  # exactly what remains
        ("3000.01", "10000", "3000", "金额 3,000.01 元超过调解协议分期尚未支付的 3,000.00 元"),
        ("500", None, "0", "金额 500.00 元超过调解协议分期尚未支付的 0.00 元"),
        ("500", None, "-200", "金额 500.00 元超过调解协议分期尚未支付的 0.00 元"),  # already overpaid
        (
            "12000",
            "10000",
            "5000",
            "金额 12,000.00 元超过本案诉求金额 10,000.00 元；金额 12,000.00 元超过调解协议分期尚未支付的 5,000.00 元",
        ),
        ("12000", "10000", None, "金额 12,000.00 元超过本案诉求金额 10,000.00 元"),
    ],
)
def test_money_over_limit_with_a_schedule(amount, claimed, remaining, problem):
    result = rules.money_over_limit(
        amount=Decimal(amount),
        claimed=Decimal(claimed) if claimed else None,
        remaining_due=Decimal(remaining) if remaining is not None else None,
    )
    assert result == problem
