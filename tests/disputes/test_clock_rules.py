"""The law's clock and instalments against the schedule: pure rules, by tables of cases."""

from datetime import date
from decimal import Decimal

import pytest

from disputes import rules

D = date


@pytest.mark.parametrize(
    ("accepted_on", "extensions", "deadline"),
    [
        (D(2026, 3, 2), [], D(2026, 3, 17)),  # the first day not counted: D+15
        (D(2026, 1, 31), [], D(2026, 2, 15)),  # a month's last day
        (D(2026, 2, 28), [], D(2026, 3, 15)),  # February's last day (not a leap year)
        (D(2028, 2, 28), [], D(2028, 3, 14)),  # a leap year has 29 February
        (D(2026, 4, 30), [], D(2026, 5, 15)),
        (D(2026, 12, 31), [], D(2027, 1, 15)),  # over the year's end
        (D(2026, 3, 2), [D(2026, 3, 31)], D(2026, 3, 31)),  # an agreed extension
        (D(2026, 3, 2), [D(2026, 3, 25), D(2026, 4, 10)], D(2026, 4, 10)),  # the latest one counts
    ],
)
def test_mediation_deadline(accepted_on, extensions, deadline):
    assert rules.mediation_deadline(accepted_on, extensions) == deadline


@pytest.mark.parametrize(
    ("today", "left"),
    [(D(2026, 1, 31), 15), (D(2026, 2, 12), 3), (D(2026, 2, 15), 0), (D(2026, 2, 16), -1)],
)
def test_days_left(today, left):
    assert rules.days_left(D(2026, 2, 15), today) == left


@pytest.mark.parametrize(
    ("today", "deadline", "due"),
    [
        (D(2026, 1, 31), D(2026, 2, 15), None),  # accepted today
        (D(2026, 2, 11), D(2026, 2, 15), None),  # day 11
        (D(2026, 2, 12), D(2026, 2, 15), rules.DAY12),  # day 12
        (D(2026, 2, 15), D(2026, 2, 15), rules.DAY12),  # the last day is still in time
        (D(2026, 2, 16), D(2026, 2, 15), rules.EXPIRED),  # run out
        (D(2026, 2, 16), D(2026, 3, 1), rules.DAY12),  # extended: no longer run out
        (D(2026, 3, 2), D(2026, 3, 1), rules.EXPIRED),  # the extension ran out too
    ],
)
def test_warn_due(today, deadline, due):
    assert rules.warn_due(accepted_on=D(2026, 1, 31), deadline=deadline, today=today) == due


@pytest.mark.parametrize(
    ("new_deadline", "agreed_on", "problem"),
    [
        (D(2026, 3, 1), D(2026, 2, 10), None),
        (D(2026, 2, 15), D(2026, 2, 10), "延长后的期限须晚于当前期限 2026-02-15"),
        (D(2026, 2, 1), D(2026, 2, 10), "延长后的期限须晚于当前期限 2026-02-15"),
        (D(2026, 3, 1), D(2026, 2, 21), "约定日期不能晚于今天"),
    ],
)
def test_extension_problem(new_deadline, agreed_on, problem):
    assert (
        rules.extension_problem(
            current_deadline=D(2026, 2, 15), new_deadline=new_deadline, agreed_on=agreed_on, today=D(2026, 2, 20)
        )
        == problem
    )


SCHEDULE = [(D(2026, 3, 1), Decimal("3000")), (D(2026, 4, 1), Decimal("3000")), (D(2026, 5, 1), Decimal("4000"))]


def _states(payments, today):
    return rules.match_instalments(schedule=SCHEDULE, payments=payments, today=today)


@pytest.mark.parametrize(
    ("payments", "today", "states", "paid", "order", "standing"),
    [
        ([], D(2026, 2, 20), ["not_due", "not_due", "not_due"], ["0", "0", "0"], False, "running"),
        ([], D(2026, 3, 1), ["due", "not_due", "not_due"], ["0", "0", "0"], False, "running"),
        ([], D(2026, 3, 7), ["overdue", "not_due", "not_due"], ["0", "0", "0"], False, "late"),
        ([], D(2026, 3, 8), ["overdue", "not_due", "not_due"], ["0", "0", "0"], True, "broken"),  # 7 days
        (
            [(D(2026, 2, 28), Decimal("3000")), (D(2026, 4, 1), Decimal("3000")), (D(2026, 4, 30), Decimal("4000"))],
            D(2026, 6, 1),
            ["paid", "paid", "paid"],
            ["3000", "3000", "4000"],
            False,
            "kept",
        ),
        # one payment covering two instalments, in due-date order; the rest partly paid
        (
            [(D(2026, 3, 1), Decimal("7000"))],
            D(2026, 5, 5),
            ["paid", "paid", "overdue"],
            ["3000", "3000", "1000"],
            False,
            "late",
        ),
        # the first instalment paid late, in two parts
        (
            [(D(2026, 3, 1), Decimal("1000")), (D(2026, 3, 5), Decimal("2000"))],
            D(2026, 3, 20),
            ["paid_late", "not_due", "not_due"],
            ["3000", "0", "0"],
            False,
            "late",
        ),
    ],
)
def test_match_instalments(payments, today, states, paid, order, standing):
    result = _states(payments, today)
    assert [s.state for s in result] == states
    assert [s.paid for s in result] == [Decimal(p) for p in paid]
    assert rules.payment_order_possible(result) is order
    assert rules.agreement_standing(result) == standing


def test_settled_on_is_the_day_the_payments_cover_it():
    result = _states([(D(2026, 3, 1), Decimal("1000")), (D(2026, 3, 5), Decimal("2500"))], D(2026, 3, 20))
    assert (result[0].settled_on, result[1].paid, result[1].settled_on) == (D(2026, 3, 5), Decimal("500"), None)


def test_no_schedule_has_no_standing():
    assert rules.agreement_standing([]) is None
