import smtplib
import socket
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reports import rules
from unionportal.core import outbox

BJ = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def bj(*args):
    return datetime(*args, tzinfo=BJ)


@pytest.mark.parametrize(
    ("urgency", "occurred", "submitted", "minutes", "on_time"),
    [
        ("general", bj(2026, 10, 8, 9, 30), bj(2026, 10, 8, 16, 20), 60, True),
        ("general", bj(2026, 10, 8, 0, 0), bj(2026, 10, 8, 23, 59), 60, True),
        ("general", bj(2026, 10, 8, 23, 50), bj(2026, 10, 9, 0, 5), 60, False),  # past Beijing midnight
        # 15:30 UTC on the 8th is 23:30 in Beijing; 16:10 UTC is already 00:10 on the 9th in Beijing.
        ("general", datetime(2026, 10, 8, 15, 30, tzinfo=UTC), datetime(2026, 10, 8, 16, 10, tzinfo=UTC), 60, False),
        # 16:10 UTC on the 7th and 15:50 UTC on the 8th are both 8 October in Beijing.
        ("general", datetime(2026, 10, 7, 16, 10, tzinfo=UTC), datetime(2026, 10, 8, 15, 50, tzinfo=UTC), 60, True),
        ("emergency", bj(2026, 10, 12, 10, 5), bj(2026, 10, 12, 10, 40), 60, True),
        ("emergency", bj(2026, 10, 12, 10, 0), bj(2026, 10, 12, 11, 0), 60, True),  # exactly the limit
        ("emergency", bj(2026, 10, 12, 10, 0), bj(2026, 10, 12, 11, 1), 60, False),
        ("emergency", bj(2026, 10, 12, 10, 0), bj(2026, 10, 12, 10, 31), 30, False),  # a county's own limit
        ("emergency", bj(2026, 10, 12, 23, 30), bj(2026, 10, 13, 0, 20), 60, True),  # across midnight is fine
        ("general", bj(2026, 10, 12, 10, 0), bj(2026, 10, 12, 9, 0), 60, False),  # before it happened
    ],
)
def test_timeliness(urgency, occurred, submitted, minutes, on_time):
    assert (
        rules.is_on_time(urgency=urgency, occurred_at=occurred, submitted_at=submitted, emergency_minutes=minutes)
        is on_time
    )


NOW = bj(2026, 11, 23, 12, 0)


@pytest.mark.parametrize(
    ("occurred", "problems"),
    [
        (None, {"occurred_at": "请填写发生时间"}),
        (NOW - timedelta(hours=3), {}),
        (NOW + timedelta(minutes=6), {"occurred_at": "发生时间不能晚于当前时间"}),
        (NOW + timedelta(days=1), {"occurred_at": "发生时间不能晚于当前时间"}),
        (NOW - timedelta(days=366), {}),
        (NOW - timedelta(days=367), {"occurred_at": "发生时间早于报送时间一年以上，请核对年份"}),
        (bj(1900, 1, 1, 0, 0), {"occurred_at": "发生时间早于报送时间一年以上，请核对年份"}),
    ],
)
def test_time_problems(occurred, problems):
    assert rules.time_problems(occurred_at=occurred, submitted_at=NOW, now=NOW) == problems


@pytest.mark.parametrize(
    ("occurred", "read_as"),
    [
        (NOW + timedelta(minutes=4), NOW),  # a phone clock a little fast
        (NOW + timedelta(minutes=6), NOW + timedelta(minutes=6)),  # too far: refused by time_problems
        (NOW - timedelta(minutes=1), NOW - timedelta(minutes=1)),
        (None, None),
    ],
)
def test_clock_skew(occurred, read_as):
    assert rules.within_clock_skew(occurred_at=occurred, now=NOW) == read_as


def test_submission_before_occurrence():
    problems = rules.time_problems(occurred_at=NOW, submitted_at=NOW - timedelta(hours=1), now=NOW)
    assert problems == {"occurred_at": "报送时间不能早于发生时间"}


@pytest.mark.parametrize(
    ("status", "grade", "edit", "withdraw"),
    [
        ("draft", "pending", True, False),
        ("submitted", "pending", True, True),
        ("returned", "pending", True, True),
        ("reviewed", "qualified", False, False),
        ("reviewed", "rejected", False, False),
        ("withdrawn", "pending", False, False),
    ],
)
def test_officer_edit_and_withdraw_rules(status, grade, edit, withdraw):
    assert rules.officer_may_edit(status=status, grade=grade) is edit
    assert rules.officer_may_withdraw(status=status, grade=grade) is withdraw


@pytest.mark.parametrize(
    ("grades", "quota", "tier", "amount"),
    [
        ([], 1, "unqualified", 0),
        (["pending"], 1, "unqualified", 0),  # submitted but not yet graded: counts, not valid
        (["rejected"], 1, "unqualified", 0),
        (["qualified"], 1, "qualified", 100),
        (["rejected", "qualified"], 1, "qualified", 100),
        (["county_adopted"], 1, "good", 200),
        (["qualified", "county_adopted"], 1, "good", 200),
        (["above_adopted"], 1, "excellent", 300),
        (["county_adopted", "above_adopted", "qualified"], 1, "excellent", 300),  # one tier, never a sum
        (["above_adopted"], 2, "unqualified", 0),  # below the quota whatever the grade
        (["above_adopted", "qualified"], 2, "excellent", 300),
        (["qualified", "rejected", "pending"], 2, "unqualified", 0),
    ],
)
def test_stipend_tier(grades, quota, tier, amount):
    result = rules.tier_of_grades(grades, quota=quota)
    assert result.value == tier
    assert rules.stipend_amount(result, {"qualified": 100, "good": 200, "excellent": 300}) == amount


@pytest.mark.parametrize(
    ("year", "month", "start", "end"),
    [
        (2026, 10, bj(2026, 10, 1), bj(2026, 11, 1)),
        (2026, 12, bj(2026, 12, 1), bj(2027, 1, 1)),
    ],
)
def test_month_bounds_are_beijing_months(year, month, start, end):
    assert rules.month_bounds(year, month) == (start, end)


@pytest.mark.parametrize(
    ("valid", "county_adopted", "above_adopted", "quota", "tier"),
    [
        (0, 0, 0, 1, "unqualified"),
        (1, 0, 0, 1, "qualified"),
        (1, 1, 0, 1, "good"),
        (1, 0, 1, 1, "excellent"),
        (3, 2, 1, 1, "excellent"),
        (1, 0, 1, 2, "unqualified"),
        (2, 1, 0, 2, "good"),
        (0, 0, 0, 0, "qualified"),  # a quota of 0 would make doing nothing 合格; settings refuse it
    ],
)
def test_stipend_tier_from_counts(valid, county_adopted, above_adopted, quota, tier):
    assert (
        rules.stipend_tier(valid=valid, county_adopted=county_adopted, above_adopted=above_adopted, quota=quota).value
        == tier
    )


@pytest.mark.parametrize(("text", "first_day"), [("2026-10", (2026, 10, 1)), (" 2026-01 ", (2026, 1, 1))])
def test_parse_month(text, first_day):
    from datetime import date

    assert rules.parse_month(text) == date(*first_day)


@pytest.mark.parametrize("text", ["2026-13", "2026/10", "10-2026", "", "2026-1-1"])
def test_parse_month_refuses(text):
    with pytest.raises(ValueError) as exc:
        rules.parse_month(text)
    assert str(exc.value) == f"“{text}”不是有效月份，格式应为 YYYY-MM，如 2026-10"


@pytest.mark.parametrize(
    ("spent", "months", "projected"),
    [(100, 1, 1200), (60000, 6, 120000), (0, 3, 0), (500, 0, 500), (285000, 12, 285000)],
)
def test_projected_spending(spent, months, projected):
    assert rules.projected_spending(spent=spent, months_elapsed=months) == projected


@pytest.mark.parametrize(("text", "year"), [("2026", 2026), (" 2000 ", 2000), ("2100", 2100)])
def test_parse_year(text, year):
    assert rules.parse_year(text) == year


@pytest.mark.parametrize("text", ["1999", "2101", "²⁰²⁶", "２０２６", "26", "abcd", ""])
def test_parse_year_refuses(text):
    with pytest.raises(ValueError) as exc:
        rules.parse_year(text)
    assert str(exc.value) == "年度应为2000–2100之间的四位数字，已显示今年"


@pytest.mark.parametrize(
    ("error", "passing"),
    [
        (ConnectionRefusedError("gateway down"), True),
        (TimeoutError("slow"), True),
        (socket.gaierror("name lookup failed"), True),
        (smtplib.SMTPServerDisconnected("closed"), True),
        (smtplib.SMTPResponseException(451, b"try again later"), True),
        (smtplib.SMTPResponseException(554, b"rejected"), False),
        (smtplib.SMTPAuthenticationError(535, b"bad login"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"mailbox busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")}), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (451, b""), "b@example.org": (550, b"")}), False),
        (smtplib.SMTPNotSupportedError("SMTPUTF8"), False),
        (ValueError("bad phone number"), False),
    ],
)
def test_send_failure_is_passing(error, passing):
    assert outbox.is_transient(error) is passing


@pytest.mark.parametrize(
    ("now", "over"),
    [
        (bj(2026, 10, 31, 23, 59), False),
        (bj(2026, 11, 1, 0, 0), True),
        (bj(2026, 10, 1, 0, 0), False),
    ],
)
def test_month_is_over(now, over):
    assert rules.month_is_over(date(2026, 10, 1), now) is over


@pytest.mark.parametrize(
    ("month", "first", "message"),
    [
        (date(2026, 10, 1), date(2024, 3, 1), None),
        (date(2024, 3, 1), date(2024, 3, 1), None),  # the first officer's month itself
        (date(2024, 2, 1), date(2024, 3, 1), "滨海县的信息员从2024年3月起聘任，2024年2月没有补助表"),
        (date(2019, 1, 1), date(2024, 3, 1), "滨海县的信息员从2024年3月起聘任，2019年1月没有补助表"),
        (date(2019, 1, 1), None, None),  # no officer yet: nothing to compare with
        (date(2026, 11, 1), date(2024, 3, 1), None),  # the current month
        (date(2026, 12, 1), date(2024, 3, 1), "2026年12月尚未到来，只能查看本月及以前的补助表"),
        (date(2026, 12, 1), None, "2026年12月尚未到来，只能查看本月及以前的补助表"),
    ],
)
def test_sheet_month_problem(month, first, message):
    problem = rules.sheet_month_problem(
        month=month, first_month=first, current_month=date(2026, 11, 1), county_name="滨海县"
    )
    assert problem == message


@pytest.mark.parametrize(
    ("approved", "month_over", "pending", "reason"),
    [
        (False, True, 0, ""),
        (False, True, 3, "还有 3 条待审核"),
        (False, False, 3, "本月尚未结束，不能审批（月份结束后才能审批）"),
        (False, False, 0, "本月尚未结束，不能审批（月份结束后才能审批）"),
        (True, True, 0, "已审批"),
        (True, True, 2, "已审批"),
    ],
)
def test_approval_block(approved, month_over, pending, reason):
    assert rules.approval_block(approved=approved, month_over=month_over, pending=pending) == reason


@pytest.mark.parametrize(
    ("urgency", "township_id", "problems"),
    [
        ("emergency", None, {"township": rules.EMERGENCY_PLACE_MESSAGE}),
        ("emergency", "", {"township": rules.EMERGENCY_PLACE_MESSAGE}),
        ("emergency", 7, {}),
        ("general", None, {}),
        ("general", 7, {}),
    ],
)
def test_an_emergency_names_its_place(urgency, township_id, problems):
    assert rules.place_problems(urgency=urgency, township_id=township_id) == problems


@pytest.mark.parametrize(("urgency", "shown"), [("emergency", True), ("general", False)])
def test_staff_see_the_full_phone_of_an_emergency_only(urgency, shown):
    assert rules.staff_sees_full_phone(urgency=urgency) is shown


NOW_SERVER = bj(2026, 11, 23, 15, 0)


@pytest.mark.parametrize(
    "client_time, accepted, note",
    [
        (None, NOW_SERVER, ""),
        (NOW_SERVER - timedelta(hours=3), NOW_SERVER - timedelta(hours=3), ""),
        (NOW_SERVER - timedelta(hours=72), NOW_SERVER - timedelta(hours=72), ""),
        (NOW_SERVER - timedelta(hours=72, seconds=1), NOW_SERVER, rules.CLIENT_TIME_OLD_NOTE),
        (NOW_SERVER + timedelta(minutes=4), NOW_SERVER, ""),  # a phone running a little fast: now
        (NOW_SERVER + timedelta(minutes=5), NOW_SERVER, ""),
        (NOW_SERVER + timedelta(minutes=5, seconds=1), NOW_SERVER, rules.CLIENT_TIME_FUTURE_NOTE),
        (NOW_SERVER + timedelta(days=400), NOW_SERVER, rules.CLIENT_TIME_FUTURE_NOTE),
    ],
)
def test_accepted_submission_time(client_time, accepted, note):
    assert rules.accepted_submission_time(client_time=client_time, now=NOW_SERVER) == (accepted, note)


@pytest.mark.parametrize(
    ("is_staff", "is_superuser", "own_county", "problem"),
    [
        (True, False, True, None),  # the county's own reviewer or admin
        (True, True, False, None),  # a superuser anywhere
        (True, False, False, "只有本县区的工作人员可以设定风险等级"),  # another county's, or a city's, staff
        (False, False, True, "只有本县区的工作人员可以设定风险等级"),  # an officer of the county
        (False, True, True, "只有本县区的工作人员可以设定风险等级"),  # a superuser without a staff role
    ],
)
def test_who_sets_a_risk_level(is_staff, is_superuser, own_county, problem):
    assert rules.risk_setter_problem(is_staff=is_staff, is_superuser=is_superuser, own_county=own_county) == problem
