"""A county's notice channels (通知渠道): its 企业微信/钉钉 group robots and its SMS gateway, each
with its keys and with what it carries. Delivery is core's business (``unionportal.core.channels``
behind the one outbox); this only keeps the settings, by county."""

from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from unionportal.core import channels as core_channels
from unionportal.core.validators import single_line_text

from .. import rules
from ..scoping import apply_scope


class ChannelSettingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Keys and secrets: the county's admins only (reviewers and officers see none)."""
        return apply_scope(self, user, county="county", admins_only=True)

    def carrying(self, *, county_id: int, notice_kind: str):
        """The county's enabled channels that carry this kind of notice (see ``ChannelSetting.PURPOSES``)."""
        flag = ChannelSetting.PURPOSES[notice_kind]
        return self.filter(county_id=county_id, enabled=True, **{flag: True}).order_by("pk")


def _any_flag(flags) -> Q:
    return reduce(or_, (Q(**{flag: True}) for flag in flags))


class ChannelSetting(models.Model):
    # A notice's kind (the outbox message's ``kind``) → the flag of the channels that carry it.
    PURPOSES = {
        "alert": "for_alerts",
        "digest": "for_digests",
        "reminder": "for_reminders",
        "supervision": "for_supervision",
    }

    class Kind(models.TextChoices):
        WECOM = core_channels.WECOM, "企业微信群机器人"
        DINGTALK = core_channels.DINGTALK, "钉钉群机器人"
        ALIYUN_SMS = core_channels.ALIYUN_SMS, "阿里云短信"
        TENCENT_SMS = core_channels.TENCENT_SMS, "腾讯云短信"
        HTTP_SMS = core_channels.HTTP_SMS, "短信网关（HTTP 接口）"

    county = models.ForeignKey(
        "officers.County", on_delete=models.PROTECT, related_name="channels", verbose_name="县区"
    )
    kind = models.CharField("渠道类型", max_length=16, choices=Kind.choices)
    name = models.CharField(
        "名称", max_length=50, help_text="如“县总工会值班群”“县总工会短信平台”", validators=[single_line_text]
    )
    enabled = models.BooleanField("启用", default=True)
    webhook_url = models.CharField(
        "Webhook / 网关地址",
        max_length=500,
        blank=True,
        help_text="群机器人的 Webhook 地址（含 key 或 access_token），或短信网关的接口地址",
    )
    key_id = models.CharField(
        "AccessKey ID / SecretId / 账号",
        max_length=128,
        blank=True,
        help_text="阿里云 AccessKey ID、腾讯云 SecretId 或短信网关账号",
    )
    secret = models.CharField(
        "密钥",
        max_length=256,
        blank=True,
        help_text="钉钉“加签”密钥（SEC 开头）、阿里云 AccessKey Secret、腾讯云 SecretKey 或短信网关共享密钥",
    )
    app_id = models.CharField("SmsSdkAppId", max_length=64, blank=True, help_text="腾讯云短信应用 ID")
    region = models.CharField("地域", max_length=32, blank=True, help_text="腾讯云地域，默认 ap-guangzhou")
    endpoint = models.CharField("接口域名（可选）", max_length=200, blank=True, help_text="留空使用官方默认域名")
    sign_name = models.CharField(
        "短信签名", max_length=30, blank=True, help_text="在短信平台登记并审核通过的签名", validators=[single_line_text]
    )
    reminder_template = models.CharField(
        "报送提醒模板编号", max_length=64, blank=True, help_text="在短信平台登记的模板编号，参数：month、done、quota"
    )
    commission_template = models.CharField(
        "约稿通知模板编号",
        max_length=64,
        blank=True,
        help_text="在短信平台登记的模板编号，参数：topic（约稿主题）、due（截止日期）",
    )
    markdown = models.BooleanField("以 Markdown 格式发送", default=False)
    for_alerts = models.BooleanField("接收突发信息提醒", default=False, help_text="群机器人：有突发信息报送时通知本群")
    for_digests = models.BooleanField(
        "接收每日待审核汇总", default=False, help_text="群机器人：每天上午把本县区超过两天仍待审核的条数发到本群"
    )
    for_supervision = models.BooleanField(
        "接收红色督办提醒",
        default=False,
        help_text="群机器人：督办事项逾期转为红色时通知本群（只含事项类别和链接，不含信息内容和人员姓名）",
    )
    for_reminders = models.BooleanField(
        "发送信息员报送提醒短信", default=False, help_text="短信渠道：信息员的报送提醒短信经此网关发送"
    )
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    objects = ChannelSettingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "通知渠道"
        ordering = ["county", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "name"],
                name="channel_name_unique_per_county",
                violation_error_message="本县区已有同名的通知渠道",
            ),
            # Group robots carry alerts and digests to staff; SMS gateways carry reminders to officers.
            models.CheckConstraint(
                condition=~(Q(kind__in=core_channels.GROUP_KINDS) & _any_flag(rules.SMS_FLAGS))
                & ~(Q(kind__in=core_channels.SMS_KINDS) & _any_flag(rules.GROUP_FLAGS)),
                name="channel_carries_what_it_can",
                violation_error_message="群机器人只接收工作群通知（突发信息提醒、每日待审核汇总、红色督办提醒），短信渠道只发送报送提醒",
            ),
            # Reminders go through one gateway per county.
            models.UniqueConstraint(
                fields=["county"],
                condition=Q(enabled=True, for_reminders=True),
                name="one_reminder_gateway_per_county",
                violation_error_message="本县区已有启用的报送提醒短信网关，请先停用它或取消勾选",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"

    def clean(self):
        problems = rules.channel_problems(
            self.kind, {f.name: getattr(self, f.name) for f in self._meta.concrete_fields}
        )
        if problems:
            raise ValidationError(problems)

    def purpose_labels(self) -> list[str]:
        """What it carries, in words (突发信息提醒、每日待审核汇总 …), for the admin's pages."""
        return [label for flag, label in (rules.GROUP_FLAGS | rules.SMS_FLAGS).items() if getattr(self, flag)]

    @property
    def is_group(self) -> bool:
        return self.kind in core_channels.GROUP_KINDS

    @property
    def outbox_channel(self) -> str:
        """The outbox channel of its messages: the group robot's own, or SMS."""
        return self.kind if self.is_group else "sms"

    def config(self) -> core_channels.ChannelConfig:
        return core_channels.ChannelConfig(
            kind=self.kind,
            name=self.name,
            webhook_url=self.webhook_url,
            key_id=self.key_id,
            secret=self.secret,
            app_id=self.app_id,
            region=self.region,
            endpoint=self.endpoint,
            sign_name=self.sign_name,
            # The notice kind (the outbox message's) → the gateway's registered template for it.
            templates={
                kind: template
                for kind, template in (("reminder", self.reminder_template), ("commission", self.commission_template))
                if template
            },
            markdown=self.markdown,
        )
