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


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    FAIRLY = "fairly", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class MoneyArrived(models.TextChoices):
    RECEIVED = "received", "已到位"
    NOT_RECEIVED = "not_received", "未到位"
    NOT_APPLICABLE = "na", "不涉及"


class ReturnVisit(models.Model):
    """A call or visit to the worker after the case was closed (回访): reached or not, whether the money
    arrived, how satisfied. 不满意 or money not arrived reopens the case (``reopened``)."""

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="return_visits", verbose_name="案件")
    closed_on = models.DateField("所回访的结案日期")
    visited_on = models.DateField("回访日期")
    reached = models.BooleanField("联系上劳动者")
    money = models.CharField("款项到位情况", max_length=12, choices=MoneyArrived.choices, blank=True)
    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices, blank=True)
    note = models.CharField("说明", max_length=200, blank=True, validators=[single_line_text])
    reopened = models.BooleanField("重新打开案件", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "回访记录"
        ordering = ["visited_on", "id"]
        constraints = [
            # Reached: the money and satisfaction are asked; not reached: nothing was learned.
            models.CheckConstraint(
                condition=Q(reached=True, satisfaction__in=Satisfaction.values, money__in=MoneyArrived.values)
                | Q(reached=False, satisfaction="", money="", reopened=False),
                name="return_visit_answers_when_reached",
            ),
            models.CheckConstraint(
                condition=Q(visited_on__gte=models.F("closed_on")), name="return_visit_after_closing"
            ),
        ]

    def __str__(self):
        return f"{self.visited_on} {self.get_satisfaction_display() or '未联系上'}"
