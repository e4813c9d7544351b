"""The one place every export passes text through: no cell can be read as a formula, and no stored
text can hold a character that Excel's or Word's XML cannot (so no stored text can break a file)."""

import re

# ASCII = + - @, tab and CR, and their full-width forms (＝ ＋ － ＠), which Excel also reads as
# the start of a formula when typed with a Chinese input method.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# What XML 1.0 cannot hold: C0 controls other than tab, LF and CR; lone surrogates; U+FFFE/U+FFFF.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value):
    """Text with every character an .xlsx or .docx cannot hold removed; anything else as it is.

    Every writer of xlsx and docx (and the CSV exports, so that a file says the same in both
    formats) passes its text through here, directly or through ``escape_formula``.
    """
    if isinstance(value, str):
        return XML_ILLEGAL.sub("", value)
    return value


def escape_formula(value):
    """A cell's value as written: XML-safe, and text starting with = + - @ tab or CR (or full-width
    ＝ ＋ － ＠) gets a leading apostrophe (OWASP CSV-injection rule).

    Numbers are left alone (a negative amount is data, not a formula); only text is escaped.
    """
    value = xml_safe(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
