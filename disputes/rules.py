"""Pure rules of dispute cases: status moves, numbering, the success rate. No database access."""

import hashlib
from decimal import Decimal

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


def money_over_limit(*, amount: Decimal, claimed: Decimal | None) -> str | None:
    """Why a payment of ``amount`` needs the recorder's confirmation: above the case's claim, or above
    MONEY_CEILING when nothing (or 0) was claimed; None when it is within."""
    if claimed:
        if amount > claimed:
            return f"金额 {amount:,.2f} 元超过本案诉求金额 {claimed:,.2f} 元"
        return None
    if amount > MONEY_CEILING:
        return f"金额 {amount:,.2f} 元超过 {MONEY_CEILING:,.2f} 元（本案未填写诉求金额）"
    return None
