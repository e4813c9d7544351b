"""Deliveries of emergency alerts and reminders."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from officers.models import County
from officers.scoping import apply_scope

from .report import Report


class AlertDelivery(models.Model):
    """The outbox of emergency alerts: written with the report in one transaction, delivered by a
    Celery task, swept again while undelivered. One row per report, recipient and channel, so no
    one is alerted twice."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", "站内通知"
        EMAIL = "email", "电子邮件"

    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="alerts", verbose_name="报送信息")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="接收人"
    )
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    claimed_at = models.DateTimeField("开始发送时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "突发信息提醒"
        constraints = [
            models.UniqueConstraint(fields=["report", "recipient", "channel"], name="alert_once_per_channel"),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="alert_pending_idx")]

    def __str__(self):
        return f"{self.report_id} → {self.recipient_id}（{self.get_channel_display()}，{self.get_state_display()}）"


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

    class Channel(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        NONE = "none", "无"
        FAILED = "failed", "发送失败"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", verbose_name="接收人"
    )
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+", verbose_name="县区")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    period = models.DateField("期间", help_text="月度提醒为该月1日，每日汇总为当天")
    text = models.CharField("内容", max_length=300)
    email_state = models.CharField("邮件", max_length=10, choices=Channel.choices, default=Channel.NONE)
    sms_state = models.CharField("短信", max_length=10, choices=Channel.choices, default=Channel.NONE)
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
