"""Signed-in sessions, one row each, written at login: what a user sees under 我的登录会话 and what
ends when they end one, are stopped, or lose their second factor. The session itself stays in the
session store (database or Redis); this row only names it."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class UserSession(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_sessions", verbose_name="用户"
    )
    session_key = models.CharField("会话标识", max_length=64, unique=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    created_at = models.DateTimeField("登录时间", default=timezone.now)
    last_seen = models.DateTimeField("最近活动", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "登录会话"
        ordering = ["-last_seen", "-id"]
        indexes = [models.Index(fields=["user", "last_seen"], name="user_session_user_idx")]

    def __str__(self):
        return f"{self.user_id} {self.ip_address or ''} {self.created_at:%Y-%m-%d %H:%M}"
