"""The pure rules of commissions, points and ranking, by tables of cases."""

from datetime import date

import pytest

from reports import rules


@pytest.mark.parametrize(
    ("by_report", "nothing", "due_on", "today", "state"),
    [
        (True, False, date(2026, 10, 10), date(2026, 10, 20), "answered"),  # a late report is still an answer
        (True, True, date(2026, 10, 10), date(2026, 10, 5), "answered"),
        (False, True, date(2026, 10, 10), date(2026, 10, 20), "nothing"),
        (False, False, date(2026, 10, 10), date(2026, 10, 10), "open"),  # the due day itself is still open
        (False, False, date(2026, 10, 10), date(2026, 10, 11), "overdue"),
    ],
)
def test_recipient_state(by_report, nothing, due_on, today, state):
    assert rules.recipient_state(answered_by_report=by_report, nothing=nothing, due_on=due_on, today=today) == state


def test_due_date_in_the_past_is_refused():
    assert rules.commission_due_problem(due_on=date(2026, 10, 9), today=date(2026, 10, 10)) == "截止日期不能早于今天"
    assert rules.commission_due_problem(due_on=date(2026, 10, 10), today=date(2026, 10, 10)) is None


TABLE = dict(rules.DEFAULT_POINTS)


@pytest.mark.parametrize(
    ("facts", "table", "points"),
    [
        ({}, TABLE, 0),
        ({"qualified": 2}, TABLE, 2),
        ({"qualified": 1, "county_adopted": 1, "above_adopted": 1}, TABLE, 1 + 3 + 5),
        ({"instruction_county": 1, "instruction_city": 1, "instruction_province": 1}, TABLE, 3 + 5 + 8),
        ({"commission_answered": 2}, TABLE, 4),
        ({"late_emergency": 1}, TABLE, -2),
        ({"missed_followup": 1, "commission_unanswered": 1}, TABLE, -4),
        ({"qualified": 1, "late_emergency": 3}, TABLE, 1 - 6),  # points may go below zero
        ({"county_adopted": 2}, {**TABLE, "county_adopted": 10}, 20),
        ({"late_emergency": 1}, {**TABLE, "late_emergency": 0}, 0),
        ({"unknown": 5, "qualified": 0}, TABLE, 0),
    ],
)
def test_points_of(facts, table, points):
    assert rules.points_of(facts, table) == points


@pytest.mark.parametrize(
    ("scores", "ranks"),
    [([], []), ([5], [1]), ([9, 7, 7, 3], [1, 2, 2, 4]), ([0, 0, 0], [1, 1, 1]), ([4, 3, 2], [1, 2, 3])],
)
def test_competition_ranks(scores, ranks):
    assert rules.competition_ranks(scores) == ranks


def test_ranking_order_by_rate_then_pinyin_with_none_last():
    rows = [
        {"township": None, "sort": "", "reporting_rate": 1.0},
        {"township": "振东乡", "sort": "zhen4 dong1 xiang1", "reporting_rate": 0.5},
        {"township": "八滩镇", "sort": "ba1 tan1 zhen4", "reporting_rate": 0.5},
        {"township": "东坎街道", "sort": "dong1 kan3 jie1 dao4", "reporting_rate": 0.75},
    ]
    ranked = rules.ranking_order(rows, name_key="township", sort_key="sort")
    assert [r["township"] for r in ranked] == ["东坎街道", "八滩镇", "振东乡", None]
