"""Commissions (约稿): a topic the union asks chosen officers to report on by a due date.

The recipients are fixed when the commission is sent (the officers it was sent to, not whoever later
matches its audience). An officer answers with a report tagged to the commission (``Report.commission``)
or with 无相关情况 and a line of explanation (kept on their recipient row).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from officers.models import County, Officer, Region, Township
from officers.scoping import apply_scope
from unionportal.core.constraints import CheckConstraintsInOneQuery
from unionportal.core.validators import multiline_text, single_line_text


class Audience(models.TextChoices):
    ALL = "all", "全体在岗信息员"
    TOWNSHIP = "township", "某镇区街道的信息员"
    CATEGORY = "category", "某人员类别的信息员"
    KEY_GROUP = "key_group", "某重点群体的信息员"
    NAMED = "named", "指定信息员"


class CommissionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see their county's commissions; staff of a city or province those their unit (or one
        below it) sent down; an officer those sent to them."""
        return apply_scope(self, user, county="county", owner=("recipients__officer__user",), region="region")


class Commission(CheckConstraintsInOneQuery, models.Model):
    Audience = Audience

    # The county whose officers are asked. A commission sent down by a city or province (the unit
    # tree) is one row per county under it, each with ``region`` naming the unit that sent it: see
    # services.commissions.commission_send_down.
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="commissions", verbose_name="县区")
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commissions",
        verbose_name="下达单位",
        help_text="市、省总工会下达的约稿",
    )
    topic = models.CharField("约稿主题", max_length=100, validators=[single_line_text])
    guidance = models.TextField("约稿要求", blank=True, validators=[multiline_text])
    audience = models.CharField("约稿对象", max_length=12, choices=Audience.choices, default=Audience.ALL)
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="镇区街道"
    )
    officer_category = models.CharField("人员类别", max_length=20, choices=Officer.Category.choices, blank=True)
    key_group = models.CharField("重点群体", max_length=20, choices=Officer.KeyGroup.choices, blank=True)
    due_on = models.DateField("截止日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="约稿人",
    )
    created_at = models.DateTimeField("约稿时间", default=timezone.now)

    objects = CommissionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "约稿"
        ordering = ["-due_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(audience__in=Audience.values), name="commission_audience_valid"),
            models.CheckConstraint(
                condition=~Q(audience="township") | Q(township__isnull=False), name="commission_township_named"
            ),
            models.CheckConstraint(
                condition=~Q(audience="category") | ~Q(officer_category=""), name="commission_category_named"
            ),
            models.CheckConstraint(
                condition=~Q(audience="key_group") | ~Q(key_group=""), name="commission_key_group_named"
            ),
        ]
        indexes = [models.Index(fields=["county", "due_on"], name="commission_county_due_idx")]

    def __str__(self):
        return self.topic

    def clean(self):
        if self.township_id and self.county_id and self.township.county_id != self.county_id:
            raise ValidationError({"township": "镇区街道不属于该县区"})

    @property
    def sent_by(self) -> str:
        """Who asks, as the officers read it: 盐城市总工会, or the county's own union."""
        return f"{self.region.name}总工会" if self.region_id else f"{self.county.name}总工会"

    @property
    def audience_label(self) -> str:
        if self.audience == Audience.TOWNSHIP and self.township_id:
            return f"{self.township.name}的信息员"
        if self.audience == Audience.CATEGORY:
            return f"{self.get_officer_category_display()}"
        if self.audience == Audience.KEY_GROUP:
            return f"{self.get_key_group_display()}"
        return self.get_audience_display()


class CommissionRecipientQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="commission__county", owner="officer__user")


class CommissionRecipient(models.Model):
    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="recipients", verbose_name="约稿")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="commissions", verbose_name="信息员")
    # 无相关情况: the officer's answer without a report, and why.
    nothing_note = models.CharField("无相关情况说明", max_length=200, blank=True, validators=[single_line_text])
    nothing_at = models.DateTimeField("答复无相关情况时间", null=True, blank=True)

    objects = CommissionRecipientQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "约稿对象"
        ordering = ["commission", "officer__sort_key", "officer_id"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "officer"], name="commission_recipient_once"),
            models.CheckConstraint(
                condition=Q(nothing_at__isnull=True) | ~Q(nothing_note=""), name="commission_nothing_explained"
            ),
        ]
        indexes = [models.Index(fields=["officer", "commission"], name="commission_officer_idx")]

    def __str__(self):
        return f"{self.commission.topic}：{self.officer.name}"
