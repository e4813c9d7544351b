import re

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible


class ChineseMinimumLengthValidator(MinimumLengthValidator):
    """Django 5.2's zh-Hans catalogue leaves this message in English; say it in Chinese."""

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码太短，至少需要 {self.min_length} 个字符。",
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"


def money_messages(*, max_digits: int = 14, decimal_places: int = 2) -> dict[str, str]:
    """A money field's errors in yuan, instead of Django's "no more than 14 digits in total"."""
    largest = f"{'9' * (max_digits - decimal_places)}.{'9' * decimal_places}"
    too_big = f"金额过大，不能超过 {largest} 元"
    return {
        "max_digits": too_big,
        "max_whole_digits": too_big,
        "max_decimal_places": f"金额最多保留 {decimal_places} 位小数（到分）",
        "invalid": "请输入金额数字，如 1200.50",
    }


# C0 and C1 control characters and DEL.
CONTROL_CHARACTERS = "".join(chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0)))


@deconstructible
class ControlCharacterValidator:
    """Free text holds no control characters: they cannot be shown, printed or written to Excel or
    Word. Long text (``multiline``) may keep tabs and line breaks.

    Every free-text model field carries one of the two instances below, so forms, services
    (``full_clean()``) and imports all refuse the same text with the same message.
    """

    message = "不能包含控制字符"
    code = "control_characters"

    def __init__(self, multiline: bool = False):
        self.multiline = multiline
        allowed = "\t\n\r" if multiline else ""
        self.pattern = re.compile("[" + "".join(c for c in CONTROL_CHARACTERS if c not in allowed) + "\ufffe\uffff]")

    def __call__(self, value):
        if isinstance(value, str) and self.pattern.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator) and self.multiline == other.multiline

    def __hash__(self):
        return hash(("ControlCharacterValidator", self.multiline))


# A one-line field (a title, a name, a place) and a long text (report content, notes, minutes).
single_line_text = ControlCharacterValidator()
multiline_text = ControlCharacterValidator(multiline=True)


class PasswordComplexityValidator:
    """At least ``min_length`` characters of at least ``min_kinds`` kinds: capitals, small letters,
    digits, other signs (等保 2.0: 口令复杂度)."""

    KINDS = (
        ("大写字母", re.compile(r"[A-Z]")),
        ("小写字母", re.compile(r"[a-z]")),
        ("数字", re.compile(r"[0-9]")),
        ("符号", re.compile(r"[^A-Za-z0-9]")),
    )

    def __init__(self, min_length: int = 8, min_kinds: int = 3):
        self.min_length = min_length
        self.min_kinds = min_kinds

    def kinds(self, password: str) -> int:
        return sum(1 for _, pattern in self.KINDS if pattern.search(password))

    def validate(self, password, user=None):
        if len(password) < self.min_length or self.kinds(password) < self.min_kinds:
            raise ValidationError(self.get_help_text(), code="password_not_complex")

    def get_help_text(self):
        return f"密码须至少 {self.min_length} 位，并包含大写字母、小写字母、数字、符号中的至少 {self.min_kinds} 种。"
