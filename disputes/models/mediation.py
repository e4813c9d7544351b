"""What runs to a date on a case: extensions of the mediation clock and the agreement's instalments."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from unionportal.core.validators import single_line_text

from .cases import DisputeCase


class MediationExtension(models.Model):
    """The parties agreed to mediate longer: kept as history, never changed."""

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="extensions", verbose_name="案件")
    agreed_on = models.DateField("约定日期")
    previous_deadline = models.DateField("原期限")
    new_deadline = models.DateField("延长至")
    reason = models.CharField("延长原因", max_length=200, validators=[single_line_text])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "调解期限延长"
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_deadline__gt=models.F("previous_deadline")), name="extension_moves_deadline_later"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="extension_has_reason"),
        ]

    def __str__(self):
        return f"{self.previous_deadline} → {self.new_deadline}"


class Instalment(models.Model):
    """One due date and amount of a mediation agreement's payment schedule."""

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="instalments", verbose_name="案件")
    due_on = models.DateField("应付日期")
    amount = models.DecimalField("应付金额（元）", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="记录人"
    )
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "协议分期"
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
            models.UniqueConstraint(fields=["case", "due_on"], name="instalment_one_per_day"),
        ]

    def __str__(self):
        return f"{self.due_on} {self.amount} 元"
