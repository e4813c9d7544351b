"""The monthly analysis meeting (月度分析研判): the material and its follow-up actions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from officers.models import County
from officers.scoping import apply_scope
from unionportal.core.attachments import attachment_storage
from unionportal.core.validators import multiline_text, single_line_text


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
    attendees = models.TextField("参会人员", blank=True, validators=[multiline_text])
    conclusions = models.TextField("研判意见", blank=True, validators=[multiline_text])
    meeting_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="会议记录人",
    )

    objects = MonthlySummaryQuerySet.as_manager()

    class Meta:
        db_table = "reports_monthlysummary"  # kept from before the overview floor existed
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
    description = models.CharField("措施", max_length=300, validators=[single_line_text])
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="交办人",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = SummaryActionQuerySet.as_manager()

    class Meta:
        db_table = "reports_summaryaction"
        verbose_name = verbose_name_plural = "跟进措施"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "done_at", "due_on"], name="action_owner_idx")]

    def __str__(self):
        return self.description

    def clean(self):
        # A new action's deadline (one already set may since have passed: it is simply overdue).
        if self._state.adding and self.due_on and self.due_on < timezone.localdate():
            raise ValidationError({"due_on": "完成期限不能早于今天"})


class RankingNoticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see their county's notices, drafts included; an officer the published notices of
        their own county (a notice is circulated to every officer), never a draft."""
        if getattr(user, "is_portal_staff", False):
            return apply_scope(self, user, county="county")
        return apply_scope(
            self.filter(state=RankingNotice.State.PUBLISHED), user, county="county", shared_with_officers=True
        )


def notice_file_path(instance, filename):
    return f"notices/{instance.county_id}/{instance.month:%Y-%m}-{timezone.now():%Y%m%d%H%M%S}{filename[-5:]}"


class RankingNotice(models.Model):
    """The monthly ranking notice (通报): a draft built from the figures on the 2nd (or on demand), an
    admin's foreword, then published with its number; publishing keeps the DOCX and the xlsx."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="ranking_notices", verbose_name="县区")
    month = models.DateField("月份")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    figures = models.JSONField("数据", default=dict)
    foreword = models.TextField("按语", blank=True, validators=[multiline_text])
    number = models.CharField("期号", max_length=30, blank=True)
    built_at = models.DateTimeField("生成时间", default=timezone.now)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发布人",
    )
    docx_file = models.FileField("通报（DOCX）", storage=attachment_storage, upload_to=notice_file_path, blank=True)
    xlsx_file = models.FileField("通报（XLSX）", storage=attachment_storage, upload_to=notice_file_path, blank=True)

    objects = RankingNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "月度通报"
        ordering = ["county", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["county", "month"], name="ranking_notice_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="ranking_notice_month_first_day"),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(published_at__isnull=False, number__gt=""),
                name="ranking_notice_published_numbered",
            ),
        ]

    def __str__(self):
        return f"{self.county.name}{self.month.year}年{self.month.month}月信息报送通报（{self.get_state_display()}）"

    @property
    def title(self) -> str:
        return f"关于{self.month.year}年{self.month.month}月劳动领域信息报送情况的通报"
