"""The mediation agreement (调解协议书), its court confirmation (司法确认), and the county's template."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from officers.models import County
from unionportal.core.validators import multiline_text, single_line_text

from .cases import DisputeCase


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(case__in=DisputeCase.objects.visible_to(user))


class Agreement(models.Model):
    """What a successful mediation agreed: the parties (the employer is the case's enterprise), the
    terms and the amount; the schedule is the case's instalments. Court confirmation on the same row."""

    case = models.OneToOneField(DisputeCase, on_delete=models.CASCADE, related_name="agreement", verbose_name="案件")
    workers = models.CharField("劳动者（劳动者代表）", max_length=100, validators=[single_line_text])
    terms = models.TextField("协议条款", validators=[multiline_text])
    amount = models.DecimalField("协议金额（元）", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    signed_on = models.DateField("签订日期")
    court = models.CharField("确认法院", max_length=100, blank=True, validators=[single_line_text])
    court_applied_on = models.DateField("申请司法确认日期", null=True, blank=True)
    court_confirmed_on = models.DateField("司法确认日期", null=True, blank=True)
    court_case_number = models.CharField("司法确认案号", max_length=60, blank=True, validators=[single_line_text])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "调解协议"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="agreement_amount_not_negative"),
            models.CheckConstraint(condition=~Q(terms=""), name="agreement_has_terms"),
            # Applied for at a court before it confirmed; confirmed means court, case number and dates.
            models.CheckConstraint(
                condition=Q(court_applied_on__isnull=True, court_confirmed_on__isnull=True)
                | Q(court_applied_on__isnull=False, court_confirmed_on__isnull=True)
                | Q(court_confirmed_on__gte=models.F("court_applied_on")),
                name="agreement_confirmed_after_applied",
            ),
            models.CheckConstraint(
                condition=Q(court_confirmed_on__isnull=True) | (~Q(court="") & ~Q(court_case_number="")),
                name="agreement_confirmed_has_court_and_number",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.signed_on}"

    @property
    def court_confirmed(self) -> bool:
        return self.court_confirmed_on is not None


class AgreementTemplate(models.Model):
    """A county's wording of the 调解协议书; without one, rules.DEFAULT_AGREEMENT_TEMPLATE."""

    county = models.OneToOneField(
        County, on_delete=models.CASCADE, related_name="agreement_template", verbose_name="县区"
    )
    text = models.TextField("模板内容", validators=[multiline_text])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="修改人"
    )
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "调解协议书模板"

    def __str__(self):
        return f"{self.county_id} 调解协议书模板"
