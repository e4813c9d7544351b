"""Pure rules of dispute cases: status moves, numbering, the success rate, the mediation clock and
instalments against their schedule. No database access."""

import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from officers.rules import DEFAULT_PAYMENT_ORDER_GRACE_DAYS
from unionportal.core.figures import rate

# 登记 → 调解中 → 调解成功 / 调解失败; a failed or stalled (still mediating) case may be 移交;
# every case ends 结案.
STATUS_MOVES = {
    "registered": {"mediating"},
    "mediating": {"succeeded", "failed", "transferred"},
    "succeeded": {"closed"},
    "failed": {"transferred", "closed"},
    "transferred": {"closed"},
    "closed": set(),
}


def status_move_allowed(from_status: str, to_status: str) -> bool:
    return to_status in STATUS_MOVES.get(from_status, set())


def case_number(county_code: str, year: int, sequence: int) -> str:
    """320922-2026-0001: per county and year, never reused."""
    return f"{county_code}-{year}-{sequence:04d}"


def success_rate(*, successful: int, concluded: int) -> float | None:
    """Successful mediations over concluded mediations, 4 places; None when nothing concluded."""
    return rate(successful, concluded)


def result_for_status(status: str) -> str | None:
    """The mediation result a status implies: 调解成功 is a success, 调解失败 a failure."""
    return {"succeeded": "success", "failed": "failure"}.get(status)


# What kind of dispute a report of each category most likely becomes; the reviewer may change it.
TYPE_FOR_CATEGORY = {
    "wage_arrears": "wage_arrears",
    "new_form_rights": "new_form_rights",
    "work_safety": "work_injury",
}


def type_for_category(category: str) -> str:
    return TYPE_FOR_CATEGORY.get(category, "other")


def status_reachable(from_status: str, to_status: str) -> bool:
    """Whether ``to_status`` lies ahead of ``from_status`` by allowed moves (a ledger may skip steps)."""
    seen, frontier = set(), [from_status]
    while frontier:
        current = frontier.pop()
        for nxt in STATUS_MOVES.get(current, ()):
            if nxt == to_status:
                return True
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return from_status == to_status


AGE_BUCKETS = ((30, "30天以内"), (90, "31–90天"), (180, "91–180天"), (None, "180天以上"))
STALE_DAYS = 14


def age_bucket(days: int) -> str:
    for limit, label in AGE_BUCKETS:
        if limit is None or days <= limit:
            return label
    return AGE_BUCKETS[-1][1]


def facts_token(facts: dict) -> str:
    """A short fingerprint of a case's correctable facts as a form showed them: a correction made
    from a page older than someone else's correction is refused instead of silently undoing it."""
    text = "\x1f".join(f"{name}={'' if value is None else value}" for name, value in sorted(facts.items()))
    return hashlib.sha256(text.replace("\r\n", "\n").encode()).hexdigest()[:16]


# A case with no claim (or a claim of 0) has this ceiling instead: money recovered above it is asked
# to be confirmed, as a typo of a few zeros would otherwise land on every figure.
MONEY_CEILING = Decimal("10000000.00")  # 一千万元


def money_over_limit(*, amount: Decimal, claimed: Decimal | None, remaining_due: Decimal | None = None) -> str | None:
    """Why a payment of ``amount`` needs the recorder's confirmation: above the case's claim, or above
    MONEY_CEILING when nothing (or 0) was claimed, or (when the case has an instalment schedule,
    ``remaining_due`` not None) above what remains due on it; None when it is within."""
    reasons = []
    if claimed:
        if amount > claimed:
            reasons.append(f"金额 {amount:,.2f} 元超过本案诉求金额 {claimed:,.2f} 元")
    elif amount > MONEY_CEILING:
        reasons.append(f"金额 {amount:,.2f} 元超过 {MONEY_CEILING:,.2f} 元（本案未填写诉求金额）")
    if remaining_due is not None and amount > remaining_due:
        remaining = max(remaining_due, Decimal("0"))
        reasons.append(f"金额 {amount:,.2f} 元超过调解协议分期尚未支付的 {remaining:,.2f} 元")
    return "；".join(reasons) or None


# ---- the law's clock (劳动争议调解仲裁法 §14, §16) ----------------------------------------------------
# Beijing calendar days. A case accepted for mediation on day D must reach an agreement by the end of
# D+15 (the first day is not counted); the parties may agree to extend it.

MEDIATION_DAYS = 15
WARN_AFTER_DAYS = 12
# An instalment unpaid this many days after its due date lets the worker ask for a 支付令 (§16): the
# default; each county sets its own, effective from a date (officers.DeadlineSetting).
PAYMENT_ORDER_GRACE_DAYS = DEFAULT_PAYMENT_ORDER_GRACE_DAYS
# A flag (支付令, 强制执行, 未告知) becomes a supervision item for the handler, due this many days later.
REMEDY_SUPERVISION_DAYS = 3

DAY12, EXPIRED = "day12", "expired"


def mediation_deadline(accepted_on: date, extensions=()) -> date:
    """The last day of mediation: D+15, or the latest date the parties agreed to extend it to."""
    base = accepted_on + timedelta(days=MEDIATION_DAYS)
    return max([base, *extensions])


def days_left(deadline: date, today: date) -> int:
    """Whole days until the deadline's end: 0 on the last day, negative once it has run out."""
    return (deadline - today).days


def warn_due(*, accepted_on: date, deadline: date, today: date) -> str | None:
    """Which warning is due today: EXPIRED once the deadline has passed, DAY12 from the 12th day on
    (counted from acceptance), else None. The caller sends each once (by its key)."""
    if today > deadline:
        return EXPIRED
    if today >= accepted_on + timedelta(days=WARN_AFTER_DAYS):
        return DAY12
    return None


UNTOLD_STATUSES = ("mediating", "failed")


def untold_overdue(*, status: str, deadline: date | None, told_on: date | None, today: date) -> bool:
    """Past the mediation deadline without an agreement and the worker not yet told of the right to
    arbitration (§14). selectors.untold_overdue is the same rule as a query."""
    return status in UNTOLD_STATUSES and deadline is not None and deadline < today and told_on is None


def extension_problem(*, current_deadline: date, new_deadline: date, agreed_on: date, today: date) -> str | None:
    """Why an extension cannot be recorded, or None."""
    if agreed_on > today:
        return "约定日期不能晚于今天"
    if new_deadline <= current_deadline:
        return f"延长后的期限须晚于当前期限 {current_deadline:%Y-%m-%d}"
    return None


# ---- instalments against the schedule -------------------------------------------------------------

PAID, PAID_LATE, NOT_DUE, DUE, OVERDUE = "paid", "paid_late", "not_due", "due", "overdue"
STATE_LABELS = {PAID: "已按期支付", PAID_LATE: "逾期后付清", NOT_DUE: "未到期", DUE: "已到期未付清", OVERDUE: "逾期"}
KEPT, LATE, BROKEN, RUNNING = "kept", "late", "broken", "running"


@dataclass(frozen=True)
class InstalmentState:
    due_on: date
    amount: Decimal
    paid: Decimal
    settled_on: date | None
    state: str
    days_overdue: int

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid


def match_instalments(*, schedule, payments, today: date) -> list[InstalmentState]:
    """Payments ``[(received_on, amount)]`` matched to ``schedule`` ``[(due_on, amount)]`` in due-date
    order: each payment fills the earliest instalment not yet paid, in the order received. An
    instalment is settled the day the payments cover it."""
    pays = sorted(payments)
    pi, left = 0, Decimal("0")
    result = []
    for due_on, amount in sorted(schedule):
        need, settled_on = amount, None
        while need > 0:
            if left <= 0:
                if pi >= len(pays):
                    break
                settled_candidate, left = pays[pi]
                pi += 1
                last_date = settled_candidate
            take = min(need, left)
            need, left = need - take, left - take
            if need <= 0:
                settled_on = last_date
        if need <= 0 and settled_on is None:  # an instalment of 0
            settled_on = due_on
        paid = amount - max(need, Decimal("0"))
        if settled_on is not None:
            state = PAID if settled_on <= due_on else PAID_LATE
            overdue = 0
        elif today > due_on:
            state, overdue = OVERDUE, (today - due_on).days
        elif today == due_on:
            state, overdue = DUE, 0
        else:
            state, overdue = NOT_DUE, 0
        result.append(InstalmentState(due_on, amount, paid, settled_on, state, overdue))
    return result


def payment_order_possible(states, grace_days: int = PAYMENT_ORDER_GRACE_DAYS) -> bool:
    """可申请支付令: an instalment still unpaid ``grace_days`` or more after its due date."""
    return any(s.state == OVERDUE and s.days_overdue >= grace_days for s in states)


PAYMENT_ORDER, ENFORCEMENT = "payment_order", "enforcement"
REMEDY_LABELS = {PAYMENT_ORDER: "可申请支付令", ENFORCEMENT: "可申请强制执行"}


def overdue_remedy(states, *, court_confirmed: bool, grace_days: int = PAYMENT_ORDER_GRACE_DAYS) -> str | None:
    """What the worker may ask a court for when an instalment is overdue beyond the grace: a 支付令
    (§16), or, once the agreement was confirmed by a court (司法确认), 强制执行. None otherwise."""
    if not payment_order_possible(states, grace_days):
        return None
    return ENFORCEMENT if court_confirmed else PAYMENT_ORDER


def agreement_standing(states, grace_days: int = PAYMENT_ORDER_GRACE_DAYS) -> str | None:
    """kept: every instalment paid on time; late: paid, some after the due date, or overdue within
    the grace; broken: one overdue beyond the grace; running: on time so far, more to come.
    None without a schedule."""
    if not states:
        return None
    if payment_order_possible(states, grace_days):
        return BROKEN
    if any(s.state in (PAID_LATE, OVERDUE) for s in states):
        return LATE
    if all(s.state == PAID for s in states):
        return KEPT
    return RUNNING


# ---- the return visit (回访) ------------------------------------------------------------------------

RETURN_VISIT_DAYS = 30


def return_visit_due_on(closed_on: date, days: int = RETURN_VISIT_DAYS) -> date:
    """The day a closed case's return visit falls due."""
    return closed_on + timedelta(days=days)


def reopen_reason(*, reached: bool, money: str, satisfaction: str) -> str | None:
    """Why a return visit reopens the case for review: the worker 不满意, or the money not arrived."""
    if not reached:
        return None
    reasons = []
    if satisfaction == "dissatisfied":
        reasons.append("劳动者不满意")
    if money == "not_received":
        reasons.append("款项未到位")
    return "、".join(reasons) or None


def status_before_closing(*, mediation_result: str, transferred_to: str) -> str:
    """Where a reopened case goes back to: 移交 if it was transferred, else its mediation's outcome."""
    if transferred_to:
        return "transferred"
    return "succeeded" if mediation_result == "success" else "failed"


# ---- the agreement (调解协议书) -----------------------------------------------------------------------
# A county may adjust the text; these placeholders, and only these, are filled in.

AGREEMENT_PLACEHOLDERS = (
    "劳动者",
    "用人单位",
    "统一社会信用代码",
    "协议条款",
    "协议金额",
    "分期付款",
    "调解组织",
    "签订日期",
    "案件编号",
)
PLACEHOLDER_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")

DEFAULT_AGREEMENT_TEMPLATE = """{{调解组织}}
劳动争议调解协议书
案件编号：{{案件编号}}
劳动者（劳动者代表）：{{劳动者}}
用人单位：{{用人单位}}
统一社会信用代码：{{统一社会信用代码}}
上列当事人因劳动争议，经本调解组织主持调解，双方本着平等自愿、互谅互让的原则，依照《中华人民共和国劳动争议调解仲裁法》等有关法律法规，自愿达成如下协议：
一、{{协议条款}}
二、用人单位应向劳动者支付款项共计人民币{{协议金额}}元，按以下期限支付：
{{分期付款}}
三、用人单位未按本协议约定期限支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金的，劳动者可以持本协议书依法向人民法院申请支付令；本协议经人民法院司法确认后，一方当事人拒绝履行的，对方当事人可以依法申请人民法院强制执行。
四、本协议书自双方当事人签名或者盖章、经调解员签名并加盖调解组织印章后生效，对双方当事人具有约束力，当事人应当履行。
五、本协议书一式三份，双方当事人各执一份，调解组织留存一份。
劳动者（签名）：　　　　　　　　　　用人单位（盖章）：
调解员（签名）：
{{调解组织}}（印章）
{{签订日期}}"""


def template_problem(text: str) -> str | None:
    """Why a county's agreement template cannot be used, naming what is wrong; None when it can."""
    if not (text or "").strip():
        return "模板内容不能为空"
    unknown = []
    for name in PLACEHOLDER_RE.findall(text):
        label = "{{" + name + "}}"
        if name not in AGREEMENT_PLACEHOLDERS and label not in unknown:
            unknown.append(label)
    if unknown:
        return f"模板中有无法识别的占位符：{'、'.join(unknown)}"
    rest = PLACEHOLDER_RE.sub("", text)
    if "{{" in rest or "}}" in rest:
        return "模板中有不完整的占位符，请检查“{{”与“}}”是否成对"
    return None


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def schedule_lines(schedule) -> list[str]:
    """The instalments ``[(due_on, amount)]`` as the agreement words them, one line each."""
    rows = sorted(schedule)
    if not rows:
        return ["（未约定分期，按上述协议条款履行）"]
    return [f"第{n}期：{chinese_date(due_on)}前支付人民币{amount:,.2f}元" for n, (due_on, amount) in enumerate(rows, 1)]


def template_fill(text: str, values: dict[str, str]) -> str:
    """The template with every placeholder replaced by its value (a checked template has no others)."""
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)
