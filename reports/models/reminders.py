"""Reminders: one per person, kind and period (their messages go through the one outbox)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from officers.models import County
from officers.scoping import apply_scope


class ReminderQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Admins see what was sent and to whom in their county; everyone sees their own.
        if user is not None and user.is_authenticated and user.is_portal_admin:
            return apply_scope(self, user, county="county")
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)


class Reminder(models.Model):
    """One reminder per person, kind and period: the unique row is what makes a job that runs
    twice, on two workers or after a crash, send nothing twice."""

    class Kind(models.TextChoices):
        QUOTA_FIRST = "quota_20", "本月报送提醒（20日）"
        QUOTA_LAST = "quota_27", "本月报送提醒（27日）"
        REVIEW_DIGEST = "review_digest", "待审核信息汇总"
        SUMMARY_READY = "summary_ready", "月度分析研判材料已生成"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", verbose_name="接收人"
    )
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+", verbose_name="县区")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    period = models.DateField("期间", help_text="月度提醒为该月1日，每日汇总为当天")
    text = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("时间", default=timezone.now)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "提醒记录"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "period"], name="reminder_once_per_period"),
        ]
        indexes = [models.Index(fields=["county", "kind", "period"], name="reminder_county_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}（{self.period}）"
