"""Pure rules of reporting: timeliness, what an officer may still change, the stipend tier and 补发;
the network's (``network``: forwarding, commissions, points) and the clocks' (``clocks``: events,
supervision colours) in their own modules, re-exported here. No database access; tested by tables
of cases."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from unionportal.core.clock import BEIJING, beijing_date, month_bounds  # noqa: F401  (month_bounds: one definition)

from ..choices import VALID_GRADES, Grade, Status, Tier, Urgency
from .clocks import CLOCK_SKEW  # defined beside the clocks that also use it

DEFAULT_EMERGENCY_MINUTES = 60

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


RISK_SETTERS_ONLY = "只有本县区的工作人员可以设定风险等级"


def risk_setter_problem(*, is_staff: bool, is_superuser: bool, own_county: bool) -> str | None:
    """Who sets a subject's risk level (risk_level_set, and the report page's form): the subject's
    county's own staff; a superuser anywhere."""
    return None if is_staff and (is_superuser or own_county) else RISK_SETTERS_ONLY


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


# The network's and the clocks' rules live in their own modules; ``reports.rules.X`` still reaches each.
from .clocks import (  # noqa: E402, F401
    BLUE,
    COLOUR_RANK,
    DEFAULT_FOLLOWUP_HOUR,
    DUPLICATE_SIMILARITY,
    DUPLICATE_WINDOW,
    ESCALATE_AFTER,
    INITIAL_ESSENTIALS,
    MERGED_NOT_ADOPTED,
    NONE,
    PHONE_CALL_OLDEST,
    RED,
    RED_AFTER,
    YELLOW,
    closed_late,
    entry_time_problems,
    escalation_due,
    extension_problem,
    followup_on_time,
    initial_report_problems,
    missed_due_times,
    missed_escalation_due,
    next_followup_due,
    phone_call_problems,
    supervision_colour,
    text_similarity,
)
from .network import (  # noqa: E402, F401
    ANSWERED,
    DEFAULT_POINTS,
    FACT_LABELS,
    IDENTITY_IN_COPY,
    NOTHING,
    OPEN,
    OVERDUE,
    PENALTIES,
    RECIPIENT_STATES,
    commission_due_problem,
    competition_ranks,
    forward_problem,
    identity_problem,
    points_of,
    ranking_order,
    recipient_state,
    unit_body,
)
