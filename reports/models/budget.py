"""The yearly budget and its spending lines (经费保障)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from officers.models import County, Officer
from officers.scoping import apply_scope
from unionportal.core.constraints import CheckConstraintsInOneQuery
from unionportal.core.validators import single_line_text

from .stipends import StipendSheet


class BudgetQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="county", admins_only=True)


class Budget(models.Model):
    """The programme's money for a county and year (经费保障)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="budgets", verbose_name="县区")
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    amount = models.DecimalField("预算（元）", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    note = models.CharField("说明", max_length=200, blank=True, validators=[single_line_text])

    objects = BudgetQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "年度经费预算"
        ordering = ["county", "-year"]
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="budget_one_per_year")]

    def __str__(self):
        return f"{self.county.name} {self.year} 年预算 {self.amount} 元"


class BudgetLineQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="county", admins_only=True)


class BudgetLine(CheckConstraintsInOneQuery, models.Model):
    """Money spent: stipends (posted by approved sheets), equipment issued, training, other."""

    class Kind(models.TextChoices):
        STIPEND = "stipend", "信息员补助"
        EQUIPMENT = "equipment", "办公设备"
        TRAINING = "training", "培训"
        OTHER = "other", "其他"

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="budget_lines", verbose_name="县区")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    spent_on = models.DateField("日期")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    description = models.CharField("内容", max_length=200, validators=[single_line_text])
    officer = models.ForeignKey(
        Officer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="equipment",
        verbose_name="领用信息员",
        help_text="办公设备发放给哪位信息员",
    )
    stipend_sheet = models.OneToOneField(
        StipendSheet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_line",
        verbose_name="补助表",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "经费支出"
        ordering = ["county", "-spent_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(kind="stipend") | Q(stipend_sheet__isnull=True), name="budget_line_sheet_only_stipend"
            ),
        ]
        indexes = [models.Index(fields=["county", "spent_on"], name="budget_line_county_day_idx")]

    def __str__(self):
        return f"{self.spent_on} {self.get_kind_display()} {self.amount} 元"

    def clean(self):
        if self.officer_id and self.county_id and self.officer.county_id != self.county_id:
            raise ValidationError({"officer": "领用信息员不属于该县区"})
