"""Reports (信息报送), their attachments, grading history, alerts, notifications and the audit log."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from officers.models import County, Enterprise, Officer, Township
from officers.scoping import apply_scope
from unionportal.constraints import CheckConstraintsInOneQuery


def attachment_storage():
    """Attachments have no public URL: they are only streamed by a view that checked the scoping
    rule. The backend is settings.STORAGES["attachments"] (a private folder, or S3-compatible)."""
    return storages["attachments"]


def attachment_path(instance, filename):
    # The stored name is random; the officer's file name is kept only as text (original_name).
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    now = timezone.localtime()
    return f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Category(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", "欠薪讨薪"
    LABOUR_DISPUTE = "labour_dispute", "劳动争议"
    MASS_INCIDENT = "mass_incident", "群体性事件苗头"
    WORKER_SENTIMENT = "worker_sentiment", "职工思想动态"
    NEW_FORM_RIGHTS = "new_form_rights", "新就业形态劳动者权益"
    WORK_SAFETY = "work_safety", "安全生产"
    ONLINE_OPINION = "online_opinion", "网络舆情"
    OTHER = "other", "其他"


class Urgency(models.TextChoices):
    GENERAL = "general", "一般"
    EMERGENCY = "emergency", "突发"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "退回修改"
    REVIEWED = "reviewed", "已审核"
    WITHDRAWN = "withdrawn", "已撤回"


class Grade(models.TextChoices):
    PENDING = "pending", "待审核"
    REJECTED = "rejected", "不予采用"
    QUALIFIED = "qualified", "合格"
    COUNTY_ADOPTED = "county_adopted", "县总工会采用"
    ABOVE_ADOPTED = "above_adopted", "县级以上部门采用"


ADOPTED_GRADES = (Grade.COUNTY_ADOPTED, Grade.ABOVE_ADOPTED)


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping rule for reports: an officer sees their own, staff their county's.
        A draft is its author's alone until it is submitted."""
        # The author's officer id in a subquery, not a join to every officer: the planner then keeps
        # the county's list on its own indexes (a join made the queue's count scan all officers).
        own = (
            Q(officer_id__in=Officer.objects.filter(user_id=user.pk).values("pk"))
            if user is not None and user.is_authenticated
            else Q(pk__in=[])
        )
        return apply_scope(self.filter(~Q(status=Status.DRAFT) | own), user, county="county", owner="officer__user")

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
    title = models.CharField("标题", max_length=100)
    content = models.TextField("内容", blank=True)
    category = models.CharField("信息类别", max_length=20, choices=Category.choices, default=Category.OTHER)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.GENERAL)
    occurred_at = models.DateTimeField("发生时间", null=True, blank=True)
    township = models.ForeignKey(
        Township, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="镇区街道"
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports", verbose_name="涉及企业"
    )
    enterprise_name = models.CharField("涉及企业（登记外）", max_length=100, blank=True)
    workers_involved = models.PositiveIntegerField("涉及人数", null=True, blank=True)
    amount_involved = models.DecimalField(
        "涉及金额（元）", max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    on_time = models.BooleanField("按时报送", null=True, blank=True)
    grade = models.CharField("审核结果", max_length=16, choices=Grade.choices, default=Grade.PENDING)
    adopted_by = models.CharField("采用单位", max_length=100, blank=True)
    adopted_on = models.DateField("采用日期", null=True, blank=True)
    adoption_doc_no = models.CharField("采用文号", max_length=50, blank=True)
    review_comment = models.TextField("审核意见", blank=True)
    return_reason = models.TextField("退回原因", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
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
        ]
        indexes = [
            # the review queue: county first, then each filter
            models.Index(fields=["county", "status", "urgency", "submitted_at"], name="report_queue_idx"),
            models.Index(fields=["county", "category", "submitted_at"], name="report_category_idx"),
            models.Index(fields=["county", "township", "submitted_at"], name="report_township_idx"),
            models.Index(fields=["county", "urgency", "submitted_at"], name="report_urgency_idx"),
            models.Index(fields=["county", "on_time", "submitted_at"], name="report_on_time_idx"),
            models.Index(fields=["county", "grade", "submitted_at"], name="report_grade_idx"),
            models.Index(fields=["county", "submitted_at"], name="report_submitted_idx"),
            models.Index(fields=["officer", "submitted_at"], name="report_officer_month_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_adopted(self) -> bool:
        return self.grade in ADOPTED_GRADES


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
    comment = models.TextField("意见", blank=True)
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

    objects = TimelinessRuleQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "报送时限设置"

    def __str__(self):
        return f"{self.county.name}：突发信息 {self.emergency_minutes} 分钟内报送"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Kind(models.TextChoices):
        EMERGENCY = "emergency", "突发信息"
        GRADED = "graded", "审核结果"
        RETURNED = "returned", "退回修改"
        REMINDER = "reminder", "提醒"
        SUMMARY = "summary", "月度分析研判"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name="接收人"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx")]

    def __str__(self):
        return self.title


class AlertDelivery(models.Model):
    """The outbox of emergency alerts: written with the report in one transaction, delivered by a
    Celery task, swept again while undelivered. One row per report, recipient and channel, so no
    one is alerted twice."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", "站内通知"
        EMAIL = "email", "电子邮件"

    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="alerts", verbose_name="报送信息")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="接收人"
    )
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    claimed_at = models.DateTimeField("开始发送时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "突发信息提醒"
        constraints = [
            models.UniqueConstraint(fields=["report", "recipient", "channel"], name="alert_once_per_channel"),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="alert_pending_idx")]

    def __str__(self):
        return f"{self.report_id} → {self.recipient_id}（{self.get_channel_display()}，{self.get_state_display()}）"


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Admins read their county's log; an officer or a reviewer reads none of it.
        return apply_scope(self, user, county="county", admins_only=True)


class AuditEntry(models.Model):
    """Who looked at or acted on confidential material (保密制度). Written by services only."""

    class Action(models.TextChoices):
        VIEW_REPORT = "view_report", "查看信息详情"
        VIEW_ATTACHMENT = "view_attachment", "查看附件"
        GRADE = "grade", "审核评定"
        RETURN = "return", "退回修改"
        EXPORT = "export", "导出"
        IMPORT = "import", "导入"
        APPROVE_SHEET = "approve_sheet", "审批补助表"
        REOPEN_SHEET = "reopen_sheet", "撤销补助表审批"
        VIEW_CASE = "view_case", "查看争议案件"
        VIEW_CASE_ATTACHMENT = "view_case_file", "查看案件附件"
        CHANGE_CASE = "change_case", "变更案件状态"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="操作人"
    )
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    county = models.ForeignKey(County, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="报送信息"
    )
    target = models.CharField("对象", max_length=200, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["county", "created_at"], name="audit_county_idx"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_idx"),
            models.Index(fields=["report", "created_at"], name="audit_report_idx"),
        ]

    def __str__(self):
        when = timezone.localtime(self.created_at)
        return f"{when:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.target}"


# ---- stipends and budget (考核评价, 经费保障) -----------------------------------------------------


class Tier(models.TextChoices):
    UNQUALIFIED = "unqualified", "不合格"
    QUALIFIED = "qualified", "合格"
    GOOD = "good", "良好"
    EXCELLENT = "excellent", "优秀"


class StipendSettingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="county")


class StipendSetting(CheckConstraintsInOneQuery, models.Model):
    """The monthly quota and the three amounts, effective from a month on; a past month keeps the
    values that applied to it."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="stipend_settings", verbose_name="县区")
    effective_from = models.DateField("起始月份", help_text="从该月起执行（填该月1日）")
    quota = models.PositiveSmallIntegerField("每月任务条数", default=1, validators=[MinValueValidator(1)])
    amount_qualified = models.PositiveIntegerField("合格（元）", default=100)
    amount_good = models.PositiveIntegerField("良好（元）", default=200)
    amount_excellent = models.PositiveIntegerField("优秀（元）", default=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="设置人",
    )
    created_at = models.DateTimeField("设置时间", default=timezone.now)

    objects = StipendSettingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "补助标准"
        ordering = ["county", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["county", "effective_from"], name="stipend_setting_one_per_month"),
            models.CheckConstraint(condition=Q(effective_from__day=1), name="stipend_setting_starts_on_first"),
            models.CheckConstraint(condition=Q(quota__gte=1), name="stipend_setting_quota_positive"),
        ]

    def __str__(self):
        amounts = f"{self.amount_qualified}/{self.amount_good}/{self.amount_excellent}"
        return f"{self.county.name} {self.effective_from:%Y-%m} 起：任务 {self.quota} 条，{amounts} 元"

    def clean(self):
        if self.effective_from and self.effective_from.day != 1:
            self.effective_from = self.effective_from.replace(day=1)
        if not (self.amount_qualified <= self.amount_good <= self.amount_excellent):
            raise ValidationError("补助金额应满足：合格 ≤ 良好 ≤ 优秀")
        # A past month keeps the values that applied to it (contract section 3).
        this_month = timezone.localdate().replace(day=1)
        if self.effective_from and self.effective_from < this_month:
            raise ValidationError({"effective_from": "只能设置本月及以后执行的标准，过去的月份保持当时的标准"})
        if self.pk:
            started = StipendSetting.objects.filter(pk=self.pk, effective_from__lt=this_month).exists()
            if started:
                raise ValidationError("已开始执行的标准不能修改，请新增一条从本月或以后起执行的标准")


class StipendSheetQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Sheets are the admins' (and finance's through them): reviewers and officers see none.
        return apply_scope(self, user, county="county", admins_only=True)


class StipendSheet(CheckConstraintsInOneQuery, models.Model):
    """A county's month. While open it is computed from the reports; approved, it is a snapshot."""

    class State(models.TextChoices):
        OPEN = "open", "未审批"
        APPROVED = "approved", "已审批"

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="stipend_sheets", verbose_name="县区")
    month = models.DateField("月份")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    quota = models.PositiveSmallIntegerField("任务条数", null=True, blank=True)
    amount_qualified = models.PositiveIntegerField("合格（元）", null=True, blank=True)
    amount_good = models.PositiveIntegerField("良好（元）", null=True, blank=True)
    amount_excellent = models.PositiveIntegerField("优秀（元）", null=True, blank=True)
    total = models.DecimalField("合计（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审批人",
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)

    objects = StipendSheetQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "每月补助表"
        ordering = ["county", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["county", "month"], name="stipend_sheet_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="stipend_sheet_month_first_day"),
            models.CheckConstraint(
                condition=Q(state="open") | Q(approved_at__isnull=False, total__isnull=False),
                name="stipend_sheet_approved_has_snapshot",
            ),
        ]

    def __str__(self):
        return f"{self.county.name} {self.month:%Y年%m月} 补助表（{self.get_state_display()}）"


class StipendSheetRow(models.Model):
    """One officer's line of an approved sheet, as it was when approved."""

    sheet = models.ForeignKey(StipendSheet, on_delete=models.CASCADE, related_name="rows", verbose_name="补助表")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+", verbose_name="信息员")
    position = models.PositiveIntegerField("序号")
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号", max_length=11)
    employer = models.CharField("工作单位", max_length=100, blank=True)
    township = models.CharField("镇区街道", max_length=50, blank=True)
    submitted_count = models.PositiveIntegerField("报送条数")
    valid_count = models.PositiveIntegerField("有效条数")
    tier = models.CharField("考核等级", max_length=12, choices=Tier.choices)
    amount = models.PositiveIntegerField("补助金额（元）")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "补助表明细"
        ordering = ["sheet", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "officer"], name="stipend_row_once_per_officer"),
            models.UniqueConstraint(fields=["sheet", "position"], name="stipend_row_position_unique"),
        ]

    def __str__(self):
        return f"{self.position}. {self.name} {self.get_tier_display()} {self.amount}"


class SheetEvent(models.Model):
    class Action(models.TextChoices):
        APPROVE = "approve", "审批"
        REOPEN = "reopen", "撤销审批"

    sheet = models.ForeignKey(StipendSheet, on_delete=models.CASCADE, related_name="events", verbose_name="补助表")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="操作人"
    )
    reason = models.TextField("原因", blank=True)
    total = models.DecimalField("合计（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "补助表审批记录"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class BudgetQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="county", admins_only=True)


class Budget(models.Model):
    """The programme's money for a county and year (经费保障)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="budgets", verbose_name="县区")
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    amount = models.DecimalField("预算（元）", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    note = models.CharField("说明", max_length=200, blank=True)

    objects = BudgetQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "年度经费预算"
        ordering = ["county", "-year"]
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="budget_one_per_year")]

    def __str__(self):
        return f"{self.county.name} {self.year} 年预算 {self.amount} 元"


class BudgetLineQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="county", admins_only=True)


class BudgetLine(CheckConstraintsInOneQuery, models.Model):
    """Money spent: stipends (posted by approved sheets), equipment issued, training, other."""

    class Kind(models.TextChoices):
        STIPEND = "stipend", "信息员补助"
        EQUIPMENT = "equipment", "办公设备"
        TRAINING = "training", "培训"
        OTHER = "other", "其他"

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="budget_lines", verbose_name="县区")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    spent_on = models.DateField("日期")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    description = models.CharField("内容", max_length=200)
    officer = models.ForeignKey(
        Officer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="equipment",
        verbose_name="领用信息员",
        help_text="办公设备发放给哪位信息员",
    )
    stipend_sheet = models.OneToOneField(
        StipendSheet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_line",
        verbose_name="补助表",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "经费支出"
        ordering = ["county", "-spent_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(kind="stipend") | Q(stipend_sheet__isnull=True), name="budget_line_sheet_only_stipend"
            ),
        ]
        indexes = [models.Index(fields=["county", "spent_on"], name="budget_line_county_day_idx")]

    def __str__(self):
        return f"{self.spent_on} {self.get_kind_display()} {self.amount} 元"

    def clean(self):
        if self.officer_id and self.county_id and self.officer.county_id != self.county_id:
            raise ValidationError({"officer": "领用信息员不属于该县区"})


# ---- reminders and the monthly analysis meeting (提醒, 月度分析研判) --------------------------------


class ReminderQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Admins see what was sent and to whom in their county; everyone sees their own.
        if user is not None and user.is_authenticated and user.is_portal_admin:
            return apply_scope(self, user, county="county")
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)


class Reminder(models.Model):
    """One reminder per person, kind and period: the unique row is what makes a job that runs
    twice, on two workers or after a crash, send nothing twice."""

    class Kind(models.TextChoices):
        QUOTA_FIRST = "quota_20", "本月报送提醒（20日）"
        QUOTA_LAST = "quota_27", "本月报送提醒（27日）"
        REVIEW_DIGEST = "review_digest", "待审核信息汇总"
        SUMMARY_READY = "summary_ready", "月度分析研判材料已生成"

    class Channel(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        NONE = "none", "无"
        FAILED = "failed", "发送失败"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", verbose_name="接收人"
    )
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+", verbose_name="县区")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    period = models.DateField("期间", help_text="月度提醒为该月1日，每日汇总为当天")
    text = models.CharField("内容", max_length=300)
    email_state = models.CharField("邮件", max_length=10, choices=Channel.choices, default=Channel.NONE)
    sms_state = models.CharField("短信", max_length=10, choices=Channel.choices, default=Channel.NONE)
    created_at = models.DateTimeField("时间", default=timezone.now)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "提醒记录"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "period"], name="reminder_once_per_period"),
        ]
        indexes = [models.Index(fields=["county", "kind", "period"], name="reminder_county_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}（{self.period}）"


class MonthlySummaryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="county")


class MonthlySummary(models.Model):
    """The month's analysis material, and the record of the meeting that discussed it.

    Rebuilding replaces ``figures`` and ``built_at`` only: the meeting record is kept."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="monthly_summaries", verbose_name="县区")
    month = models.DateField("月份")
    figures = models.JSONField("数据", default=dict)
    built_at = models.DateTimeField("生成时间", default=timezone.now)
    meeting_on = models.DateField("分析会日期", null=True, blank=True)
    attendees = models.TextField("参会人员", blank=True)
    conclusions = models.TextField("研判意见", blank=True)

    objects = MonthlySummaryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "月度分析研判"
        ordering = ["county", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["county", "month"], name="summary_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="summary_month_first_day"),
        ]

    def __str__(self):
        return f"{self.county.name}{self.month.year}年{self.month.month}月分析研判"

    def clean(self):
        # Here rather than in the service alone: the admin site edits the meeting record too.
        if self.meeting_on and self.meeting_on > timezone.localdate():
            raise ValidationError({"meeting_on": "分析会日期不能晚于今天"})
        if self.meeting_on and self.month and self.meeting_on < self.month:
            raise ValidationError(
                {"meeting_on": f"分析会日期不能早于所分析的月份（{self.month.year}年{self.month.month}月）"}
            )


class SummaryActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="summary__county", owner="owner")


class SummaryAction(models.Model):
    """A follow-up action decided at the meeting; it shows on its owner's page until done."""

    summary = models.ForeignKey(
        MonthlySummary, on_delete=models.CASCADE, related_name="actions", verbose_name="分析研判"
    )
    description = models.CharField("措施", max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="summary_actions", verbose_name="责任人"
    )
    due_on = models.DateField("完成期限")
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="确认人",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = SummaryActionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "跟进措施"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "done_at", "due_on"], name="action_owner_idx")]

    def __str__(self):
        return self.description

    def clean(self):
        # A new action's deadline (one already set may since have passed: it is simply overdue).
        if self._state.adding and self.due_on and self.due_on < timezone.localdate():
            raise ValidationError({"due_on": "完成期限不能早于今天"})
