"""The clock's pure rules by tables of cases: the supervision colour at each boundary, deadlines in
calendar and working time (a weekend, a holiday, a 调休 Saturday), the deadline terms' checks."""

from datetime import date, datetime, timedelta

import pytest

from officers import rules as clock
from reports import rules
from unionportal.core.clock import BEIJING


def bj(*args) -> datetime:
    return datetime(*args, tzinfo=BEIJING)


OPENED = bj(2026, 3, 2, 9, 0)
DUE = bj(2026, 3, 6, 9, 0)  # four days: a quarter is one day
H = timedelta(hours=1)
S = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("now", "response_due", "responded", "colour"),
    [
        (OPENED, None, None, "none"),
        (DUE - timedelta(days=1), None, None, "none"),  # exactly a quarter left: not less than a quarter
        (DUE - timedelta(days=1) + S, None, None, "blue"),  # less than a quarter left
        (DUE, None, None, "blue"),  # the last moment: not yet overdue
        (DUE + S, None, None, "yellow"),  # overdue by less than a day
        (DUE + timedelta(days=1) - S, None, None, "yellow"),
        (DUE + timedelta(days=1), None, None, "red"),  # a day overdue
        (DUE + timedelta(days=30), None, None, "red"),
        # past the response deadline without a response: yellow even with time left
        (OPENED + 2 * H, OPENED + H, None, "yellow"),
        (OPENED + H, OPENED + H, None, "none"),  # at the response deadline: not past it
        (OPENED + 2 * H, OPENED + H, OPENED + 30 * timedelta(minutes=1), "none"),  # answered in time
        (OPENED + 2 * H, OPENED + H, OPENED + 90 * timedelta(minutes=1), "none"),  # answered late, answered
        (DUE - H, OPENED + H, None, "yellow"),  # unanswered beats blue
        (DUE + timedelta(days=2), OPENED + H, OPENED + 2 * H, "red"),  # red beats everything
    ],
)
def test_colour_from_the_clock(now, response_due, responded, colour):
    assert (
        rules.supervision_colour(
            opened_at=OPENED, due_at=DUE, now=now, response_due_at=response_due, responded_at=responded
        )
        == colour
    )


def test_an_approved_extension_gives_the_colour_of_the_new_deadline():
    now = DUE + timedelta(hours=30)
    assert rules.supervision_colour(opened_at=OPENED, due_at=DUE, now=now) == "red"
    extended = DUE + timedelta(days=10)
    assert rules.supervision_colour(opened_at=OPENED, due_at=extended, now=now) == "none"
    assert rules.supervision_colour(opened_at=OPENED, due_at=extended, now=extended - H) == "blue"


@pytest.mark.parametrize(
    ("old", "new", "due"),
    [
        ("none", "red", True),
        ("yellow", "red", True),
        ("blue", "red", True),
        ("red", "red", False),
        ("yellow", "blue", False),
        ("red", "none", False),
        ("none", "yellow", False),
    ],
)
def test_escalation_only_on_turning_red(old, new, due):
    assert rules.escalation_due(old=old, new=new) is due


@pytest.mark.parametrize(
    ("new_due", "reason", "problem"),
    [
        (DUE + timedelta(days=2), "需补充材料", None),
        (DUE + timedelta(days=2), "  ", "请填写延期理由"),
        (DUE, "理由", "延期后的期限须晚于当前期限 2026-03-06 09:00"),
        (DUE - H, "理由", "延期后的期限须晚于当前期限 2026-03-06 09:00"),
    ],
)
def test_extension_problems(new_due, reason, problem):
    assert rules.extension_problem(current_due=DUE, new_due=new_due, now=OPENED, reason=reason) == problem


def test_an_extension_to_a_moment_already_past_is_refused():
    now = DUE + timedelta(days=3)
    assert rules.extension_problem(current_due=DUE, new_due=DUE + H, now=now, reason="x") == "延期后的期限须晚于现在"


# The 2026 calendar of the State Council notice (the part these cases cross).
CALENDAR_2026 = {
    **{date(2026, 10, d): False for d in range(1, 8)},  # 国庆 1–7 October
    date(2026, 9, 20): True,  # Sunday worked (调休)
    date(2026, 10, 10): True,  # Saturday worked (调休)
    **{date(2026, 2, d): False for d in range(15, 24)},  # 春节 15–23 February
    date(2026, 2, 14): True,  # Saturday worked
    date(2026, 2, 28): True,  # Saturday worked
}


@pytest.mark.parametrize(
    ("start", "hours", "days", "working", "expected"),
    [
        # calendar time: a plain sum, weekends and holidays included
        (bj(2026, 3, 6, 17, 0), 1, 0, False, bj(2026, 3, 6, 18, 0)),
        (bj(2026, 3, 6, 17, 0), 0, 1, False, bj(2026, 3, 7, 17, 0)),
        (bj(2026, 9, 30, 10, 0), 0, 3, False, bj(2026, 10, 3, 10, 0)),
        # working time over a weekend: Friday 17:00 + 1 day → Monday 17:00; + 1 hour stays Friday
        (bj(2026, 3, 6, 17, 0), 0, 1, True, bj(2026, 3, 9, 17, 0)),
        (bj(2026, 3, 6, 17, 0), 1, 0, True, bj(2026, 3, 6, 18, 0)),
        (bj(2026, 3, 6, 23, 30), 1, 0, True, bj(2026, 3, 9, 0, 30)),  # the hour runs on into Monday
        # raised on a Saturday: the clock starts on Monday at 00:00
        (bj(2026, 3, 7, 10, 0), 4, 0, True, bj(2026, 3, 9, 4, 0)),
        (bj(2026, 3, 7, 10, 0), 0, 3, True, bj(2026, 3, 12, 0, 0)),
        # across the National Day holiday: 30 Sep (Wed) + 1 day → 8 Oct (Thu), the first day back
        (bj(2026, 9, 30, 10, 0), 0, 1, True, bj(2026, 10, 8, 10, 0)),
        # + 3 days: 30 Sep 10:00 → 8 Oct 10:00 → 9 Oct (Fri) 10:00 → 10 Oct, the worked 调休 Saturday
        (bj(2026, 9, 30, 10, 0), 0, 3, True, bj(2026, 10, 10, 10, 0)),
        # the 调休 Sunday before: 19 Sep (Sat) raised, the clock starts on the worked Sunday 20 Sep
        (bj(2026, 9, 19, 12, 0), 0, 1, True, bj(2026, 9, 21, 0, 0)),
        # Spring Festival: Friday 13 Feb + 1 day → the worked Saturday 14 Feb; + 2 days → 24 Feb
        (bj(2026, 2, 13, 9, 0), 0, 1, True, bj(2026, 2, 14, 9, 0)),
        (bj(2026, 2, 13, 9, 0), 0, 2, True, bj(2026, 2, 24, 9, 0)),
    ],
)
def test_deadline_after(start, hours, days, working, expected):
    assert clock.deadline_after(start, hours=hours, days=days, working=working, calendar=CALENDAR_2026) == expected


def test_a_calendar_without_working_days_is_an_error_not_a_hang():
    no_work = {date(2026, 1, 1) + timedelta(days=n): False for n in range(900)}
    with pytest.raises(ValueError, match="工作日历中找不到足够的工作日"):
        clock.deadline_after(bj(2026, 1, 1), days=1, working=True, calendar=no_work)


@pytest.mark.parametrize(
    ("levels", "problem"),
    [
        (clock.DEFAULT_DEADLINES, None),
        ({**clock.DEFAULT_DEADLINES, "red": (25, 1)}, "红色的响应时限（25 小时）不能长于处置时限（1 天）"),
        ({**clock.DEFAULT_DEADLINES, "orange": (4, 8)}, "橙色的处置时限不能长于黄色"),
        ({**clock.DEFAULT_DEADLINES, "red": (1, 3)}, None),  # as long as orange is allowed
    ],
)
def test_deadline_terms_problem(levels, problem):
    assert clock.deadline_terms_problem(clock.DeadlineTerms(levels=levels)) == problem


def test_default_deadlines_are_the_issues():
    assert clock.DEFAULT_DEADLINES == {"red": (1, 1), "orange": (4, 3), "yellow": (24, 7), "blue": (72, 15)}
    assert clock.DEFAULT_PAYMENT_ORDER_GRACE_DAYS == 7
