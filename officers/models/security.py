"""The security administrator's policy (等保 2.0: 口令、会话、双因素): one row, read at login only, so
no signed-in request pays for it. Defaults come from settings."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


def default_staff_idle():
    return settings.STAFF_IDLE_MINUTES


def default_officer_idle():
    return settings.OFFICER_IDLE_MINUTES


def default_staff_password_days():
    return settings.STAFF_PASSWORD_MAX_AGE_DAYS


def default_officer_password_days():
    return settings.OFFICER_PASSWORD_MAX_AGE_DAYS


def default_officer_totp():
    return settings.OFFICER_TOTP_REQUIRED


class SecurityPolicy(models.Model):
    staff_idle_minutes = models.PositiveIntegerField(
        "工作人员空闲退出（分钟）",
        default=default_staff_idle,
        validators=[MinValueValidator(5), MaxValueValidator(60)],
    )
    officer_idle_minutes = models.PositiveIntegerField(
        "信息员空闲退出（分钟）",
        default=default_officer_idle,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    staff_password_days = models.PositiveIntegerField(
        "工作人员密码有效期（天）",
        default=default_staff_password_days,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    officer_password_days = models.PositiveIntegerField(
        "信息员密码有效期（天，0 为不限）",
        default=default_officer_password_days,
        validators=[MaxValueValidator(3650)],
    )
    officer_totp_required = models.BooleanField("信息员也须使用动态码登录", default=default_officer_totp)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="修改人",
    )

    class Meta:
        app_label = "officers"
        verbose_name = verbose_name_plural = "安全策略"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="security_policy_single_row")]

    def __str__(self):
        return "安全策略"

    @classmethod
    def current(cls) -> "SecurityPolicy":
        """The one row, or the settings' defaults when none was saved (not written on a read)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def idle_seconds(self, user) -> int:
        minutes = self.officer_idle_minutes if user.is_officer else self.staff_idle_minutes
        return minutes * 60

    def password_days(self, user) -> int:
        return self.officer_password_days if user.is_officer else self.staff_password_days

    def second_factor_required(self, user) -> bool:
        return user.needs_second_factor or self.officer_totp_required
