"""How a figure is computed and shown: a rate to 4 places, a percentage for people."""

from decimal import ROUND_HALF_UP, Decimal


def rate(part: int, whole: int) -> float | None:
    """``part / whole`` rounded half up to 4 places; None when there is nothing to divide by."""
    if not whole:
        return None
    return float((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def percent(value, places: int = 1) -> str:
    """A rate as a percentage, rounded half up: 0.9512 → "95.1%" (or "95%" with ``places=0``),
    1.0 → "100%", None → "—"."""
    if value is None or value == "":
        return "—"
    step = Decimal(1).scaleb(-places)
    text = str((Decimal(str(value)) * 100).quantize(step, rounding=ROUND_HALF_UP))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def money(value, places: int = 2) -> str:
    """Yuan for people, with thousands separators, rounded half up, never through a float:
    Decimal("320000") → "320,000.00", 1200 with ``places=0`` → "1,200", None or "" → "—".
    A value that is not a number is shown as it is."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        value = repr(value)  # the shortest text of the float, not its binary expansion
    try:
        amount = Decimal(str(value).strip())
    except ArithmeticError:
        return str(value)
    if not amount.is_finite():
        return str(value)
    try:
        amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except ArithmeticError:  # more digits than the context holds
        return str(value)
    if amount == 0:
        amount = abs(amount)  # never "-0.00"
    return f"{amount:,.{places}f}"


def signed(value) -> str:
    """A change with its sign, as the summary's DOCX shows it: 3 → "+3", -2 → "-2", 0 → "0"."""
    if value is None or value == "":
        return "—"
    number = int(value)
    return f"{number:+d}" if number else "0"
