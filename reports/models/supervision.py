"""Risk levels (风险等级) on what the union watches, and supervision items (督办) to closure.

Both belong to a subject: a report here, a dispute case (declared by label, as core's AuditEntry does:
this floor imports nothing of disputes), and later an event and a leader's instruction. Adding a kind
of subject is one nullable FK below and one entry in ``SUBJECT_FIELDS``; the constraints that say
"exactly one subject" and "one current level per subject" are built from that tuple."""

from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from officers.models import County
from officers.scoping import apply_scope
from unionportal.core.validators import multiline_text, single_line_text

from ..choices import ExtensionState, RiskLevel, SupervisionColour, SupervisionKind, SupervisionState
from .report import Report

# The subject FKs, in one place. The coordinator adds "event" (reports.Event, h16a) and "instruction"
# (the leader's 批示, h15b) here with their FKs on merge.
SUBJECT_FIELDS = ("report", "case")
SUBJECT_LABELS = {"report": "报送信息", "case": "争议案件", "event": "事件", "instruction": "领导批示"}


def exactly_one_subject(fields=SUBJECT_FIELDS) -> Q:
    return reduce(
        or_, (Q(**{f"{f}__isnull": False}, **{f"{o}__isnull": True for o in fields if o != f}) for f in fields)
    )


def _report_fk(related_name):
    return models.ForeignKey(
        Report, on_delete=models.CASCADE, null=True, blank=True, related_name=related_name, verbose_name="报送信息"
    )


def _case_fk(related_name):
    return models.ForeignKey(
        "disputes.DisputeCase",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name="争议案件",
    )


class SubjectMixin:
    @property
    def subject_field(self) -> str:
        return next(f for f in SUBJECT_FIELDS if getattr(self, f"{f}_id") is not None)

    @property
    def subject(self):
        return getattr(self, self.subject_field)

    @property
    def subject_label(self) -> str:
        return SUBJECT_LABELS[self.subject_field]


class RiskAssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The county's staff only: a risk level is the union's judgement, not the officer's."""
        return apply_scope(self, user, county="county")

    def current(self):
        return self.filter(superseded_at__isnull=True)


class RiskAssessment(SubjectMixin, models.Model):
    """A risk level set on a subject, with its reason and deadlines. A change writes a new row and marks
    the one before superseded: every change is kept."""

    Level = RiskLevel

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name="县区")
    report = _report_fk("risk_assessments")
    case = _case_fk("risk_assessments")
    # event = FK("reports.Event"), instruction = FK(the leader's instruction): added on merge.
    level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices)
    previous_level = models.CharField("原等级", max_length=8, choices=RiskLevel.choices, blank=True)
    reason = models.TextField("理由", validators=[multiline_text])
    response_due_at = models.DateTimeField("响应时限")
    handling_due_at = models.DateTimeField("处置时限")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="设定人"
    )
    set_at = models.DateTimeField("设定时间", default=timezone.now)
    superseded_at = models.DateTimeField("被调整时间", null=True, blank=True)

    objects = RiskAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "风险等级记录"
        ordering = ["-set_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=exactly_one_subject(), name="risk_exactly_one_subject"),
            models.CheckConstraint(condition=Q(level__in=RiskLevel.values), name="risk_level_valid"),
            models.CheckConstraint(condition=~Q(reason=""), name="risk_has_reason"),
            *(
                models.UniqueConstraint(
                    fields=[f],
                    condition=Q(superseded_at__isnull=True, **{f"{f}__isnull": False}),
                    name=f"risk_one_current_per_{f}",
                )
                for f in SUBJECT_FIELDS
            ),
        ]
        indexes = [models.Index(fields=["county", "superseded_at", "level"], name="risk_current_idx")]

    def __str__(self):
        return f"{self.get_level_display()}：{self.subject}"


class SupervisionItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The county's staff (reviewers and admins); officers see none."""
        return apply_scope(self, user, county="county")

    def open(self):
        return self.filter(state=SupervisionState.OPEN)


class SupervisionItem(SubjectMixin, models.Model):
    """督办事项: someone owns it, it is due, and the portal colours it from the clock (the sweep)."""

    Kind = SupervisionKind
    State = SupervisionState
    Colour = SupervisionColour

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name="县区")
    kind = models.CharField("督办类别", max_length=12, choices=SupervisionKind.choices)
    report = _report_fk("supervision_items")
    case = _case_fk("supervision_items")
    # event, instruction: added on merge, with their entries in SUBJECT_FIELDS.
    # What opened it (risk:report:12, untold:case:5 …): at most one open item per cause, so opening it
    # again (a second run of a job, two workers) finds the one already open.
    cause_key = models.CharField("来源标识", max_length=120)
    title = models.CharField("事项", max_length=200, validators=[single_line_text])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervision_items", verbose_name="责任人"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="交办人",
    )
    opened_at = models.DateTimeField("交办时间", default=timezone.now)
    response_due_at = models.DateTimeField("响应时限", null=True, blank=True)
    responded_at = models.DateTimeField("响应时间", null=True, blank=True)
    due_at = models.DateTimeField("办结时限")
    state = models.CharField("状态", max_length=8, choices=SupervisionState.choices, default=SupervisionState.OPEN)
    colour = models.CharField(
        "督办颜色", max_length=8, choices=SupervisionColour.choices, default=SupervisionColour.NONE
    )
    colour_since = models.DateTimeField("颜色变化时间", default=timezone.now)
    # The last due date whose turning red was escalated: a later red (after an approved extension ran
    # out too) is a new lateness and is told again; the same one never twice.
    escalated_due_at = models.DateTimeField("已上报红色督办（时限）", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="办结人",
    )
    close_note = models.TextField("办结情况", blank=True, validators=[multiline_text])

    objects = SupervisionItemQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "督办事项"
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(condition=exactly_one_subject(), name="supervision_exactly_one_subject"),
            models.CheckConstraint(condition=Q(kind__in=SupervisionKind.values), name="supervision_kind_valid"),
            models.CheckConstraint(condition=Q(colour__in=SupervisionColour.values), name="supervision_colour_valid"),
            models.CheckConstraint(
                condition=Q(state=SupervisionState.OPEN, closed_at__isnull=True)
                | Q(state=SupervisionState.CLOSED, closed_at__isnull=False),
                name="supervision_closed_has_time",
            ),
            models.UniqueConstraint(
                fields=["cause_key"], condition=Q(state=SupervisionState.OPEN), name="supervision_one_open_per_cause"
            ),
        ]
        indexes = [
            models.Index(fields=["county", "state", "colour", "due_at"], name="supervision_open_idx"),
            models.Index(fields=["owner", "state", "due_at"], name="supervision_owner_idx"),
            models.Index(fields=["state", "due_at"], name="supervision_sweep_idx"),
            models.Index(fields=["county", "closed_at"], name="supervision_closed_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == SupervisionState.OPEN


class SupervisionExtension(models.Model):
    """An extension asked for with a reason and decided by a county admin: kept, never changed after."""

    State = ExtensionState

    item = models.ForeignKey(
        SupervisionItem, on_delete=models.CASCADE, related_name="extensions", verbose_name="督办事项"
    )
    previous_due_at = models.DateTimeField("原时限")
    new_due_at = models.DateTimeField("申请延至")
    reason = models.TextField("延期理由", validators=[multiline_text])
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="申请人"
    )
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    state = models.CharField("审批状态", max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审批人",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True, validators=[multiline_text])

    class Meta:
        verbose_name = verbose_name_plural = "督办延期申请"
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_at__gt=models.F("previous_due_at")), name="supervision_extension_later"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="supervision_extension_has_reason"),
            models.UniqueConstraint(
                fields=["item"], condition=Q(state=ExtensionState.PENDING), name="supervision_one_pending_extension"
            ),
        ]

    def __str__(self):
        return f"{self.item} 延期至 {timezone.localtime(self.new_due_at):%Y-%m-%d %H:%M}"


class SupervisionLog(models.Model):
    """The item's timeline: opened, colour changes, escalation, response, extensions, closing."""

    class Action(models.TextChoices):
        OPENED = "opened", "交办"
        COLOUR = "colour", "颜色变化"
        ESCALATED = "escalated", "红色督办上报"
        RESPONDED = "responded", "响应"
        DEADLINE = "deadline", "时限调整"
        EXTENSION_ASKED = "ext_asked", "申请延期"
        EXTENSION_APPROVED = "ext_approved", "批准延期"
        EXTENSION_REFUSED = "ext_refused", "不批准延期"
        CLOSED = "closed", "办结"

    item = models.ForeignKey(SupervisionItem, on_delete=models.CASCADE, related_name="logs", verbose_name="督办事项")
    action = models.CharField("操作", max_length=14, choices=Action.choices)
    from_colour = models.CharField("原颜色", max_length=8, choices=SupervisionColour.choices, blank=True)
    to_colour = models.CharField("新颜色", max_length=8, choices=SupervisionColour.choices, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "督办记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.note}"
