"""Rows kept for the safety of accounts (imported by officers.models, so Django sees them):
the hashes of passwords an account had, and the wrong sign-in codes an officer typed.
Declared by label, so this module imports no other model module."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class PasswordHistory(models.Model):
    """A password an account had (its hash only): a new password may not be one of them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history", verbose_name="用户"
    )
    password = models.CharField("密码哈希", max_length=128)
    created_at = models.DateTimeField("停用时间", default=timezone.now)

    class Meta:
        app_label = "officers"
        verbose_name = verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="password_history_user_idx")]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class SignInFailure(models.Model):
    """One wrong (or expired, or replaced) sign-in code typed by an officer: counted to throttle them."""

    officer = models.ForeignKey(
        "officers.Officer", on_delete=models.CASCADE, related_name="sign_in_failures", verbose_name="信息员"
    )
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        app_label = "officers"
        verbose_name = verbose_name_plural = "签到码错误记录"
        indexes = [models.Index(fields=["officer", "at"], name="signin_failure_officer_idx")]

    def __str__(self):
        return f"{self.officer_id} {self.at}"
