"""Pure rules of the network's work: forwarding upward (上报), commissions (约稿), points (积分)."""

from unionportal.core.clock import BEIJING, beijing_date, month_bounds  # noqa: F401  (month_bounds: one definition)

from ..choices import Grade, Status

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
