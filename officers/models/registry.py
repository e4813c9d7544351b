"""The registry's places: counties, their townships and the enterprises officers work in."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from unionportal.core.validators import single_line_text

from .. import rules
from ..scoping import apply_scope

phone_validator = RegexValidator(rules.PHONE_RE, "手机号格式不正确：应为以1开头的11位大陆手机号（第二位3–9）")
county_code_validator = RegexValidator(rules.COUNTY_CODE_RE, "县区代码应为6位数字行政区划代码")
region_code_validator = RegexValidator(rules.COUNTY_CODE_RE, "市、省单位代码应为6位数字行政区划代码")


def validate_credit_code(value):
    problem = rules.credit_code_problem(value)
    if problem:
        raise ValidationError(problem)


class RegionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A unit above the county: its own staff see it and the units below it; a county's staff see
        the units above their county (whose bulletins reach them)."""
        return apply_scope(self, user, county=None, region="pk", region_above="pk")


class Region(models.Model):
    """A unit above the county: a city (盐城市 320900) or a province (江苏省 320000).

    The tree is province → city → county (→ township); a county may also sit directly under a
    province (省直管县). Staff of a region see what their region and the regions below it may see:
    items forwarded to them, never an officer's own reports (the scoping rule).
    """

    class Level(models.TextChoices):
        CITY = "city", "市"
        PROVINCE = "province", "省"

    code = models.CharField("行政区划代码", max_length=6, unique=True, validators=[region_code_validator])
    name = models.CharField("单位名称", max_length=50, validators=[single_line_text])
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级单位"
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "市、省单位"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{6}$"), name="region_code_six_digits"),
            models.CheckConstraint(condition=Q(level__in=["city", "province"]), name="region_level_valid"),
            # A province is the top of the tree.
            models.CheckConstraint(
                condition=~Q(level="province") | Q(parent__isnull=True), name="region_province_has_no_parent"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def clean(self):
        if self.parent_id is not None:
            if self.level == self.Level.PROVINCE:
                raise ValidationError({"parent": "省级单位没有上级单位"})
            if self.parent_id == self.pk or self.parent.level != self.Level.PROVINCE:
                raise ValidationError({"parent": "市的上级单位应为省"})

    def subtree_ids(self) -> tuple[int, ...]:
        """This region and the regions below it (a province's cities), looked up once per instance."""
        if not hasattr(self, "_subtree_ids"):
            below = Region.objects.filter(parent_id=self.pk).values_list("pk", flat=True)
            self._subtree_ids = (self.pk, *below) if self.level == self.Level.PROVINCE else (self.pk,)
        return self._subtree_ids

    def ancestor_ids(self) -> tuple[int, ...]:
        """The regions above this one, nearest first (a city's province); none for a province."""
        return (self.parent_id,) if self.parent_id is not None else ()


class CountyQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Staff above see the counties below them (names and codes, for their figures and filters).
        return apply_scope(self, user, county="pk", county_below=True)


class County(models.Model):
    code = models.CharField("县区代码", max_length=6, unique=True, validators=[county_code_validator])
    name = models.CharField("县区名称", max_length=50, validators=[single_line_text])
    city = models.CharField("所属市", max_length=50, blank=True, validators=[single_line_text])
    province = models.CharField("所属省", max_length=50, blank=True, validators=[single_line_text])
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counties",
        verbose_name="上级单位",
        help_text="县区所属的市（或省直管县所属的省）；县总工会向它上报信息。",
    )

    objects = CountyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "县区"
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{6}$"), name="county_code_six_digits")]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def ancestor_ids(self) -> tuple[int, ...]:
        """The regions above this county, nearest first (its city, then the province)."""
        if self.region_id is None:
            return ()
        return (self.region_id, *self.region.ancestor_ids())


class TownshipQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="county", shared_with_officers=True)


class Township(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="townships", verbose_name="县区")
    name = models.CharField("镇区街道", max_length=50, validators=[single_line_text])
    sort_key = models.CharField("拼音排序", max_length=200, blank=True, editable=False)

    objects = TownshipQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "镇区街道"
        ordering = ["county", "sort_key", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="township_unique_per_county")]

    def __str__(self):
        return self.name


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="county", shared_with_officers=True)

    def large(self):
        return self.filter(staff_count__gte=rules.LARGE_ENTERPRISE_STAFF)


class Enterprise(models.Model):
    name = models.CharField("单位名称", max_length=100, validators=[single_line_text])
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, validators=[validate_credit_code])
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="enterprises", verbose_name="县区")
    township = models.ForeignKey(
        Township, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="镇区街道"
    )
    staff_count = models.PositiveIntegerField("职工人数", null=True, blank=True)
    is_foreign_funded = models.BooleanField("外资企业", default=False)
    industry = models.CharField("所属行业", max_length=50, blank=True, validators=[single_line_text])

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "企业"
        ordering = ["county", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="enterprise_credit_code_unique"
            ),
        ]
        indexes = [models.Index(fields=["county", "name"])]

    def __str__(self):
        return self.name

    @property
    def is_large(self) -> bool:
        return rules.is_large_enterprise(self.staff_count)

    is_large.fget.short_description = "大型企业（5000人以上）"

    def clean(self):
        if self.township_id and self.county_id and self.township.county_id != self.county_id:
            raise ValidationError({"township": "镇区街道不属于所选县区"})
