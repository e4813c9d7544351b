"""Adoptions (采用): every time a body used an officer's item, kept as a record of its own.

A report's grade says the best that happened to it; the adoptions say who used it, where and when
(a city's bulletin, a receipt from a provincial department, a unit's grading in the portal), and
when the portal learnt of it: an adoption recorded after the month's stipend sheet was approved is
paid as 补发 on the next sheet (contract §3), which reads ``recorded_at``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from officers.models import Region
from officers.scoping import apply_scope
from unionportal.core.validators import single_line_text

from ..choices import Grade
from .report import Report


class AdoptionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The officer sees the adoptions of their reports; county staff their county's; a unit
        above the adoptions it made itself."""
        return apply_scope(self, user, county="report__county", owner="report__officer__user", region="region")


class Adoption(models.Model):
    class Source(models.TextChoices):
        UNIT = "unit", "上级单位采用"
        BULLETIN = "bulletin", "编入刊物"
        RECEIPT = "receipt", "采用回执"
        IMPORT = "import", "批量导入回执"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="adoptions", verbose_name="信息")
    grade = models.CharField(
        "采用层级",
        max_length=16,
        choices=[
            (Grade.COUNTY_ADOPTED.value, Grade.COUNTY_ADOPTED.label),
            (Grade.ABOVE_ADOPTED.value, Grade.ABOVE_ADOPTED.label),
        ],
    )
    body = models.CharField("采用单位", max_length=100, validators=[single_line_text])
    publication = models.CharField("刊物", max_length=100, blank=True, validators=[single_line_text])
    issue = models.CharField("期号", max_length=50, blank=True, validators=[single_line_text])
    adopted_on = models.DateField("采用日期")
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    # The unit inside the portal that adopted it (a city or province), when it was one.
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name="采用单位（门户内）",
    )
    raised_grade = models.BooleanField("提高了评定等级", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="记录人",
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True, db_index=True)

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "采用记录"
        ordering = ["report", "adopted_on", "pk"]
        constraints = [
            # The same notice of the same use is one adoption: a receipt imported twice changes nothing.
            models.UniqueConstraint(
                fields=["report", "body", "publication", "issue", "adopted_on"], name="adoption_once_per_notice"
            ),
            models.CheckConstraint(
                condition=Q(grade__in=["county_adopted", "above_adopted"]), name="adoption_grade_valid"
            ),
        ]

    def __str__(self):
        where = "".join(part for part in (self.publication and f"《{self.publication}》", self.issue) if part)
        return f"{self.body}{where}（{self.adopted_on:%Y-%m-%d}）"
