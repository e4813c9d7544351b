"""Points (积分): a county's table of points, effective from a month on, as the stipend settings are.

Points themselves are never stored or typed: they are computed from the records (grades, leaders'
instructions, commissions, late emergencies, missed 续报) by ``reports.rules.points_of`` with the table
in force in each month (``reports.selectors.points``). A past month keeps the table that applied to it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from officers.models import County
from officers.scoping import apply_scope
from unionportal.core.constraints import CheckConstraintsInOneQuery

from .. import rules


class PointsTableQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="county")


class PointsTable(CheckConstraintsInOneQuery, models.Model):
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="points_tables", verbose_name="县区")
    effective_from = models.DateField("起始月份", help_text="从该月起执行（填该月1日）")
    qualified = models.PositiveSmallIntegerField("合格（每条）", default=rules.DEFAULT_POINTS["qualified"])
    county_adopted = models.PositiveSmallIntegerField(
        "县总工会采用（每条）", default=rules.DEFAULT_POINTS["county_adopted"]
    )
    above_adopted = models.PositiveSmallIntegerField(
        "县级以上部门采用（每条）", default=rules.DEFAULT_POINTS["above_adopted"]
    )
    instruction_county = models.PositiveSmallIntegerField(
        "县级领导批示（每次）", default=rules.DEFAULT_POINTS["instruction_county"]
    )
    instruction_city = models.PositiveSmallIntegerField(
        "市级领导批示（每次）", default=rules.DEFAULT_POINTS["instruction_city"]
    )
    instruction_province = models.PositiveSmallIntegerField(
        "省级及以上领导批示（每次）", default=rules.DEFAULT_POINTS["instruction_province"]
    )
    commission_answered = models.PositiveSmallIntegerField(
        "以信息答复约稿（每次）", default=rules.DEFAULT_POINTS["commission_answered"]
    )
    late_emergency = models.PositiveSmallIntegerField(
        "突发信息迟报（每条扣）", default=rules.DEFAULT_POINTS["late_emergency"]
    )
    missed_followup = models.PositiveSmallIntegerField(
        "漏报续报（每次扣）", default=rules.DEFAULT_POINTS["missed_followup"]
    )
    commission_unanswered = models.PositiveSmallIntegerField(
        "约稿逾期未答复（每次扣）", default=rules.DEFAULT_POINTS["commission_unanswered"]
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

    objects = PointsTableQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "积分标准"
        ordering = ["county", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["county", "effective_from"], name="points_table_one_per_month"),
            models.CheckConstraint(condition=Q(effective_from__day=1), name="points_table_starts_on_first"),
        ]

    def __str__(self):
        return f"{self.county.name} {self.effective_from:%Y-%m} 起的积分标准"

    def as_rule(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in rules.DEFAULT_POINTS}

    def clean(self):
        if self.effective_from and self.effective_from.day != 1:
            self.effective_from = self.effective_from.replace(day=1)
        # A past month keeps the table that applied to it (as the stipend settings, contract section 3).
        this_month = timezone.localdate().replace(day=1)
        if self.effective_from and self.effective_from < this_month:
            raise ValidationError({"effective_from": "只能设置本月及以后执行的积分标准，过去的月份保持当时的标准"})
        if self.pk and PointsTable.objects.filter(pk=self.pk, effective_from__lt=this_month).exists():
            raise ValidationError("已开始执行的积分标准不能修改，请新增一条从本月或以后起执行的标准")
