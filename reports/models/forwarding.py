"""Forwarding upward (上报): an edited copy of an officer's item sent by a county to the unit above it,
and by a city on to its province.

The copy carries the county as its source and the officer's code (320922-0042), never the officer's
name or phone: staff of the units above see these rows, never the report behind them (the scoping
rule). The original report stays as the officer wrote it; a unit's adoption raises its grade through
the one adoption service.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from officers.models import County, Region
from officers.scoping import apply_scope
from unionportal.core.validators import multiline_text, single_line_text

from ..choices import Category, Urgency
from ..rules import CONTENT_MAX_LENGTH
from .adoption import Adoption
from .report import CONTENT_TOO_LONG, Report


class ForwardedItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """County staff see their county's forwards; a city what was forwarded to it and what it
        forwarded on; a province what reached it or its cities; never another city's."""
        return apply_scope(self, user, county="county", region=("to_region", "from_region"))

    def pending(self):
        return self.filter(status=ForwardedItem.Status.PENDING)


class ForwardedItem(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待处理"
        ADOPTED = "adopted", "已采用"
        REFUSED = "refused", "不予采用"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="forwards", verbose_name="原信息")
    # The source county (the officer's), for every forward of the chain: scoping and the county filter.
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name="来源县区")
    # Who sent it: the county (from_region empty) or the city that forwarded it again.
    from_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="forwarded_on", verbose_name="转报单位"
    )
    to_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="received", verbose_name="报送至")
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_forwards", verbose_name="上一级上报"
    )
    officer_code = models.CharField("信息员代码", max_length=16)
    title = models.CharField("标题", max_length=100, validators=[single_line_text])
    content = models.TextField(
        "内容", validators=[multiline_text, MaxLengthValidator(CONTENT_MAX_LENGTH, message=CONTENT_TOO_LONG)]
    )
    # Copied from the report so the unit's queue filters on its own indexes.
    category = models.CharField("信息类别", max_length=20, choices=Category.choices)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices)
    note = models.TextField("报送说明", blank=True, validators=[multiline_text, MaxLengthValidator(1000)])
    with_attachments = models.BooleanField("附带原信息附件", default=False)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上报人"
    )
    forwarded_at = models.DateTimeField("上报时间", default=timezone.now)
    status = models.CharField("处理状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="处理人",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    refusal_reason = models.TextField("不予采用理由", blank=True, validators=[multiline_text, MaxLengthValidator(500)])
    publication = models.CharField("刊物", max_length=100, blank=True, validators=[single_line_text])
    issue = models.CharField("期号", max_length=50, blank=True, validators=[single_line_text])
    adopted_on = models.DateField("采用日期", null=True, blank=True)
    adoption = models.ForeignKey(
        Adoption, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="采用记录"
    )

    objects = ForwardedItemQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "上报信息"
        ordering = ["-forwarded_at", "-id"]
        constraints = [
            # A report reaches the same unit once.
            models.UniqueConstraint(fields=["report", "to_region"], name="forward_once_per_unit"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "adopted", "refused"]), name="forward_status_valid"
            ),
            models.CheckConstraint(condition=~Q(from_region=F("to_region")), name="forward_not_to_itself"),
            models.CheckConstraint(
                condition=Q(from_region__isnull=True, previous__isnull=True)
                | Q(from_region__isnull=False, previous__isnull=False),
                name="forward_on_names_previous",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False, decided_by__isnull=False),
                name="forward_decision_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""), name="forward_refusal_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="adopted") | Q(adopted_on__isnull=False, adoption__isnull=False),
                name="forward_adoption_has_date",
            ),
            models.CheckConstraint(
                condition=Q(officer_code__regex=r"^[0-9]{6}-[0-9]{4,}$"), name="forward_code_format"
            ),
        ]
        indexes = [
            # each unit's queue: the unit first, then each filter
            models.Index(fields=["to_region", "status", "urgency", "forwarded_at"], name="forward_queue_idx"),
            models.Index(fields=["to_region", "category", "forwarded_at"], name="forward_category_idx"),
            models.Index(fields=["to_region", "urgency", "forwarded_at"], name="forward_urgency_idx"),
            models.Index(fields=["to_region", "county", "forwarded_at"], name="forward_county_idx"),
            models.Index(fields=["to_region", "forwarded_at"], name="forward_date_idx"),
            models.Index(fields=["from_region", "forwarded_at"], name="forward_from_idx"),
            # a county's own forwards and its figures
            models.Index(fields=["county", "forwarded_at"], name="forward_source_idx"),
        ]

    def __str__(self):
        return f"{self.title}（{self.county.name} → {self.to_region.name}）"

    @property
    def source_label(self) -> str:
        """Who sent it: 滨海县, or 盐城市 when a city forwarded it again."""
        return self.from_region.name if self.from_region_id else self.county.name
