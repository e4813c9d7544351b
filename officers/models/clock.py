"""The clock of a county's deadlines: the national working calendar (holidays and 调休 make-up working
days, as data the admin keeps up to date) and each county's deadlines per risk level, effective from a
date. The arithmetic is pure: ``officers.rules.deadline_after``."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from unionportal.core.constraints import CheckConstraintsInOneQuery
from unionportal.core.validators import single_line_text

from .. import rules
from ..scoping import apply_scope
from .registry import County


class WorkCalendarDay(models.Model):
    """A day that differs from the ordinary week: a holiday on a weekday (放假) or a weekend day worked
    (调休上班). Every other Monday–Friday is a working day, every other Saturday and Sunday is not."""

    day = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("上班", help_text="勾选：调休上班日；不勾选：放假日")
    name = models.CharField("说明", max_length=50, validators=[single_line_text], help_text="如“春节”“春节调休上班”")
    source = models.CharField(
        "依据", max_length=100, blank=True, validators=[single_line_text], help_text="如国务院办公厅通知的文号"
    )

    class Meta:
        verbose_name = verbose_name_plural = "工作日历（节假日与调休）"
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {'上班' if self.is_workday else '放假'} {self.name}"


class DeadlineSettingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="county")

    def in_force(self, *, county_id: int, on: date):
        return self.filter(county_id=county_id, effective_from__lte=on).order_by("-effective_from").first()


def _hours(label, default):
    return models.PositiveIntegerField(
        label, default=default, validators=[MinValueValidator(1), MaxValueValidator(24 * 90)]
    )


def _days(label, default):
    return models.PositiveIntegerField(
        label, default=default, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )


class DeadlineSetting(CheckConstraintsInOneQuery, models.Model):
    """A county's clocks from a date on: each risk level's response and handling deadlines, counted in
    calendar time or in working time, and the days an instalment may be late before 可申请支付令. A
    deadline set before keeps the values that applied when it was set."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="deadline_settings", verbose_name="县区")
    effective_from = models.DateField("起始日期", help_text="从该日起执行")
    working_days = models.BooleanField(
        "按工作日计算", default=False, help_text="勾选：时限只在工作日内计算（周末和法定节假日不计，调休上班日计）"
    )
    red_response_hours = _hours("红色：响应时限（小时）", rules.DEFAULT_DEADLINES["red"][0])
    red_handling_days = _days("红色：处置时限（天）", rules.DEFAULT_DEADLINES["red"][1])
    orange_response_hours = _hours("橙色：响应时限（小时）", rules.DEFAULT_DEADLINES["orange"][0])
    orange_handling_days = _days("橙色：处置时限（天）", rules.DEFAULT_DEADLINES["orange"][1])
    yellow_response_hours = _hours("黄色：响应时限（小时）", rules.DEFAULT_DEADLINES["yellow"][0])
    yellow_handling_days = _days("黄色：处置时限（天）", rules.DEFAULT_DEADLINES["yellow"][1])
    blue_response_hours = _hours("蓝色：响应时限（小时）", rules.DEFAULT_DEADLINES["blue"][0])
    blue_handling_days = _days("蓝色：处置时限（天）", rules.DEFAULT_DEADLINES["blue"][1])
    payment_order_grace_days = models.PositiveSmallIntegerField(
        "分期逾期宽限（天）",
        default=rules.DEFAULT_PAYMENT_ORDER_GRACE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="调解协议的一期逾期超过该天数未付，提示可申请支付令（司法确认后为强制执行）",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="设置人",
    )
    created_at = models.DateTimeField("设置时间", default=timezone.now)

    objects = DeadlineSettingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "风险处置时限设置"
        ordering = ["county", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["county", "effective_from"], name="deadline_setting_one_per_day"),
            models.CheckConstraint(
                condition=Q(payment_order_grace_days__gte=1), name="deadline_setting_grace_positive"
            ),
        ]

    def __str__(self):
        return f"{self.county.name} {self.effective_from:%Y-%m-%d} 起的处置时限"

    def terms(self) -> rules.DeadlineTerms:
        return rules.DeadlineTerms(
            working_days=self.working_days,
            levels={
                level: (getattr(self, f"{level}_response_hours"), getattr(self, f"{level}_handling_days"))
                for level in rules.RISK_LEVELS
            },
            payment_order_grace_days=self.payment_order_grace_days,
        )

    def clean(self):
        problem = rules.deadline_terms_problem(self.terms())
        if problem:
            raise ValidationError(problem)
        # A deadline set before keeps the values that applied: a row in force is not changed.
        if self.pk and DeadlineSetting.objects.filter(pk=self.pk, effective_from__lte=timezone.localdate()).exists():
            raise ValidationError("已开始执行的时限设置不能修改，请新增一条从今天或以后起执行的设置")
        if self._state.adding and self.effective_from and self.effective_from < timezone.localdate():
            raise ValidationError({"effective_from": "起始日期不能早于今天：过去的时限保持当时的设置"})
