from decimal import Decimal

import pytest

from disputes import rules


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("registered", "mediating", True),
        ("registered", "succeeded", False),
        ("registered", "closed", False),
        ("mediating", "succeeded", True),
        ("mediating", "failed", True),
        ("mediating", "transferred", True),  # stalled
        ("mediating", "closed", False),
        ("succeeded", "closed", True),
        ("succeeded", "transferred", False),
        ("failed", "transferred", True),
        ("failed", "closed", True),
        ("failed", "mediating", False),
        ("transferred", "closed", True),
        ("transferred", "mediating", False),
        ("closed", "mediating", False),
    ],
)
def test_status_moves(current, target, allowed):
    assert rules.status_move_allowed(current, target) is allowed


@pytest.mark.parametrize(
    ("current", "target", "reachable"),
    [
        ("registered", "closed", True),
        ("registered", "succeeded", True),
        ("closed", "mediating", False),
        ("succeeded", "failed", False),
        ("failed", "closed", True),
        ("mediating", "mediating", True),
    ],
)
def test_status_reachable(current, target, reachable):
    assert rules.status_reachable(current, target) is reachable


@pytest.mark.parametrize(
    ("successful", "concluded", "rate"),
    [(0, 0, None), (0, 3, 0.0), (3, 3, 1.0), (273, 287, 0.9512), (2, 3, 0.6667), (1, 8, 0.125)],
)
def test_success_rate(successful, concluded, rate):
    assert rules.success_rate(successful=successful, concluded=concluded) == rate


def test_case_number():
    assert rules.case_number("320922", 2026, 1) == "320922-2026-0001"
    assert rules.case_number("320922", 2026, 12345) == "320922-2026-12345"


@pytest.mark.parametrize(("days", "bucket"), [(0, "30天以内"), (30, "30天以内"), (31, "31–90天"), (181, "180天以上")])
def test_age_bucket(days, bucket):
    assert rules.age_bucket(days) == bucket


@pytest.mark.parametrize(
    ("category", "dispute_type"),
    [("wage_arrears", "wage_arrears"), ("new_form_rights", "new_form_rights"), ("other", "other")],
)
def test_type_for_category(category, dispute_type):
    assert rules.type_for_category(category) == dispute_type


@pytest.mark.parametrize(
    ("other", "same"),
    [
        ({"workers_involved": 126, "description": "甲\r\n乙"}, True),  # a browser's line ends
        ({"workers_involved": 126, "description": "甲\n乙 "}, False),
        ({"workers_involved": 125, "description": "甲\n乙"}, False),
        ({"workers_involved": None, "description": "甲\n乙"}, False),
    ],
)
def test_facts_token(other, same):
    assert (rules.facts_token({"workers_involved": 126, "description": "甲\n乙"}) == rules.facts_token(other)) is same


@pytest.mark.parametrize(
    ("amount", "claimed", "expected"),
    [
        ("320000", "320000", None),
        ("320000.01", "320000", "金额 320,000.01 元超过本案诉求金额 320,000.00 元"),
        ("999999999999", "320000", "金额 999,999,999,999.00 元超过本案诉求金额 320,000.00 元"),
        ("10000000", None, None),
        ("10000000.01", None, "金额 10,000,000.01 元超过 10,000,000.00 元（本案未填写诉求金额）"),
        ("10000000.01", "0", "金额 10,000,000.01 元超过 10,000,000.00 元（本案未填写诉求金额）"),
        ("20000000", "30000000", None),  # a claim above the ceiling is the limit
    ],
)
def test_money_over_limit(amount, claimed, expected):
    claim = None if claimed is None else Decimal(claimed)
    assert rules.money_over_limit(amount=Decimal(amount), claimed=claim) == expected
