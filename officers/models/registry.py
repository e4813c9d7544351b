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


def validate_credit_code(value):
    problem = rules.credit_code_problem(value)
    if problem:
        raise ValidationError(problem)


class CountyQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="pk")


class County(models.Model):
    code = models.CharField("县区代码", max_length=6, unique=True, validators=[county_code_validator])
    name = models.CharField("县区名称", max_length=50, validators=[single_line_text])
    city = models.CharField("所属市", max_length=50, blank=True, validators=[single_line_text])
    province = models.CharField("所属省", max_length=50, blank=True, validators=[single_line_text])

    objects = CountyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "县区"
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{6}$"), name="county_code_six_digits")]

    def __str__(self):
        return f"{self.name}（{self.code}）"


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
