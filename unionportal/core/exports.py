"""The one place every export passes text through, so no cell can be read as a formula."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """OWASP CSV-injection rule: text starting with = + - @ tab or CR gets a leading apostrophe.

    Numbers are left alone (a negative amount is data, not a formula); only text is escaped.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
