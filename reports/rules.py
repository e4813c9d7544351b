"""Pure rules of reporting: timeliness, what an officer may still change, the stipend tier.
No database access; tested by tables of cases."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from unionportal.core.clock import BEIJING, beijing_date, month_bounds  # noqa: F401  (month_bounds: one definition)

from .choices import VALID_GRADES, Grade, Status, Tier, Urgency

DEFAULT_EMERGENCY_MINUTES = 60
# A phone's clock may run a little fast: an event "in the future" by less than this is accepted.
CLOCK_SKEW = timedelta(minutes=5)
# A report sent from a phone's outbox carries the moment the officer pressed 报送; it is believed only
# back to this far (a phone off the network for three days) and never beyond CLOCK_SKEW ahead.
CLIENT_TIME_OLDEST = timedelta(hours=72)
CLIENT_TIME_FUTURE_NOTE = "手机报送时间晚于服务器时间，按服务器收到时间记录"
CLIENT_TIME_OLD_NOTE = "手机报送时间早于服务器收到时间 72 小时以上，按服务器收到时间记录"


def accepted_submission_time(*, client_time: datetime | None, now: datetime) -> tuple[datetime, str]:
    """The 报送时间 of a report sent from a phone's outbox, and why the phone's own time was not
    believed (empty when it was, or when there was none)."""
    if client_time is None:
        return now, ""
    if client_time > now + CLOCK_SKEW:
        return now, CLIENT_TIME_FUTURE_NOTE
    if client_time < now - CLIENT_TIME_OLDEST:
        return now, CLIENT_TIME_OLD_NOTE
    return min(client_time, now), ""


def is_on_time(*, urgency: str, occurred_at: datetime, submitted_at: datetime, emergency_minutes: int) -> bool:
    """一般信息当日报，突发信息立即报.

    A general item is on time when submitted on the same Beijing calendar day as it happened; an
    emergency when submitted within ``emergency_minutes`` of the event.
    """
    if submitted_at < occurred_at:
        return False
    if urgency == Urgency.EMERGENCY:
        return submitted_at - occurred_at <= timedelta(minutes=emergency_minutes)
    return beijing_date(submitted_at) == beijing_date(occurred_at)


def within_clock_skew(*, occurred_at: datetime | None, now: datetime) -> datetime | None:
    """An event time a few minutes "in the future" is the phone's clock running fast: read it as now."""
    if occurred_at is not None and now < occurred_at <= now + CLOCK_SKEW:
        return now
    return occurred_at


OLDEST_EVENT = timedelta(days=366)
# A report's text: a phone report is a few paragraphs; a pasted document belongs in an attachment.
CONTENT_MAX_LENGTH = 5000


def time_problems(*, occurred_at: datetime | None, submitted_at: datetime, now: datetime) -> dict[str, str]:
    """Field errors for a report's times, in Chinese."""
    problems = {}
    if occurred_at is None:
        problems["occurred_at"] = "请填写发生时间"
    elif occurred_at > now + CLOCK_SKEW:
        problems["occurred_at"] = "发生时间不能晚于当前时间"
    elif submitted_at < occurred_at:
        problems["occurred_at"] = "报送时间不能早于发生时间"
    elif submitted_at - occurred_at > OLDEST_EVENT:
        # Officers report what is happening now; a year or more back is a typo (1900, 2016 for 2026).
        problems["occurred_at"] = "发生时间早于报送时间一年以上，请核对年份"
    return problems


EMERGENCY_PLACE_MESSAGE = "突发信息请选择事发地所在的镇区街道（事发地，不一定是您所在的镇区）"


def place_problems(*, urgency: str, township_id) -> dict[str, str]:
    """An emergency alerts staff with its place: it is chosen by the officer, never assumed."""
    if urgency == "emergency" and not township_id:
        return {"township": EMERGENCY_PLACE_MESSAGE}
    return {}


def staff_sees_full_phone(*, urgency: str) -> bool:
    """Staff see an emergency's reporter's full phone, to call back at once; other reports show it masked."""
    return urgency == "emergency"


def officer_may_edit(*, status: str, grade: str) -> bool:
    """An officer may change a report until it is reviewed; a returned one until resubmitted."""
    return status in (Status.DRAFT, Status.RETURNED) or (status == Status.SUBMITTED and grade == Grade.PENDING)


def officer_may_withdraw(*, status: str, grade: str) -> bool:
    return status in (Status.SUBMITTED, Status.RETURNED) and grade == Grade.PENDING


def staff_may_review(*, status: str) -> bool:
    return status in (Status.SUBMITTED, Status.REVIEWED)


# ---- the stipend rule (contract section 3) -------------------------------------------------------


UNQUALIFIED, QUALIFIED, GOOD, EXCELLENT = Tier.UNQUALIFIED, Tier.QUALIFIED, Tier.GOOD, Tier.EXCELLENT
TIERS = tuple(Tier)


def stipend_tier(*, valid: int, county_adopted: int, above_adopted: int, quota: int) -> Tier:
    """One tier a month, never a sum (contract section 3).

    ``valid`` counts the month's reports graded 合格 or adopted; the other two count the adopted ones.
    不合格 below the quota; otherwise 优秀 when any was adopted above the county level, 良好 when
    any was adopted by the county union, else 合格.
    """
    if valid < quota:
        return UNQUALIFIED
    if above_adopted > 0:
        return EXCELLENT
    if county_adopted > 0:
        return GOOD
    return QUALIFIED


def tier_of_grades(grades: Iterable[str], *, quota: int) -> Tier:
    grades = list(grades)
    return stipend_tier(
        valid=sum(1 for g in grades if g in VALID_GRADES),
        county_adopted=grades.count(Grade.COUNTY_ADOPTED),
        above_adopted=grades.count(Grade.ABOVE_ADOPTED),
        quota=quota,
    )


def stipend_amount(tier: Tier, amounts: dict[str, int]) -> int:
    return 0 if tier == UNQUALIFIED else int(amounts[tier.value])


def parse_month(text: str):
    """``YYYY-MM`` → the month's first day; ValueError in Chinese otherwise."""
    try:
        month = datetime.strptime(text.strip(), "%Y-%m").date()
    except (ValueError, AttributeError):
        raise ValueError(f"“{text}”不是有效月份，格式应为 YYYY-MM，如 2026-10") from None
    if not 2000 <= month.year <= 2100:
        raise ValueError(f"“{text}”超出可查询的年份范围（2000–2100）")
    return month


def parse_year(text: str) -> int:
    """A four-digit year 2000–2100; ValueError in Chinese otherwise."""
    text = (text or "").strip()
    if len(text) == 4 and text.isascii() and text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    raise ValueError("年度应为2000–2100之间的四位数字，已显示今年")


def projected_spending(*, spent, months_elapsed: int):
    """The year's spending if it goes on at the pace so far (months_elapsed of 12)."""
    if months_elapsed <= 0:
        return spent
    return spent / months_elapsed * 12


def month_is_over(month, now: datetime) -> bool:
    """A month's sheet may be approved once its last Beijing day has ended."""
    return month_bounds(month.year, month.month)[1] <= now


def sheet_month_problem(*, month, first_month, current_month, county_name: str) -> str | None:
    """Why ``month`` has no stipend sheet, or None. Months run from the county's first officer's (None:
    the county has none yet, so no lower bound) to the current one; all three are first days."""
    if month > current_month:
        return f"{month.year}年{month.month}月尚未到来，只能查看本月及以前的补助表"
    if first_month is not None and month < first_month:
        return (
            f"{county_name}的信息员从{first_month.year}年{first_month.month}月起聘任，"
            f"{month.year}年{month.month}月没有补助表"
        )
    return None


APPROVED_BLOCK = "已审批"
NOT_OVER_BLOCK = "本月尚未结束，不能审批（月份结束后才能审批）"


def approval_block(*, approved: bool, month_over: bool, pending: int) -> str:
    """Why the 审批并锁定 button is disabled ("" when it is not): shown beside it and as its title."""
    if approved:
        return APPROVED_BLOCK
    if not month_over:
        return NOT_OVER_BLOCK
    if pending:
        return f"还有 {pending} 条待审核"
    return ""


# ---- 补发 (contract section 3) -------------------------------------------------------------------


def back_pay_note(month, amount: int) -> str:
    """备注 of a difference paid later: ``补发2026年10月100元``."""
    return f"补发{month.year}年{month.month}月{amount}元"


def back_pay_difference(*, frozen: Tier, now: Tier, amounts: dict[str, int]) -> int:
    """What a raised tier adds to a month already paid at ``frozen`` (the approved sheet's amounts);
    0 when the tier did not go up (a grade never goes down through an adoption)."""
    return max(stipend_amount(now, amounts) - stipend_amount(frozen, amounts), 0)


def sheet_note(own: str, back_pays: Iterable[tuple]) -> str:
    """A sheet row's 备注: its own note, then each difference it carries, oldest month first, joined
    by "；" (e.g. ``未完成本月报送任务；补发2026年9月100元；补发2026年10月200元``)."""
    parts = [own] if own else []
    parts += [back_pay_note(month, amount) for month, amount in sorted(back_pays)]
    return "；".join(parts)


def month_label(month) -> str:
    return f"{month.year}年{month.month}月"


LOCKED_GRADE_MESSAGE = (
    "该信息报送月份（{month}）的补助表已审批锁定，审核结果不能再修改。"
    "县级以上部门采用的，请在“登记采用回执”中登记，差额将在下一张审批的补助表中补发。"
)


def locked_grade_message(month) -> str:
    return LOCKED_GRADE_MESSAGE.format(month=month_label(month))


# ---- forwarding upward (上报) ---------------------------------------------------------------------


def forward_problem(*, status: str, grade: str) -> str | None:
    """Why a report may not be forwarded upward, or None: it must have been submitted (not a draft,
    not withdrawn, not waiting for the officer's changes) and not graded 不予采用."""
    if status not in (Status.SUBMITTED, Status.REVIEWED):
        return f"该信息当前状态为“{Status(status).label}”，不能上报"
    if grade == Grade.REJECTED:
        return "该信息已评定为不予采用，不能上报"
    return None


def unit_body(unit_name: str) -> str:
    """The adopting body's name as the officer reads it: 盐城市 → 盐城市总工会."""
    name = unit_name.strip()
    return name if name.endswith("总工会") else f"{name}总工会"


IDENTITY_IN_COPY = "上报内容不能含有信息员的{what}（上级单位只看到来源县区和信息员代码），请删去后再上报"


def identity_problem(*, texts, name: str, phone: str) -> str | None:
    """The forwarded copy names the officer (their name, or their phone even with spaces or dashes):
    the unit above must see only the county and the officer's code."""
    joined = "\n".join(texts)
    digits = "".join(ch for ch in joined if ch.isdigit())
    if phone and phone in digits:
        return IDENTITY_IN_COPY.format(what="电话")
    if name and name.strip() and name.strip() in joined:
        return IDENTITY_IN_COPY.format(what="姓名")
    return None
# ---- commissions (约稿): a recipient's state ------------------------------------------------------

ANSWERED, NOTHING, OPEN, OVERDUE = "answered", "nothing", "open", "overdue"
RECIPIENT_STATES = {ANSWERED: "已报送", NOTHING: "无相关情况", OPEN: "未答复", OVERDUE: "逾期未答复"}


def recipient_state(*, answered_by_report: bool, nothing: bool, due_on, today) -> str:
    """A report answers a commission whenever it comes (late is still an answer); 无相关情况 too;
    without either, the recipient is 逾期未答复 once the due day has ended."""
    if answered_by_report:
        return ANSWERED
    if nothing:
        return NOTHING
    return OVERDUE if today > due_on else OPEN


def commission_due_problem(*, due_on, today) -> str | None:
    if due_on < today:
        return "截止日期不能早于今天"
    return None


# ---- points (积分) --------------------------------------------------------------------------------

# What a county's table holds when it has none: points per fact, penalties as positive numbers.
DEFAULT_POINTS = {
    "qualified": 1,
    "county_adopted": 3,
    "above_adopted": 5,
    "instruction_county": 3,
    "instruction_city": 5,
    "instruction_province": 8,
    "commission_answered": 2,
    "late_emergency": 2,
    "missed_followup": 2,
    "commission_unanswered": 2,
}
PENALTIES = ("late_emergency", "missed_followup", "commission_unanswered")
FACT_LABELS = {
    "qualified": "合格",
    "county_adopted": "县总工会采用",
    "above_adopted": "县级以上部门采用",
    "instruction_county": "县级领导批示",
    "instruction_city": "市级领导批示",
    "instruction_province": "省级及以上领导批示",
    "commission_answered": "答复约稿",
    "late_emergency": "突发信息迟报",
    "missed_followup": "漏报续报",
    "commission_unanswered": "约稿逾期未答复",
}


def points_of(facts: dict[str, int], table: dict[str, int]) -> int:
    """An officer's points for a month: each fact counted times its points, penalties subtracted.
    ``facts`` holds counts by the keys of DEFAULT_POINTS (a missing key counts 0); ``table`` the
    points in force that month. A report scores by its grade only once (合格, or one of the adoptions)."""
    total = 0
    for name, n in facts.items():
        if name not in DEFAULT_POINTS or not n:
            continue
        points = table.get(name, DEFAULT_POINTS[name]) * n
        total += -points if name in PENALTIES else points
    return total


def competition_ranks(scores: list[int]) -> list[int]:
    """Ranks for scores already sorted best first, ties sharing a rank: 9, 7, 7, 3 → 1, 2, 2, 4."""
    ranks = []
    for i, score in enumerate(scores):
        ranks.append(ranks[-1] if i and score == scores[i - 1] else i + 1)
    return ranks


def ranking_order(rows: list[dict], *, name_key: str, sort_key: str) -> list[dict]:
    """Rows ranked as the monthly notice ranks them (contract section 9): by ``reporting_rate``,
    highest first, then by pinyin (``sort_key``); rows whose ``name_key`` is None (officers without a
    township or unit) last."""

    def key(row):
        rate = row["reporting_rate"]
        return (row[name_key] is None, -(rate if rate is not None else -1), row[sort_key] or "", row[name_key] or "")

    return sorted(rows, key=key)


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
