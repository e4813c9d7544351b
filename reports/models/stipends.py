"""Stipends (考核评价): the settings, the approved sheets and their history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from officers.models import County, Officer
from officers.scoping import apply_scope
from unionportal.core.constraints import CheckConstraintsInOneQuery
from unionportal.core.validators import multiline_text

from ..choices import Tier
from ..rules import back_pay_note


class StipendSettingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="county")


class StipendSetting(CheckConstraintsInOneQuery, models.Model):
    """The monthly quota and the three amounts, effective from a month on; a past month keeps the
    values that applied to it."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="stipend_settings", verbose_name="县区")
    effective_from = models.DateField("起始月份", help_text="从该月起执行（填该月1日）")
    quota = models.PositiveSmallIntegerField("每月任务条数", default=1, validators=[MinValueValidator(1)])
    amount_qualified = models.PositiveIntegerField("合格（元）", default=100)
    amount_good = models.PositiveIntegerField("良好（元）", default=200)
    amount_excellent = models.PositiveIntegerField("优秀（元）", default=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="设置人",
    )
    created_at = models.DateTimeField("设置时间", default=timezone.now)

    objects = StipendSettingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "补助标准"
        ordering = ["county", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["county", "effective_from"], name="stipend_setting_one_per_month"),
            models.CheckConstraint(condition=Q(effective_from__day=1), name="stipend_setting_starts_on_first"),
            models.CheckConstraint(condition=Q(quota__gte=1), name="stipend_setting_quota_positive"),
        ]

    def __str__(self):
        amounts = f"{self.amount_qualified}/{self.amount_good}/{self.amount_excellent}"
        return f"{self.county.name} {self.effective_from:%Y-%m} 起：任务 {self.quota} 条，{amounts} 元"

    def clean(self):
        if self.effective_from and self.effective_from.day != 1:
            self.effective_from = self.effective_from.replace(day=1)
        if not (self.amount_qualified <= self.amount_good <= self.amount_excellent):
            raise ValidationError("补助金额应满足：合格 ≤ 良好 ≤ 优秀")
        # A past month keeps the values that applied to it (contract section 3).
        this_month = timezone.localdate().replace(day=1)
        if self.effective_from and self.effective_from < this_month:
            raise ValidationError({"effective_from": "只能设置本月及以后执行的标准，过去的月份保持当时的标准"})
        if self.pk:
            started = StipendSetting.objects.filter(pk=self.pk, effective_from__lt=this_month).exists()
            if started:
                raise ValidationError("已开始执行的标准不能修改，请新增一条从本月或以后起执行的标准")


class StipendSheetQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Sheets are the admins' (and finance's through them): reviewers and officers see none.
        return apply_scope(self, user, county="county", admins_only=True)


class StipendSheet(CheckConstraintsInOneQuery, models.Model):
    """A county's month. While open it is computed from the reports; approved, it is a snapshot."""

    class State(models.TextChoices):
        OPEN = "open", "未审批"
        APPROVED = "approved", "已审批"

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="stipend_sheets", verbose_name="县区")
    month = models.DateField("月份")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    quota = models.PositiveSmallIntegerField("任务条数", null=True, blank=True)
    amount_qualified = models.PositiveIntegerField("合格（元）", null=True, blank=True)
    amount_good = models.PositiveIntegerField("良好（元）", null=True, blank=True)
    amount_excellent = models.PositiveIntegerField("优秀（元）", null=True, blank=True)
    total = models.DecimalField("合计（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审批人",
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)

    objects = StipendSheetQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "每月补助表"
        ordering = ["county", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["county", "month"], name="stipend_sheet_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="stipend_sheet_month_first_day"),
            models.CheckConstraint(
                condition=Q(state="open") | Q(approved_at__isnull=False, total__isnull=False),
                name="stipend_sheet_approved_has_snapshot",
            ),
        ]

    def __str__(self):
        return f"{self.county.name} {self.month:%Y年%m月} 补助表（{self.get_state_display()}）"


class StipendSheetRow(models.Model):
    """One officer's line of an approved sheet, as it was when approved."""

    sheet = models.ForeignKey(StipendSheet, on_delete=models.CASCADE, related_name="rows", verbose_name="补助表")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+", verbose_name="信息员")
    position = models.PositiveIntegerField("序号")
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号", max_length=11)
    employer = models.CharField("工作单位", max_length=100, blank=True)
    township = models.CharField("镇区街道", max_length=50, blank=True)
    submitted_count = models.PositiveIntegerField("报送条数")
    valid_count = models.PositiveIntegerField("有效条数")
    tier = models.CharField("考核等级", max_length=12, choices=Tier.choices)
    amount = models.PositiveIntegerField("补助金额（元）")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "补助表明细"
        ordering = ["sheet", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "officer"], name="stipend_row_once_per_officer"),
            models.UniqueConstraint(fields=["sheet", "position"], name="stipend_row_position_unique"),
        ]

    def __str__(self):
        return f"{self.position}. {self.name} {self.get_tier_display()} {self.amount}"


class SheetEvent(models.Model):
    class Action(models.TextChoices):
        APPROVE = "approve", "审批"
        REOPEN = "reopen", "撤销审批"

    sheet = models.ForeignKey(StipendSheet, on_delete=models.CASCADE, related_name="events", verbose_name="补助表")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="操作人"
    )
    reason = models.TextField("原因", blank=True, validators=[multiline_text])
    total = models.DecimalField("合计（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "补助表审批记录"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class BackPayQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="county", admins_only=True)


class BackPay(models.Model):
    """补发: the difference an adoption above the county, recorded after a month's sheet was approved,
    makes to that month's tier; carried (paid) on the first sheet of the county approved after it.

    ``source_sheet`` is the approved sheet whose frozen tier was raised; ``paid_on`` the sheet that
    carries the money. Reopening ``paid_on`` deletes the row: the difference is owed again and the next
    approval carries it; so each difference is paid exactly once."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name="县区")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="back_pays", verbose_name="信息员")
    month = models.DateField("补发月份")
    source_sheet = models.ForeignKey(
        StipendSheet, on_delete=models.PROTECT, related_name="back_pays_owed", verbose_name="原补助表"
    )
    paid_on = models.ForeignKey(
        StipendSheet, on_delete=models.CASCADE, related_name="back_pays", verbose_name="补发所在补助表"
    )
    from_tier = models.CharField("原考核等级", max_length=12, choices=Tier.choices)
    to_tier = models.CharField("调整后等级", max_length=12, choices=Tier.choices)
    amount = models.PositiveIntegerField("补发金额（元）", validators=[MinValueValidator(1)])
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = BackPayQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "补发记录"
        ordering = ["paid_on", "officer", "month"]
        constraints = [
            models.UniqueConstraint(fields=["paid_on", "officer", "month"], name="back_pay_once_per_sheet"),
            models.CheckConstraint(condition=Q(month__day=1), name="back_pay_month_first_day"),
            models.CheckConstraint(condition=Q(amount__gte=1), name="back_pay_amount_positive"),
            models.CheckConstraint(condition=~Q(source_sheet=models.F("paid_on")), name="back_pay_not_own_sheet"),
        ]
        indexes = [models.Index(fields=["officer", "month"], name="back_pay_officer_month_idx")]

    def __str__(self):
        return back_pay_note(self.month, self.amount)
