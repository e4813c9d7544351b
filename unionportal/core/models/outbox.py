"""The one delivery outbox: every notice that leaves the portal, on every channel."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboxMessage(models.Model):
    """One notice to one recipient on one channel, written in the same transaction as the fact it
    reports. ``key`` is unique, so whatever writes it twice (a retried job, a second worker) writes
    it once; the state machine (pending → sending → sent, or failed with the reason) makes sure it is
    sent at most once. Delivery is ``unionportal.core.outbox``'s business alone."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", "站内通知"
        EMAIL = "email", "电子邮件"
        SMS = "sms", "短信"
        WECOM = "wecom", "企业微信群"
        DINGTALK = "dingtalk", "钉钉群"

    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    key = models.CharField("唯一标识", max_length=160, unique=True)
    kind = models.CharField("类别", max_length=40, help_text="如 alert（突发信息提醒）、reminder（提醒）")
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    urgent = models.BooleanField("紧急", default=False, help_text="紧急的走 alerts 队列")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="接收人",
    )
    address = models.CharField(
        "地址", max_length=254, blank=True, help_text="邮箱或手机号，群消息为群（渠道）名称，写入时的快照"
    )
    # The county channel that carries it: a group robot (required), or an SMS gateway (none: the
    # site's SMS_BACKEND). Declared by label: core imports no app. Kept while messages point to it.
    channel_setting = models.ForeignKey(
        "officers.ChannelSetting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name="通知渠道",
    )
    # A gateway's template takes parameters, not free text: [[name, value], ...] in the template's order.
    params = models.JSONField("模板参数", default=list, blank=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    # The in-app notice this message becomes, and the report it is about (declared by label: core
    # imports no app).
    notification_kind = models.CharField("站内通知类型", max_length=12, blank=True)
    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="报送信息"
    )
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    claimed_at = models.DateTimeField("开始发送时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "消息发送队列"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="outbox_due_idx"),
            models.Index(fields=["kind", "state"], name="outbox_kind_idx"),
        ]
        constraints = [
            # Where a message goes is part of it: an email or SMS without an address cannot be sent,
            # a group message goes to a group robot (the county's channel), not to a person.
            models.CheckConstraint(
                condition=Q(channel="in_app", recipient__isnull=False)
                | (Q(channel__in=["email", "sms"]) & ~Q(address=""))
                | Q(channel__in=["wecom", "dingtalk"], channel_setting__isnull=False),
                name="outbox_has_destination",
            ),
            models.CheckConstraint(condition=~Q(state="sent") | Q(sent_at__isnull=False), name="outbox_sent_has_time"),
        ]

    def __str__(self):
        to = self.address or self.recipient_id
        return f"{self.get_kind_label()} → {to}（{self.get_channel_display()}，{self.get_state_display()}）"

    def get_kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


KIND_LABELS = {"alert": "突发信息提醒", "reminder": "提醒", "digest": "待审核汇总", "instruction": "领导批示"}
