"""The enterprise risk ledger (企业风险台账): every report, event, case and risk level about an enterprise
over time, the money recovered, repeat reporting, open supervision; and the county's enterprises ordered by
current risk and recent activity. Staff only; every read goes through ``visible_to``. Counts and sums
are subqueries: a fixed number of queries whatever the number of enterprises."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    DecimalField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from disputes.models import DisputeCase, Outcome
from officers.models import Enterprise, Township
from officers.rules import RISK_LEVELS
from officers.selectors import with_names
from reports.models import COUNTED_STATUSES, Event, EventState, Report, RiskAssessment, SupervisionItem
from unionportal.core.clock import BEIJING
from unionportal.core.exports import escape_formula

REPEAT_WINDOW_DAYS = 90  # "three months" of repeat reporting
REPEAT_AT_LEAST = 2
RISK_RANK = {level: rank for rank, level in enumerate(RISK_LEVELS)}  # red 0 … blue 3
NO_RISK = len(RISK_LEVELS)
EPOCH = datetime(2000, 1, 1, tzinfo=BEIJING)


def _rank_of_level():
    return Case(
        *(When(level=level, then=Value(rank)) for level, rank in RISK_RANK.items()),
        output_field=IntegerField(),
    )


def _about_enterprise(enterprise):
    """Risk levels and supervision items about ``enterprise`` (an OuterRef or a row): through its
    reports, its cases, or its events (an event names the enterprise its 初报 named)."""
    return Q(report__enterprise=enterprise) | Q(case__enterprise=enterprise) | Q(event__enterprise=enterprise)


def _about():
    return _about_enterprise(OuterRef("pk"))


def _count(qs):
    """COUNT(*) of ``qs`` as a scalar subquery (an aggregate Django does not group by)."""
    return Subquery(qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"), output_field=IntegerField())


def enterprise_rows(enterprises, *, now=None):
    """``enterprises`` annotated with the ledger's columns (all in the one query)."""
    now = now or timezone.now()
    current = RiskAssessment.objects.current().filter(_about()).annotate(rank=_rank_of_level()).order_by("rank")
    reports = Report.objects.filter(enterprise=OuterRef("pk"), status__in=COUNTED_STATUSES)
    cases = DisputeCase.objects.filter(enterprise=OuterRef("pk"))
    events = Event.objects.filter(enterprise=OuterRef("pk")).exclude(state=EventState.WITHDRAWN)
    money = (
        Outcome.objects.counted()
        .filter(case__enterprise=OuterRef("pk"))
        .order_by()
        .values("case__enterprise")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    open_items = SupervisionItem.objects.open().filter(_about())
    return enterprises.annotate(
        risk_rank=Coalesce(Subquery(current.values("rank")[:1]), Value(NO_RISK)),
        risk_level=Coalesce(Subquery(current.values("level")[:1], output_field=CharField()), Value("")),
        report_count=Coalesce(_count(reports), 0),
        recent_reports=Coalesce(_count(reports.filter(submitted_at__gte=now - timedelta(days=REPEAT_WINDOW_DAYS))), 0),
        case_count=Coalesce(_count(cases), 0),
        money_recovered=Coalesce(
            Subquery(money, output_field=DecimalField(max_digits=16, decimal_places=2)), Value(Decimal("0"))
        ),
        open_supervision=Coalesce(_count(open_items), 0),
        last_activity=Greatest(
            Coalesce(Subquery(reports.order_by("-submitted_at").values("submitted_at")[:1]), Value(EPOCH)),
            Coalesce(Subquery(cases.order_by("-last_activity_at").values("last_activity_at")[:1]), Value(EPOCH)),
            Coalesce(Subquery(events.order_by("-opened_at").values("opened_at")[:1]), Value(EPOCH)),
            output_field=DateTimeField(),
        ),
    )


def enterprise_list(*, user, township: str = "", industry: str = "", q: str = "", now=None):
    """The county's enterprises, gravest current risk first, then the most recently active."""
    enterprises = Enterprise.objects.visible_to(user).select_related("township")
    if township.isdigit():
        enterprises = enterprises.filter(township_id=int(township))
    if industry:
        enterprises = enterprises.filter(industry=industry)
    if q.strip():
        enterprises = enterprises.filter(Q(name__icontains=q.strip()) | Q(credit_code__iexact=q.strip()))
    return enterprise_rows(enterprises, now=now).order_by("risk_rank", "-last_activity", "name", "pk")


def filter_choices(*, user) -> dict:
    """The townships and industries of the user's county, for the list's filters (two queries)."""
    return {
        "townships": list(Township.objects.visible_to(user).values_list("pk", "name")),
        "industries": list(
            Enterprise.objects.visible_to(user)
            .exclude(industry="")
            .order_by("industry")
            .values_list("industry", flat=True)
            .distinct()
        ),
    }


def enterprise_ledger(*, user, pk: int, now=None) -> dict:
    """One enterprise's page; Enterprise.DoesNotExist when ``user`` may not see it."""
    now = now or timezone.now()
    enterprise = enterprise_rows(Enterprise.objects.visible_to(user).select_related("township", "county"), now=now).get(
        pk=pk
    )
    reports = list(
        Report.objects.visible_to(user)
        .filter(enterprise=enterprise, status__in=COUNTED_STATUSES)
        .select_related("township")
        .order_by("-submitted_at")
    )
    cases = list(
        DisputeCase.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .annotate(
            recovered=Coalesce(
                Sum("outcomes__amount", filter=Q(outcomes__voided_at__isnull=True)),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=16, decimal_places=2),
            )
        )
        .order_by("-registered_on", "-pk")
    )
    events = list(
        Event.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .exclude(state=EventState.WITHDRAWN)
        .order_by("-opened_at", "-pk")
    )
    risks = list(
        with_names(
            RiskAssessment.objects.visible_to(user).filter(_about_enterprise(enterprise)), "set_by"
        ).select_related("report", "case", "event")
    )
    items = list(
        with_names(
            SupervisionItem.objects.visible_to(user).open().filter(_about_enterprise(enterprise)), "owner"
        ).order_by("due_at")
    )
    money = dict(
        Outcome.objects.counted()
        .filter(case__in=[c.pk for c in cases])
        .order_by()
        .values_list("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    timeline = sorted(
        [("report", r.submitted_at, r) for r in reports]
        + [("event", e.opened_at, e) for e in events]
        + [("case", datetime.combine(c.registered_on, datetime.min.time(), tzinfo=BEIJING), c) for c in cases]
        + [("risk", a.set_at, a) for a in risks],
        key=lambda row: row[1],
        reverse=True,
    )
    since = now - timedelta(days=REPEAT_WINDOW_DAYS)
    recent = [r for r in reports if r.submitted_at >= since]
    return {
        "enterprise": enterprise,
        "timeline": timeline,
        "reports": reports,
        "cases": cases,
        "events": events,
        "risks": risks,
        "items": items,
        "money": {
            "compensation": money.get(Outcome.Kind.COMPENSATION, Decimal("0")),
            "wages": money.get(Outcome.Kind.WAGES, Decimal("0")),
            "total": sum(money.values(), Decimal("0")),
        },
        "recent_reports": recent,
        "repeated": len(recent) >= REPEAT_AT_LEAST,
        "since": since,
    }


EXPORT_HEADERS = (
    "单位名称",
    "统一社会信用代码",
    "镇区街道",
    "所属行业",
    "当前风险等级",
    "报送信息（条）",
    "近三个月报送（条）",
    "争议案件（件）",
    "追回金额（元）",
    "未办结督办（项）",
    "最近动态",
)
LEVEL_LABELS = dict(RiskAssessment.Level.choices)


def export_rows(enterprises):
    """The list as cells: text escaped (core.exports), counts and money as numbers."""
    for e in enterprises:
        yield [
            escape_formula(e.name),
            escape_formula(e.credit_code),
            escape_formula(e.township.name if e.township_id else ""),
            escape_formula(e.industry),
            LEVEL_LABELS.get(e.risk_level, "未定级"),
            e.report_count,
            e.recent_reports,
            e.case_count,
            e.money_recovered,
            e.open_supervision,
            "" if e.last_activity <= EPOCH else timezone.localtime(e.last_activity).strftime("%Y-%m-%d %H:%M"),
        ]
