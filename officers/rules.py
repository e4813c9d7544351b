"""Pure rules of the officer registry: no database access, tested by tables of cases."""

import re

from pypinyin import Style, lazy_pinyin

from unionportal.core.masking import mask_phone  # noqa: F401  (the registry's rules name it too)

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
COUNTY_CODE_RE = re.compile(r"^\d{6}$")

# GB 32100-2015: the unified social credit code alphabet (no I, O, Z, S, V) and position weights.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

LARGE_ENTERPRISE_STAFF = 5000


def is_valid_phone(value: str) -> bool:
    return bool(PHONE_RE.match(value or ""))


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def credit_code_problem(value: str) -> str | None:
    """Why ``value`` is not a valid unified social credit code, or None when it is."""
    if len(value) != 18:
        return "统一社会信用代码应为18位"
    if not CREDIT_CODE_RE.match(value):
        return "统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V，字母须大写）"
    if credit_code_check_char(value[:17]) != value[17]:
        return "统一社会信用代码校验位不正确，请核对"
    return None


def is_large_enterprise(staff_count: int | None) -> bool:
    return staff_count is not None and staff_count >= LARGE_ENTERPRISE_STAFF


def pinyin_key(name: str) -> str:
    """A sort key that orders Chinese names by pinyin (the order county ledgers use)."""
    return " ".join(lazy_pinyin(name or "", style=Style.TONE3)).lower()[:200]


# Officer status moves: 候选 → 在岗 → 停用 / 解聘; a suspended officer may return; 解聘 is final.
STATUS_MOVES = {
    "candidate": {"active", "dismissed"},
    "active": {"suspended", "dismissed"},
    "suspended": {"active", "dismissed"},
    "dismissed": set(),
}


def status_move_allowed(from_status: str, to_status: str) -> bool:
    return to_status in STATUS_MOVES.get(from_status, set())


def sign_in_wait_minutes(failures, *, now, limit: int, window) -> int:
    """Whole minutes an officer waits before trying a sign-in code again (0: may try now).

    ``failures``: the times of their wrong codes, any order. At ``limit`` wrong codes within
    ``window`` they wait until the oldest of the last ``limit`` leaves the window."""
    recent = sorted((t for t in failures if t > now - window), reverse=True)
    if len(recent) < limit:
        return 0
    free_at = recent[limit - 1] + window
    return max(1, -(-int((free_at - now).total_seconds()) // 60))
