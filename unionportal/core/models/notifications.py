"""The in-app bell (站内通知)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Kind(models.TextChoices):
        EMERGENCY = "emergency", "突发信息"
        GRADED = "graded", "审核结果"
        RETURNED = "returned", "退回修改"
        REMINDER = "reminder", "提醒"
        SUMMARY = "summary", "月度分析研判"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name="接收人"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    # The report a notice is about, declared by label (core imports no app): opening the report
    # marks its notices read.
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        db_table = "reports_notification"  # kept from before core existed, so no row moves
        verbose_name = verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx")]

    def __str__(self):
        return self.title
