"""Personal information (个人信息保护法): the processing notice and its versions, each officer's
acceptance of one, and an officer's request to correct what is held about them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from unionportal.core.attachments import attachment_path, attachment_storage
from unionportal.core.validators import multiline_text, single_line_text

from ..scoping import apply_scope
from .officer import Officer


class ProcessingNotice(models.Model):
    """个人信息处理告知书: the newest published version is the one an officer must have accepted."""

    version = models.PositiveIntegerField("版本号", unique=True)
    title = models.CharField("标题", max_length=100, default="个人信息处理告知书", validators=[single_line_text])
    text = models.TextField("告知内容", validators=[multiline_text])
    published_at = models.DateTimeField("发布时间", default=timezone.now)

    class Meta:
        app_label = "officers"
        verbose_name = verbose_name_plural = "个人信息处理告知书"
        ordering = ["-version"]

    def __str__(self):
        return f"{self.title}（第 {self.version} 版）"

    @classmethod
    def current(cls):
        return cls.objects.filter(published_at__lte=timezone.now()).order_by("-version").first()


class ConsentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="officer__county", owner="officer__user")


class NoticeConsent(models.Model):
    """An officer was shown a version of the notice and consented: on paper (a signed, scanned copy
    uploaded by the county) or on screen at login."""

    class Method(models.TextChoices):
        PAPER = "paper", "纸质签字（扫描件）"
        ONLINE = "online", "登录时在线确认"

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="consents", verbose_name="信息员")
    notice = models.ForeignKey(ProcessingNotice, on_delete=models.PROTECT, related_name="+", verbose_name="告知书")
    method = models.CharField("方式", max_length=8, choices=Method.choices)
    accepted_at = models.DateTimeField("同意时间", default=timezone.now)
    sensitive_consent = models.BooleanField(
        "单独同意处理敏感个人信息", default=False, help_text="如工伤案件中的健康信息；未单独同意的，平台不收集"
    )
    scan = models.FileField(
        "签字扫描件", storage=attachment_storage, upload_to=attachment_path, max_length=200, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记人",
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        app_label = "officers"
        verbose_name = verbose_name_plural = "告知同意记录"
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "notice"], name="consent_once_per_notice"),
            models.CheckConstraint(condition=~Q(method="paper") | ~Q(scan=""), name="consent_paper_has_scan"),
        ]

    def __str__(self):
        return f"{self.officer} 第{self.notice.version}版 {self.get_method_display()}"


class CorrectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="officer__county", owner="officer__user")


class CorrectionRequest(models.Model):
    """An officer asks for what is held about them to be corrected: a task for the county admin."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        DONE = "done", "已更正"
        DECLINED = "declined", "不予更正"

    officer = models.ForeignKey(
        Officer, on_delete=models.CASCADE, related_name="correction_requests", verbose_name="信息员"
    )
    text = models.TextField("需要更正的内容", max_length=1000, validators=[multiline_text])
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="处理人",
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    reply = models.CharField("处理说明", max_length=300, blank=True, validators=[single_line_text])

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        app_label = "officers"
        verbose_name = verbose_name_plural = "信息更正申请"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="correction_status_idx")]

    def __str__(self):
        return f"{self.officer} {self.created_at:%Y-%m-%d}"
