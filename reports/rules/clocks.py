"""Pure rules of what runs to a clock: events' 初报 essentials and 续报 due times, supervision colours."""

from datetime import datetime, timedelta

from unionportal.core.clock import BEIJING, beijing_date, month_bounds  # noqa: F401  (month_bounds: one definition)

from ..choices import Urgency

# ---- events: the 初报's essentials and the 续报 clock ---------------------------------------------

DEFAULT_FOLLOWUP_HOUR = 17
# 线索合并: a report merged into another's lead is graded on its own merit, never adopted separately.
MERGED_NOT_ADOPTED = "该信息已合并到线索中，不能单独采用（采用计入首报信息）；补充了新情况的可评为合格"
# A missed 续报 tells the reporting officer at once; the county's admins when it is still missing this
# long after its due time.
ESCALATE_AFTER = timedelta(hours=2)
# Duplicate leads: reports of the same incident come within this many days of each other.
DUPLICATE_WINDOW = timedelta(days=7)
# Trigram similarity (pg_trgm) of two reports' text from which they are shown as likely duplicates.
DUPLICATE_SIMILARITY = 0.3

INITIAL_ESSENTIALS = {
    "enterprise_name": "突发信息请填写涉及的企业或场所（已登记的企业可直接选择）",
    "workers_involved": "突发信息请填写涉及人数",
    "demands": "突发信息请填写职工的诉求",
}


def initial_report_problems(
    *, urgency: str, enterprise_id, enterprise_name: str, workers_involved, demands: str
) -> dict[str, str]:
    """The 初报 of an emergency carries its essentials: when and where are checked with every report;
    this adds the enterprise or place, the number of people and what they demand."""
    if urgency != Urgency.EMERGENCY:
        return {}
    problems = {}
    if not enterprise_id and not (enterprise_name or "").strip():
        problems["enterprise_name"] = INITIAL_ESSENTIALS["enterprise_name"]
    if workers_involved in (None, ""):
        problems["workers_involved"] = INITIAL_ESSENTIALS["workers_involved"]
    if not (demands or "").strip():
        problems["demands"] = INITIAL_ESSENTIALS["demands"]
    return problems


def next_followup_due(*, after: datetime, hour: int) -> datetime:
    """The 续报 due after ``after`` (the 初报, or the last 续报): ``hour`` o'clock Beijing time on the next
    Beijing day. The day of a report is covered by that report; each following day needs its 续报."""
    day = beijing_date(after) + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)


def missed_due_times(*, next_due_at: datetime, now: datetime) -> list[datetime]:
    """Every daily due time from ``next_due_at`` that has passed by ``now`` (at most a year of them)."""
    missed = []
    due = next_due_at
    while due < now and len(missed) < 366:
        missed.append(due)
        due = due + timedelta(days=1)
    return missed


def followup_on_time(*, reported_at: datetime, due_at: datetime) -> bool:
    """A 续报 is on time when reported by its due time, to the second (17:00:00 is on time)."""
    return reported_at <= due_at


def missed_escalation_due(*, due_at: datetime, now: datetime) -> bool:
    """A 漏报 still unanswered is told to the county's admins once ``ESCALATE_AFTER`` has passed."""
    return now >= due_at + ESCALATE_AFTER


def entry_time_problems(*, reported_at: datetime, opened_at: datetime, now: datetime) -> dict[str, str]:
    """A 续报 or 终报 (a phone report's time is entered by staff) lies between the 初报 and now."""
    if reported_at > now + CLOCK_SKEW:
        return {"reported_at": "报告时间不能晚于当前时间"}
    if reported_at < opened_at:
        return {"reported_at": "报告时间不能早于事件的初报时间"}
    return {}


# Staff record a call they took (电话报告) soon after it: a call older than this is a typo in the date.
PHONE_CALL_OLDEST = timedelta(days=7)


def phone_call_problems(*, called_at: datetime | None, occurred_at: datetime | None, now: datetime) -> dict[str, str]:
    """The time of an officer's call that staff record as a 初报 lies after the incident and before now."""
    if called_at is None:
        return {"called_at": "请填写来电时间"}
    if called_at > now + CLOCK_SKEW:
        return {"called_at": "来电时间不能晚于当前时间"}
    if occurred_at is not None and called_at < occurred_at:
        return {"called_at": "来电时间不能早于发生时间"}
    if called_at < now - PHONE_CALL_OLDEST:
        return {"called_at": "来电时间早于七天前，请核对日期"}
    return {}


def text_similarity(a: str, b: str) -> float:
    """The plain fallback of trigram similarity (SQLite): the share of the shorter text's character
    trigrams found in the other. Chinese text has no spaces, so characters, not words, are compared."""

    def grams(text: str) -> set[str]:
        text = "".join((text or "").split())
        return {text[i : i + 3] for i in range(max(len(text) - 2, 0))} or ({text} if text else set())

    left, right = grams(a), grams(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


# A phone's clock may run a little fast: an event "in the future" by less than this is accepted.
CLOCK_SKEW = timedelta(minutes=5)


# ---- supervision items (督办): the colour from the clock ------------------------------------------
# 蓝 when less than a quarter of the time is left; 黄 when overdue by less than a day, or past the
# response deadline without a response; 红 when overdue by a day or more. Calendar time: a working-day
# deadline is already in its due_at (officers.rules.deadline_after).

NONE, BLUE, YELLOW, RED = "none", "blue", "yellow", "red"
COLOUR_RANK = {RED: 0, YELLOW: 1, BLUE: 2, NONE: 3}
RED_AFTER = timedelta(days=1)


def supervision_colour(
    *,
    opened_at: datetime,
    due_at: datetime,
    now: datetime,
    response_due_at: datetime | None = None,
    responded_at: datetime | None = None,
) -> str:
    if now > due_at:
        return RED if now - due_at >= RED_AFTER else YELLOW
    if response_due_at is not None and responded_at is None and now > response_due_at:
        return YELLOW
    if (due_at - now) * 4 < due_at - opened_at:
        return BLUE
    return NONE


def escalation_due(*, old: str, new: str) -> bool:
    """Turning red (from any other colour) tells the owner's leaders; staying red tells nobody again."""
    return new == RED and old != RED


def extension_problem(*, current_due: datetime, new_due: datetime, now: datetime, reason: str) -> str | None:
    """Why an extension cannot be asked for, or None."""
    if not (reason or "").strip():
        return "请填写延期理由"
    if new_due <= current_due:
        return f"延期后的期限须晚于当前期限 {current_due.astimezone(BEIJING):%Y-%m-%d %H:%M}"
    if new_due <= now:
        return "延期后的期限须晚于现在"
    return None


def closed_late(*, closed_at: datetime | None, due_at: datetime) -> bool:
    return closed_at is not None and closed_at > due_at
