"""Reports (信息报送), their attachments, grading history and timeliness rules."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from officers.models import County, Enterprise, Officer, Township
from officers.scoping import UNKNOWN, apply_scope, loaded_officer
from unionportal.core.attachments import attachment_path, attachment_storage
from unionportal.core.constraints import CheckConstraintsInOneQuery
from unionportal.core.validators import multiline_text, single_line_text

from ..choices import ADOPTED_GRADES, Category, Grade, Status, Urgency
from ..rules import CONTENT_MAX_LENGTH

CONTENT_TOO_LONG = "内容不能超过 %(limit_value)d 字（现有 %(show_value)d 字），较长的材料请作为附件上传"


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping rule for reports: an officer sees their own, staff their county's.
        A draft is its author's alone until it is submitted."""
        # The author's officer id, not a join to every officer: the planner then keeps the county's
        # list on its own indexes (a join made the queue's count scan all officers). Taken from the
        # account where its officer record came with it (every request's user), so staff, who have
        # none, get no clause for drafts at all; else a subquery.
        shown = ~Q(status=Status.DRAFT)
        if user is not None and user.is_authenticated:
            officer = loaded_officer(user)
            if officer is UNKNOWN:
                shown |= Q(officer_id__in=Officer.objects.filter(user_id=user.pk).values("pk"))
            elif officer is not None:
                shown |= Q(officer_id=officer.pk)
        return apply_scope(self.filter(shown), user, county="county", owner="officer__user")

    def submitted_between(self, start, end):
        return self.filter(submitted_at__gte=start, submitted_at__lt=end)


class Report(CheckConstraintsInOneQuery, models.Model):
    Category = Category
    Urgency = Urgency
    Status = Status
    Grade = Grade

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="reports", verbose_name="报送人")
    # The officer's county when the report was made: scoping and every list filter start here.
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="reports", verbose_name="县区")
    title = models.CharField("标题", max_length=100, validators=[single_line_text])
    content = models.TextField(
        "内容",
        blank=True,
        validators=[multiline_text, MaxLengthValidator(CONTENT_MAX_LENGTH, message=CONTENT_TOO_LONG)],
    )
    category = models.CharField("信息类别", max_length=20, choices=Category.choices, default=Category.OTHER)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.GENERAL)
    occurred_at = models.DateTimeField("发生时间", null=True, blank=True)
    township = models.ForeignKey(
        Township, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="镇区街道"
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports", verbose_name="涉及企业"
    )
    # The commission (约稿) this report answers, chosen by the officer among those sent to them.
    commission = models.ForeignKey(
        "reports.Commission",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name="答复约稿",
    )
    enterprise_name = models.CharField("涉及企业（登记外）", max_length=100, blank=True, validators=[single_line_text])
    workers_involved = models.PositiveIntegerField("涉及人数", null=True, blank=True)
    # What the workers ask for (诉求): one of the essentials of a 突发 report's 初报.
    demands = models.TextField("诉求", blank=True, validators=[multiline_text])
    amount_involved = models.DecimalField(
        "涉及金额（元）", max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    # When the portal received the first submission: later than 报送时间 for a report that waited in
    # a phone's outbox; why the phone's time was not believed, if it was not.
    received_at = models.DateTimeField("服务器收到时间", null=True, blank=True)
    submitted_at_note = models.CharField("报送时间说明", max_length=100, blank=True)
    on_time = models.BooleanField("按时报送", null=True, blank=True)
    grade = models.CharField("审核结果", max_length=16, choices=Grade.choices, default=Grade.PENDING)
    adopted_by = models.CharField("采用单位", max_length=100, blank=True, validators=[single_line_text])
    adopted_on = models.DateField("采用日期", null=True, blank=True)
    adoption_doc_no = models.CharField("采用文号", max_length=50, blank=True, validators=[single_line_text])
    review_comment = models.TextField("审核意见", blank=True, validators=[multiline_text])
    return_reason = models.TextField("退回原因", blank=True, validators=[multiline_text])
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    # 线索合并: the lead this report belongs to; ``merged_at`` marks a report merged into another's lead
    # (the first report of a lead has its lead but no merged_at). A merged report is never adopted.
    lead = models.ForeignKey(
        "reports.Lead", on_delete=models.PROTECT, null=True, blank=True, related_name="reports", verbose_name="线索"
    )
    merged_at = models.DateTimeField("合并时间", null=True, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="合并人",
    )
    # 电话报告: the member of staff who recorded the officer's call as this report (the officer
    # confirms it on the event's page); empty for what the officer reported themself.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="代录人（电话报告）",
    )
    # Bumped by every review action: a grade posted against an older version is refused.
    version = models.PositiveIntegerField("版本", default=0)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "报送信息"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="report_status_valid"),
            models.CheckConstraint(condition=Q(grade__in=Grade.values), name="report_grade_valid"),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="report_category_valid"),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="report_urgency_valid"),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(submitted_at__isnull=False, occurred_at__isnull=False),
                name="report_submitted_has_times",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True)
                | Q(occurred_at__isnull=True)
                | Q(submitted_at__gte=models.F("occurred_at")),
                name="report_submitted_after_occurred",
            ),
            models.CheckConstraint(
                condition=Q(amount_involved__isnull=True) | Q(amount_involved__gte=0), name="report_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(grade__in=[Grade.COUNTY_ADOPTED, Grade.ABOVE_ADOPTED]) | ~Q(adopted_by=""),
                name="report_adoption_names_body",
            ),
            models.CheckConstraint(
                condition=Q(merged_at__isnull=True) | ~Q(grade__in=[Grade.COUNTY_ADOPTED, Grade.ABOVE_ADOPTED]),
                name="report_merged_never_adopted",
            ),
            models.CheckConstraint(
                condition=Q(merged_at__isnull=True) | Q(lead__isnull=False), name="report_merged_has_lead"
            ),
        ]
        indexes = [
            # the review queue: county first, then each filter; with the officer, so the queue's count
            # (which the scoping rule's "not a draft, or one's own" reads) is an index-only scan
            models.Index(
                fields=["county", "status", "urgency", "submitted_at"], include=["officer"], name="report_queue_idx"
            ),
            models.Index(fields=["county", "category", "submitted_at"], name="report_category_idx"),
            models.Index(fields=["county", "township", "submitted_at"], name="report_township_idx"),
            models.Index(fields=["county", "urgency", "submitted_at"], name="report_urgency_idx"),
            models.Index(fields=["county", "on_time", "submitted_at"], name="report_on_time_idx"),
            models.Index(fields=["county", "grade", "submitted_at"], name="report_grade_idx"),
            models.Index(fields=["county", "submitted_at"], name="report_submitted_idx"),
            models.Index(fields=["officer", "submitted_at"], name="report_officer_month_idx"),
            models.Index(fields=["commission", "officer"], name="report_commission_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_adopted(self) -> bool:
        return self.grade in ADOPTED_GRADES

    @property
    def is_merged(self) -> bool:
        """已合并: merged into another report's lead (or an event's)."""
        return self.merged_at is not None


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Attachments follow their report's rule."""
        return self.filter(report__in=Report.objects.visible_to(user))


class ReportAttachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", "图片"
        PDF = "pdf", "PDF"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments", verbose_name="报送信息")
    file = models.FileField("文件", storage=attachment_storage, upload_to=attachment_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=50)
    kind = models.CharField("种类", max_length=10, choices=Kind.choices)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class ReviewEvent(models.Model):
    """Every grade change and every return to the officer: who, when, from what to what."""

    class Action(models.TextChoices):
        GRADE = "grade", "评定"
        RETURN = "return", "退回修改"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="review_events", verbose_name="报送信息")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    from_grade = models.CharField("原审核结果", max_length=16, choices=Grade.choices)
    to_grade = models.CharField("新审核结果", max_length=16, choices=Grade.choices)
    comment = models.TextField("意见", blank=True, validators=[multiline_text])
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="操作人"
    )
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "审核记录"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()}：{self.get_from_grade_display()} → {self.get_to_grade_display()}"


class TimelinessRuleQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A county's rule is its staff's; officers see none of them here."""
        return apply_scope(self, user, county="county")


class TimelinessRule(models.Model):
    """How many minutes after the event an emergency report still counts as on time (立即报)."""

    county = models.OneToOneField(County, on_delete=models.CASCADE, related_name="timeliness_rule", verbose_name="县区")
    emergency_minutes = models.PositiveSmallIntegerField(
        "突发信息时限（分钟）", default=60, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    # While an event is open a 续报 is due every day by this hour, Beijing time; a change applies from
    # the next due time computed (a due time already set stays as it was announced).
    followup_hour = models.PositiveSmallIntegerField(
        "续报截止时间（时）",
        default=17,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
        help_text="突发事件处置期间，每天此时（北京时间，0–23 点）前应报送续报",
    )

    objects = TimelinessRuleQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "报送时限设置"

    def __str__(self):
        return f"{self.county.name}：突发信息 {self.emergency_minutes} 分钟内报送，续报每天 {self.followup_hour}:00 前"
