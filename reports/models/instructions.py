"""Leader instructions (领导批示) on an item, and the follow-up (落实) each one opens.

An instruction is written on an item a unit used: an officer's report (through a bulletin item, or
a forwarded item once forwarding is wired in). The county that sent the item must report back what
was done: the follow-up has an owner and a due date, and stays on the owner's home page until its
feedback (反馈) is recorded.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from officers.models import County, Region
from officers.scoping import apply_scope
from unionportal.core.attachments import attachment_path, attachment_storage
from unionportal.core.validators import multiline_text, single_line_text

from .bulletins import BulletinItem
from .report import Report


class InstructionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The county that sent the item, the unit that recorded it and the units above them (a city
        sees its counties' instructions: the overdue ones stand out on its dashboard); the officer
        whose item it is (the text only when staff chose so: see ``officer_sees_text``)."""
        return apply_scope(
            self, user, county="county", region="recorded_region", county_below=True, owner="report__officer__user"
        )


class Instruction(models.Model):
    class Rank(models.TextChoices):
        COUNTY = "county", "县级"
        CITY = "city", "市级"
        PROVINCE = "province", "省级及以上"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="instructions", verbose_name="信息")
    bulletin_item = models.ForeignKey(
        BulletinItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name="刊物条目",
    )
    # The item forwarded to a unit above that the leader wrote on (by label: forwarding sits beside).
    forwarded_item = models.ForeignKey(
        "reports.ForwardedItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name="上报信息",
    )
    # The county that sent the item (the report's): it is told and reports back.
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="instructions", verbose_name="县区")
    # The unit above that recorded it (a city's staff on its bulletin's item); None for the county's own.
    recorded_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="登记单位"
    )
    leader = models.CharField(
        "批示领导", max_length=100, validators=[single_line_text], help_text="如：市委副书记 王某某"
    )
    rank = models.CharField("批示层级", max_length=10, choices=Rank.choices)
    text = models.TextField("批示内容", validators=[multiline_text, MaxLengthValidator(2000)])
    given_on = models.DateField("批示日期")
    officer_sees_text = models.BooleanField(
        "信息员可见批示内容", default=False, help_text="不勾选时，信息员只知道所报信息获得了领导批示"
    )
    scan = models.FileField(
        "批示扫描件", storage=attachment_storage, upload_to=attachment_path, max_length=200, blank=True
    )
    scan_name = models.CharField("扫描件原文件名", max_length=200, blank=True)
    scan_type = models.CharField("扫描件类型", max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = InstructionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "领导批示"
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(rank__in=["county", "city", "province"]), name="instruction_rank_valid"),
        ]
        indexes = [models.Index(fields=["county", "given_on"], name="instruction_county_date_idx")]

    def __str__(self):
        return f"{self.leader}（{self.get_rank_display()}）批示：{self.report.title}"


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(instruction__in=Instruction.objects.visible_to(user).values("pk"))

    def open(self):
        return self.filter(feedback_at__isnull=True)

    def overdue(self, today):
        return self.filter(feedback_at__isnull=True, due_on__lt=today)


class FollowUp(models.Model):
    """落实: who must report back what was done about an instruction, by when, and the 反馈 itself."""

    instruction = models.OneToOneField(
        Instruction, on_delete=models.CASCADE, related_name="follow_up", verbose_name="批示"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups", verbose_name="落实责任人"
    )
    due_on = models.DateField("反馈期限")
    feedback = models.TextField("落实反馈", blank=True, validators=[multiline_text, MaxLengthValidator(4000)])
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="反馈人",
    )
    feedback_at = models.DateTimeField("反馈时间", null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "批示落实"
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(feedback_at__isnull=True) | ~Q(feedback=""), name="follow_up_feedback_has_text"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "feedback_at"], name="follow_up_owner_idx"),
            models.Index(fields=["feedback_at", "due_on"], name="follow_up_due_idx"),
        ]

    def __str__(self):
        return f"落实：{self.instruction.report.title}（期限 {self.due_on:%Y-%m-%d}）"

    @property
    def is_done(self) -> bool:
        return self.feedback_at is not None

    def state_label(self, today=None) -> str:
        today = today or timezone.localdate()
        if self.feedback_at:
            return "已反馈"
        return "已逾期" if self.due_on < today else "落实中"
