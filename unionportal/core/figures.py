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
