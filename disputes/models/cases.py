"""Labour-dispute cases (劳动争议案件): from first report to money recovered."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from officers.models import County, Enterprise, Township
from officers.scoping import apply_scope
from reports.models import Report
from unionportal.core.attachments import attachment_path, attachment_storage
from unionportal.core.constraints import CheckConstraintsInOneQuery
from unionportal.core.validators import multiline_text, single_line_text


class DisputeType(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", "欠薪"
    SEVERANCE = "severance", "经济补偿"
    SOCIAL_INSURANCE = "social_insurance", "社会保险"
    WORK_INJURY = "work_injury", "工伤"
    TERMINATION = "termination", "解除劳动合同"
    OVERTIME_LEAVE = "overtime_leave", "加班及休息休假"
    NEW_FORM_RIGHTS = "new_form_rights", "新就业形态权益"
    OTHER = "other", "其他"


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", "登记"
    MEDIATING = "mediating", "调解中"
    SUCCEEDED = "succeeded", "调解成功"
    FAILED = "failed", "调解失败"
    TRANSFERRED = "transferred", "移交"
    CLOSED = "closed", "结案"


class MediationResult(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"


class TellMethod(models.TextChoices):
    WRITTEN = "written", "书面"
    ORAL = "oral", "口头"
    SMS = "sms", "短信"


class TransferTarget(models.TextChoices):
    ARBITRATION = "arbitration", "劳动人事争议仲裁"
    COURT = "court", "人民法院"
    INSPECTION = "inspection", "劳动保障监察"


class DisputeCaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see their county's cases; an officer those they handle or that came from their reports."""
        return apply_scope(self, user, county="county", owner=("handlers", "reports__officer__user"))


class DisputeCase(CheckConstraintsInOneQuery, models.Model):
    Status = CaseStatus
    Type = DisputeType

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="dispute_cases", verbose_name="县区")
    number = models.CharField("案件编号", max_length=40, validators=[single_line_text])
    registered_on = models.DateField("登记日期", default=timezone.localdate)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="dispute_cases", verbose_name="用人单位"
    )
    dispute_type = models.CharField("争议类型", max_length=20, choices=DisputeType.choices)
    workers_involved = models.PositiveIntegerField("涉及人数", validators=[MinValueValidator(1)])
    amount_claimed = models.DecimalField(
        "诉求金额（元）", max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    description = models.TextField("案情", blank=True, validators=[multiline_text])
    township = models.ForeignKey(
        Township, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="镇区街道"
    )
    status = models.CharField("状态", max_length=12, choices=CaseStatus.choices, default=CaseStatus.REGISTERED)
    mediation_result = models.CharField("调解结果", max_length=10, choices=MediationResult.choices, blank=True)
    result_on = models.DateField("结果日期", null=True, blank=True)
    transferred_to = models.CharField("移交机构", max_length=12, choices=TransferTarget.choices, blank=True)
    transferred_on = models.DateField("移交日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    # The law's clock: set when the case moves to 调解中 (case_move); the deadline moves with an
    # extension the parties agree (MediationExtension), so the list sorts by it in the database.
    mediation_accepted_on = models.DateField("受理调解日期", null=True, blank=True)
    mediation_deadline = models.DateField("调解期限", null=True, blank=True)
    arbitration_told_on = models.DateField("告知仲裁权利日期", null=True, blank=True)
    arbitration_told_how = models.CharField("告知方式", max_length=10, choices=TellMethod.choices, blank=True)
    handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="dispute_cases", verbose_name="承办人"
    )
    reports = models.ManyToManyField(Report, blank=True, related_name="dispute_cases", verbose_name="来源信息")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记人",
    )
    from_ledger = models.BooleanField("台账导入", default=False)
    last_activity_at = models.DateTimeField("最近跟进", default=timezone.now)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    objects = DisputeCaseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "劳动争议案件"
        ordering = ["-registered_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "number"], name="case_number_unique_per_county"),
            models.CheckConstraint(condition=Q(workers_involved__gte=1), name="case_workers_at_least_one"),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_valid"),
            models.CheckConstraint(condition=Q(dispute_type__in=DisputeType.values), name="case_type_valid"),
            models.CheckConstraint(
                condition=Q(mediation_result="") | Q(result_on__isnull=False), name="case_result_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="succeeded") | Q(mediation_result="success"), name="case_succeeded_is_success"
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | Q(mediation_result="failure"), name="case_failed_is_failure"
            ),
            models.CheckConstraint(
                condition=Q(mediation_accepted_on__isnull=True, mediation_deadline__isnull=True)
                | Q(mediation_deadline__gt=models.F("mediation_accepted_on")),
                name="case_deadline_after_acceptance",
            ),
            models.CheckConstraint(
                condition=Q(arbitration_told_on__isnull=True, arbitration_told_how="")
                | Q(arbitration_told_on__isnull=False, arbitration_told_how__in=TellMethod.values),
                name="case_told_has_date_and_method",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "registered_on"], name="case_registered_idx"),
            models.Index(fields=["county", "result_on"], name="case_result_idx"),
            models.Index(fields=["county", "status", "last_activity_at"], name="case_open_idx"),
            models.Index(fields=["county", "dispute_type"], name="case_type_idx"),
            models.Index(fields=["county", "township"], name="case_township_idx"),
            models.Index(fields=["status", "mediation_deadline"], name="case_deadline_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.enterprise.name if self.enterprise_id else ''}"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED


class CaseCounter(models.Model):
    """The last number given per county and year; locked while a case is registered."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="case_counter_unique")]

    def __str__(self):
        return f"{self.county_id}-{self.year}: {self.last}"


class FollowUp(models.Model):
    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="follow_ups", verbose_name="案件")
    happened_on = models.DateField("日期", default=timezone.localdate)
    action = models.TextField("跟进情况", validators=[multiline_text])
    next_step = models.CharField("下一步", max_length=200, blank=True, validators=[single_line_text])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="记录人"
    )
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "跟进记录"
        ordering = ["happened_on", "id"]

    def __str__(self):
        return f"{self.happened_on} {self.action[:20]}"


class OutcomeQuerySet(models.QuerySet):
    def counted(self):
        """The payments every figure adds up: those not voided (a voided row stays, as history)."""
        return self.filter(voided_at__isnull=True)


class Outcome(models.Model):
    """Money obtained for the workers, possibly in several instalments. A payment entered wrongly is
    corrected (OutcomeCorrection keeps each earlier amount) or voided with a reason, never deleted."""

    class Kind(models.TextChoices):
        COMPENSATION = "compensation", "获得经济补偿或赔偿"
        WAGES = "wages", "清理欠薪"

    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="outcomes", verbose_name="案件")
    kind = models.CharField("类别", max_length=14, choices=Kind.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    received_on = models.DateField("日期")
    note = models.CharField("说明", max_length=200, blank=True, validators=[single_line_text])
    from_ledger = models.BooleanField("台账导入", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    over_limit_reason = models.CharField(
        "超出诉求金额的确认原因",
        max_length=200,
        blank=True,
        help_text="金额超出诉求金额（或上限）时，登记人确认的原因",
        validators=[single_line_text],
    )
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="作废人",
    )
    void_reason = models.CharField("作废原因", max_length=200, blank=True, validators=[single_line_text])

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "追回金额"
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="outcome_amount_not_negative"),
            # A ledger row carries one figure per kind: re-importing updates it, never adds another.
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(from_ledger=True, voided_at__isnull=True),
                name="outcome_one_ledger_figure_per_kind",
            ),
            # A voided payment says why.
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""), name="outcome_void_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["kind", "received_on"], name="outcome_period_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} 元"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class OutcomeCorrection(models.Model):
    """One correction of a payment's amount: what it was, what it became, who and why."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="corrections", verbose_name="追回金额")
    old_amount = models.DecimalField("原金额（元）", max_digits=14, decimal_places=2)
    new_amount = models.DecimalField("更正后金额（元）", max_digits=14, decimal_places=2)
    reason = models.CharField("更正原因", max_length=200, validators=[single_line_text])
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="更正人",
    )
    corrected_at = models.DateTimeField("更正时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "追回金额更正记录"
        ordering = ["corrected_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(new_amount__gt=0), name="outcome_correction_positive"),
            models.CheckConstraint(condition=Q(old_amount__gte=0), name="outcome_correction_old_not_negative"),
            models.CheckConstraint(
                condition=~Q(old_amount=models.F("new_amount")), name="outcome_correction_changes_amount"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="outcome_correction_has_reason"),
        ]

    def __str__(self):
        return f"{self.old_amount} → {self.new_amount} 元"


class CaseAttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Mediation papers are for the county's staff and the case's handlers, not for every officer
        # whose report fed the case.
        return apply_scope(self, user, county="case__county", owner="case__handlers")


class CaseAttachment(models.Model):
    case = models.ForeignKey(DisputeCase, on_delete=models.CASCADE, related_name="attachments", verbose_name="案件")
    file = models.FileField("文件", storage=attachment_storage, upload_to=attachment_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=50)
    kind = models.CharField("种类", max_length=10)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = CaseAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "案件附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name
