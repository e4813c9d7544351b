"""Events (突发事件): the chain of one emergency's reports — 初报, 续报 N, 终报 — the 续报 that were due
and missed (漏报), and leads (线索) that gather several officers' reports of the same incident."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from officers.models import County, Enterprise, Officer, Township
from officers.scoping import apply_scope
from unionportal.core.constraints import CheckConstraintsInOneQuery
from unionportal.core.validators import multiline_text, single_line_text

from ..choices import EntryKind, EntrySource, EventState


class EventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see their county's events; an officer the events they reported into (any entry)."""
        return apply_scope(self, user, county="county", owner=("officer__user", "entries__officer__user"))

    def joinable_by(self, user):
        """The open events an officer of the county may file a 续报 into: the county's, like the lists an
        officer picks a township from (the page shows only what names the incident, not its reports)."""
        return apply_scope(self.filter(state=EventState.OPEN), user, county="county", shared_with_officers=True)


class Event(CheckConstraintsInOneQuery, models.Model):
    """One emergency, from its 初报 until its 终报. Opened by submitting a 突发 report; while open a 续报
    is due every day by the county's hour (``next_due_at``); other engineers' risk levels and
    supervision items point here."""

    State = EventState

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="events", verbose_name="县区")
    officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="events_opened", verbose_name="初报信息员"
    )
    title = models.CharField("事件名称", max_length=100, validators=[single_line_text])
    township = models.ForeignKey(
        Township, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="事发地"
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.SET_NULL, null=True, blank=True, related_name="events", verbose_name="涉及企业"
    )
    enterprise_name = models.CharField("涉及企业或场所", max_length=100, blank=True, validators=[single_line_text])
    occurred_at = models.DateTimeField("发生时间")
    opened_at = models.DateTimeField("初报时间")
    state = models.CharField("状态", max_length=10, choices=EventState.choices, default=EventState.OPEN)
    # The oldest 续报 due time not yet answered; None once the event is closed.
    next_due_at = models.DateTimeField("续报截止时间", null=True, blank=True)
    followup_count = models.PositiveSmallIntegerField("续报次数", default=0)
    closed_at = models.DateTimeField("终报时间", null=True, blank=True)
    outcome = models.TextField("处置结果", blank=True, validators=[multiline_text])
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_events", verbose_name="并入事件"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "突发事件"
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=EventState.values), name="event_state_valid"),
            models.CheckConstraint(
                condition=~Q(state=EventState.OPEN) | Q(next_due_at__isnull=False), name="event_open_has_due"
            ),
            models.CheckConstraint(
                condition=~Q(state=EventState.CLOSED) | Q(closed_at__isnull=False, next_due_at__isnull=True),
                name="event_closed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state=EventState.MERGED) | Q(merged_into__isnull=False, next_due_at__isnull=True),
                name="event_merged_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(state=EventState.WITHDRAWN) | Q(next_due_at__isnull=True), name="event_withdrawn_not_due"
            ),
        ]
        indexes = [
            models.Index(fields=["county", "state", "opened_at"], name="event_county_state_idx"),
            models.Index(fields=["state", "next_due_at"], name="event_due_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == EventState.OPEN

    @property
    def place(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.enterprise_name


class EventEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An entry follows its event's rule."""
        return self.filter(event__in=Event.objects.visible_to(user))


class EventEntry(CheckConstraintsInOneQuery, models.Model):
    """One link of an event's chain: the 初报 (the officer's 突发 report), a 续报 N with what changed, or
    the 终报 with the outcome. Filed by an officer, or by staff (an entry of their own, or a report
    received by phone on an officer's behalf, which that officer then confirms)."""

    Kind = EntryKind
    Source = EntrySource

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="entries", verbose_name="事件")
    kind = models.CharField("类型", max_length=10, choices=EntryKind.choices)
    # 续报 N; 0 for the 初报 and the 终报.
    number = models.PositiveSmallIntegerField("序号", default=0)
    report = models.OneToOneField(
        "reports.Report",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_entry",
        verbose_name="报送信息",
    )
    officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="event_entries", verbose_name="报告人"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="录入人"
    )
    source = models.CharField("来源", max_length=10, choices=EntrySource.choices, default=EntrySource.PORTAL)
    reported_at = models.DateTimeField("报告时间")
    due_at = models.DateTimeField("应报时间", null=True, blank=True)
    on_time = models.BooleanField("按时续报", null=True, blank=True)
    workers_involved = models.PositiveIntegerField("涉及人数", null=True, blank=True)
    demands = models.TextField("诉求", blank=True, validators=[multiline_text])
    measures = models.TextField("已采取的措施", blank=True, validators=[multiline_text])
    situation = models.TextField("事态进展", blank=True, validators=[multiline_text])
    outcome = models.TextField("处置结果", blank=True, validators=[multiline_text])
    confirmed_at = models.DateTimeField("信息员确认时间", null=True, blank=True)
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)

    objects = EventEntryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "事件报告"
        ordering = ["reported_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="event_entry_kind_valid"),
            models.CheckConstraint(condition=Q(source__in=EntrySource.values), name="event_entry_source_valid"),
            models.UniqueConstraint(fields=["event", "kind", "number"], name="event_entry_one_per_number"),
            models.CheckConstraint(
                condition=~Q(kind=EntryKind.INITIAL) | Q(report__isnull=False), name="event_initial_is_a_report"
            ),
            models.CheckConstraint(
                condition=~Q(kind=EntryKind.FOLLOWUP) | Q(number__gte=1, due_at__isnull=False, on_time__isnull=False),
                name="event_followup_numbered_and_timed",
            ),
            models.CheckConstraint(condition=~Q(kind=EntryKind.FINAL) | ~Q(outcome=""), name="event_final_has_outcome"),
            models.CheckConstraint(
                condition=Q(source=EntrySource.STAFF) | Q(officer__isnull=False), name="event_entry_names_officer"
            ),
        ]
        indexes = [
            models.Index(fields=["event", "reported_at"], name="event_entry_chain_idx"),
            models.Index(fields=["kind", "reported_at"], name="event_entry_kind_idx"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.kind == EntryKind.FOLLOWUP:
            return f"续报{self.number}"
        return self.get_kind_display()

    @property
    def awaits_confirmation(self) -> bool:
        return self.source == EntrySource.PHONE and self.confirmed_at is None


class MissedFollowupQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="county", owner="officer__user")


class MissedFollowup(models.Model):
    """A 续报 due time that passed with no 续报 (漏报): written once per event and due time by the sweep,
    which tells the reporting officer, then the county's admins. A 续报 filed late answers it: it is
    then 迟报, no longer 漏报."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="missed", verbose_name="事件")
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+", verbose_name="县区")
    officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="missed_followups", verbose_name="信息员"
    )
    due_at = models.DateTimeField("应报时间")
    officer_notified_at = models.DateTimeField("提醒信息员时间", null=True, blank=True)
    admins_notified_at = models.DateTimeField("告知管理员时间", null=True, blank=True)
    answered_by = models.OneToOneField(
        EventEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="answers", verbose_name="补报"
    )
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = MissedFollowupQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "续报漏报记录"
        ordering = ["-due_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["event", "due_at"], name="missed_followup_once")]
        indexes = [
            models.Index(fields=["county", "due_at"], name="missed_followup_county_idx"),
            models.Index(fields=["officer", "due_at"], name="missed_followup_officer_idx"),
        ]

    def __str__(self):
        return f"{self.event}：{timezone.localtime(self.due_at):%m-%d %H:%M} 应报续报未报"


class LeadQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="county")


class Lead(models.Model):
    """线索: the reports of one incident by several officers, merged by staff. The first report keeps
    its grade; a report merged later is graded on its own merit and never adopted separately."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="leads", verbose_name="县区")
    title = models.CharField("线索名称", max_length=100, validators=[single_line_text])
    first_report = models.OneToOneField(
        "reports.Report", on_delete=models.PROTECT, related_name="lead_started", verbose_name="首报信息"
    )
    event = models.OneToOneField(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="lead", verbose_name="事件"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="合并人"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "线索"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title
