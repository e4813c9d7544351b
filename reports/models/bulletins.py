"""Bulletins (信息专报 / 工作简报): a unit's publications, their numbered issues and the items in them.

A publication belongs to exactly one unit: a county (县总工会《工作信息》) or a region (盐城市总工会
《工会信息》). Its issues are numbered per year at signing (2026年第7期), and by a running total when
the unit keeps one (总第125期); a signed issue is never edited (a correction is a new issue).
An item is an edited copy of an officer's report naming its source county or unit, never the officer.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from officers.models import County, Region
from officers.scoping import apply_scope
from unionportal.core.validators import multiline_text, single_line_text

from ..rules import CONTENT_MAX_LENGTH
from .report import Report


class PublicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The unit's own staff (and staff above a region's), and staff of every unit below a region."""
        return apply_scope(self, user, county="county", region="region", region_above="region")


class Publication(models.Model):
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="publications", verbose_name="县区"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="publications", verbose_name="市、省单位"
    )
    name = models.CharField(
        "刊物名称", max_length=50, validators=[single_line_text], help_text="如：工作信息、信息专报"
    )
    keeps_total_number = models.BooleanField("使用总期号", default=False, help_text="如“总第125期”")
    total_number_start = models.PositiveIntegerField(
        "总期号起始", default=0, help_text="启用本平台前已出的总期数；下一期为此数加 1"
    )
    active = models.BooleanField("在用", default=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "刊物"
        ordering = ["county", "region", "name"]
        constraints = [
            # Exactly one unit keeps a publication.
            models.CheckConstraint(
                condition=(Q(county__isnull=False) & Q(region__isnull=True))
                | (Q(county__isnull=True) & Q(region__isnull=False)),
                name="publication_one_unit",
            ),
            models.UniqueConstraint(fields=["county", "name"], name="publication_name_per_county"),
            models.UniqueConstraint(fields=["region", "name"], name="publication_name_per_region"),
        ]

    def __str__(self):
        return f"《{self.name}》（{self.unit.name}）"

    @property
    def unit(self):
        return self.county if self.county_id else self.region

    @property
    def unit_body(self) -> str:
        """The publishing body as an adoption names it: 滨海县总工会, 盐城市总工会."""
        return f"{self.unit.name}总工会"

    @property
    def is_county(self) -> bool:
        return self.county_id is not None


class BulletinIssueQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The unit's staff (and those above a region) see drafts and signed issues; staff of the units
        below a region see its signed issues."""
        own = apply_scope(self, user, county="publication__county", region="publication__region")
        below = apply_scope(
            self.filter(state=BulletinIssue.State.SIGNED), user, county=None, region_above="publication__region"
        )
        return self.filter(pk__in=own.values("pk")) | self.filter(pk__in=below.values("pk"))


class BulletinIssue(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        SIGNED = "signed", "已签发"

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="issues", verbose_name="刊物")
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveIntegerField("期号", null=True, blank=True, help_text="签发时按年度顺序编号")
    total_number = models.PositiveIntegerField("总期号", null=True, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    editor_note = models.TextField("编者按", blank=True, validators=[multiline_text, MaxLengthValidator(2000)])
    compiler = models.CharField("编辑", max_length=50, blank=True, validators=[single_line_text])
    signer = models.CharField("签发人", max_length=50, blank=True, validators=[single_line_text])
    report_to = models.CharField("报", max_length=300, blank=True, validators=[single_line_text])
    send_to = models.CharField("送", max_length=300, blank=True, validators=[single_line_text])
    issue_to = models.CharField("发", max_length=300, blank=True, validators=[single_line_text])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="签发操作人",
    )
    signed_at = models.DateTimeField("签发时间", null=True, blank=True)

    objects = BulletinIssueQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "刊物期次"
        ordering = ["publication", "-year", "-number", "-created_at"]
        constraints = [
            # Two issues never share a number (numbers are given at signing under a row lock too).
            models.UniqueConstraint(fields=["publication", "year", "number"], name="bulletin_number_once_a_year"),
            models.UniqueConstraint(fields=["publication", "total_number"], name="bulletin_total_number_once"),
            models.CheckConstraint(
                condition=Q(state="draft", number__isnull=True, signed_at__isnull=True)
                | Q(state="signed", number__isnull=False, signed_at__isnull=False),
                name="bulletin_signed_has_number",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1), name="bulletin_number_positive"
            ),
        ]
        indexes = [models.Index(fields=["publication", "state", "year"], name="bulletin_issue_list_idx")]

    def __str__(self):
        return f"《{self.publication.name}》{self.number_label}"

    @property
    def is_signed(self) -> bool:
        return self.state == self.State.SIGNED

    @property
    def number_label(self) -> str:
        """2026年第7期 (总第125期); 草稿 before signing."""
        if self.number is None:
            return f"{self.year}年（草稿，签发时编号）"
        label = f"{self.year}年第{self.number}期"
        return f"{label}（总第{self.total_number}期）" if self.total_number else label

    @property
    def issue_label(self) -> str:
        """The provenance an adoption records: ``2026年第7期``."""
        return f"{self.year}年第{self.number}期" if self.number else ""


class BulletinItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(issue__in=BulletinIssue.objects.visible_to(user))


class BulletinItem(models.Model):
    """An edited copy of an adopted item. The original report stays as the officer wrote it.
    ``forwarded_item``: when the item came up through forwarding (issue 15's ForwardedItem), the
    coordinator wires that link on merge; the report is always known."""

    issue = models.ForeignKey(BulletinIssue, on_delete=models.CASCADE, related_name="items", verbose_name="期次")
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="bulletin_items", verbose_name="原信息")
    position = models.PositiveSmallIntegerField("顺序", validators=[MinValueValidator(1)])
    heading = models.CharField("标题", max_length=100, validators=[single_line_text])
    text = models.TextField("正文", validators=[multiline_text, MaxLengthValidator(CONTENT_MAX_LENGTH)])
    source = models.CharField(
        "来源",
        max_length=100,
        validators=[single_line_text],
        help_text="报送的县区或单位，如：滨海县总工会（不写信息员姓名）",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="编入人"
    )
    added_at = models.DateTimeField("编入时间", default=timezone.now)

    objects = BulletinItemQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "刊物条目"
        ordering = ["issue", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "report"], name="bulletin_item_once_per_issue"),
        ]

    def __str__(self):
        return self.heading
