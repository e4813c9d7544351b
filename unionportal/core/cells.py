"""The cells of a county ledger (台账) as the interchange contract means them, and the one way a row's
cells are read with their reasons: shared by every ledger's row rules, the admin's resources and the
bulk imports. Excel stores a phone or code typed into a number cell as a number and a date as a date;
these turn whatever came in into the value the contract means."""

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from .clock import BEIJING


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def cell_date(value) -> date | None:
    """A date cell or text ``YYYY-MM-DD``; None when empty. Raises ValueError in Chinese."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"“{text}”不是有效日期，格式应为 YYYY-MM-DD") from None


_PLAIN_MINUTE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def cell_datetime(value) -> datetime | None:
    """A date-time cell or text ``YYYY-MM-DD HH:MM``, read as Beijing time; None when empty."""
    if isinstance(value, str) and _PLAIN_MINUTE.fullmatch(text := value.strip()):
        # The common case of a large CSV, without strptime's cost (an impossible date still fails).
        try:
            return datetime(
                int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:16]), tzinfo=BEIJING
            )
        except ValueError:
            raise ValueError(f"“{text}”不是有效时间，格式应为 YYYY-MM-DD HH:MM") from None
    if isinstance(value, datetime):
        return value.replace(tzinfo=BEIJING) if value.tzinfo is None else value.astimezone(BEIJING)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=BEIJING)
    text = cell_text(value)
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)
    except ValueError:
        raise ValueError(f"“{text}”不是有效时间，格式应为 YYYY-MM-DD HH:MM") from None


def cell_int(value, *, minimum: int = 0) -> int | None:
    text = cell_text(value)
    if not text:
        return None
    try:
        number = int(text)
    except ValueError:
        raise ValueError(f"“{text}”不是整数") from None
    if number < minimum:
        raise ValueError(f"不能小于 {minimum}")
    return number


def cell_money(value) -> Decimal | None:
    """Yuan, at most 2 decimals, not negative."""
    if isinstance(value, float):
        # Excel keeps 15 significant digits: a formula's 110.00000000000001 is the 110 it shows.
        value = format(value, ".15g")
    text = cell_text(value).replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text}”不是有效金额") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError("金额不能为负数")
    if amount.as_tuple().exponent < -2:
        raise ValueError("金额最多保留两位小数")
    return amount.quantize(Decimal("0.01"))


def choice_value(value, choices, column: str) -> str:
    """Map a Chinese label from the ledger to the stored choice value."""
    text = cell_text(value)
    for stored, label in choices:
        if text == label:
            return stored
    allowed = "、".join(label for _, label in choices)
    raise ValueError(f"“{text}”不是有效的{column}，应为：{allowed}")


def choice_reader(choices, column: str):
    """``choice_value`` for one column, as a dict lookup: for reading many rows."""
    stored_for = {label: stored for stored, label in choices}

    def read(value) -> str:
        stored = stored_for.get(value if isinstance(value, str) and value == value.strip() else cell_text(value))
        if stored is None:
            return choice_value(value, choices, column)  # raises with the message
        return stored

    return read


# ---- files -------------------------------------------------------------------------------------


def cell_reader(row, errors: dict):
    """``read(column, parse)`` for one row: ``parse`` of the row's cell in ``column``, or None with the
    parser's reason (its ValueError) kept under the column in ``errors``."""

    def read(column, parse):
        try:
            return parse(row.get(column))
        except ValueError as exc:
            errors[column] = str(exc)
            return None

    return read
