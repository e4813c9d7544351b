from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError


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
