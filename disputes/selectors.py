"""Reads of the dispute module: scoped through ``visible_to``; figures aggregated in the database."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone

from officers import selectors as officer_selectors
from reports.models import Report, RiskAssessment, SupervisionItem
from unionportal.core.prefetching import filled_flags, prefetch_filled

from . import rules
from .models import (
    Agreement,
    CaseAttachment,
    CaseStatus,
    DisputeCase,
    DisputeType,
    FollowUp,
    Instalment,
    MediationExtension,
    MediationResult,
    Outcome,
    OutcomeCorrection,
    ReturnVisit,
    Satisfaction,
)

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _outcome_total(kind: str):
    return Coalesce(
        Subquery(
            Outcome.objects.counted()
            .filter(case=OuterRef("pk"), kind=kind)
            .order_by()
            .values("case")
            .annotate(total=Sum("amount"))
            .values("total")
        ),
        ZERO,
    )


def with_money(cases):
    """Each case's compensation and wages recovered (voided payments left out), summed in the database
    (the ledger's two money columns, which an export must carry: a blank there reads as 0 when the file
    comes back). The sums' scale depends on the database (SQLite gives 1260000 for 1260000.00): who
    prints them quantizes."""
    return cases.annotate(compensation=_outcome_total("compensation"), wages=_outcome_total("wages"))


def case_numbers_of(*, report) -> list[str]:
    """The cases a report already became (a report becomes a case once)."""
    return list(report.dispute_cases.order_by("number").values_list("number", flat=True))


LINK_CHOICES = 20  # reports offered at once when linking one to a case: a search narrows them


def reports_to_link(*, user, case: DisputeCase, q: str = "", on: date | None = None):
    """The reports ``user`` may link to ``case``: their county's, sent (not drafts or withdrawn), not
    linked already; narrowed by words of the title or employer and by the day sent (Beijing time)."""
    reports = (
        Report.objects.visible_to(user)
        .filter(county_id=case.county_id)
        .exclude(status__in=[Report.Status.DRAFT, Report.Status.WITHDRAWN])
        .exclude(dispute_cases=case)
        .select_related("enterprise", "officer")
        .order_by("-submitted_at", "-id")
    )
    q = q.strip()
    if q:
        reports = reports.filter(
            Q(title__icontains=q) | Q(enterprise__name__icontains=q) | Q(enterprise_name__icontains=q)
        )
    if on is not None:
        reports = reports.filter(submitted_at__date=on)
    return reports


def case_list(*, user, sort: str = ""):
    """A user's cases; ``sort="deadline"``: cases in mediation by days left (the nearest deadline
    first), then the others, newest first."""
    cases = with_money(
        DisputeCase.objects.visible_to(user).select_related("county", "enterprise", "township", "agreement")
    )
    if sort == "deadline":
        in_mediation = Q(status=CaseStatus.MEDIATING)
        cases = cases.annotate(
            clock_running=Case(When(in_mediation, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by("clock_running", F("mediation_deadline").asc(nulls_last=True), "-registered_on", "-id")
    return cases


def untold_overdue(cases, *, today: date | None = None):
    """Cases whose mediation deadline has passed without an agreement and whose worker has not been
    told of the right to arbitration (§14): a supervision item, red on the list and the staff home."""
    today = today or timezone.localdate()
    return cases.filter(
        status__in=rules.UNTOLD_STATUSES,
        mediation_deadline__lt=today,
        arbitration_told_on__isnull=True,
    )


def untold_overdue_count(*, user, today: date | None = None) -> int:
    return untold_overdue(DisputeCase.objects.visible_to(user), today=today).count()


# What a case's page shows of each of its reports: a link with the title and the date, the officer's
# name, and whose it is (an officer who only reported sees their own reports of the case).
CASE_REPORT_FIELDS = ("title", "submitted_at", "officer__name", "officer__user")


def _case_lists() -> dict:
    """The lists a case's page shows: name: ((the list's model, its column holding the case's key),
    its prefetch). The accounts in them (authors, recorders, handlers) are read for their names and
    the reports for their title, date and officer's name: what the page shows, not whole rows."""
    named = officer_selectors.with_names
    return {
        "follow_ups": ((FollowUp, "case_id"), Prefetch("follow_ups", queryset=named(FollowUp.objects, "author"))),
        "outcomes": (
            (Outcome, "case_id"),
            Prefetch(
                "outcomes",
                queryset=named(Outcome.objects, "voided_by").prefetch_related(
                    Prefetch("corrections", queryset=named(OutcomeCorrection.objects, "corrected_by"))
                ),
            ),
        ),
        "extensions": (
            (MediationExtension, "case_id"),
            Prefetch("extensions", queryset=named(MediationExtension.objects, "recorded_by")),
        ),
        "instalments": ((Instalment, "case_id"), "instalments"),
        "return_visits": (
            (ReturnVisit, "case_id"),
            Prefetch("return_visits", queryset=named(ReturnVisit.objects, "recorded_by")),
        ),
        "attachments": ((CaseAttachment, "case_id"), "attachments"),
        "handlers": (
            (DisputeCase.handlers.through, "disputecase_id"),
            Prefetch("handlers", queryset=get_user_model().objects.only(*officer_selectors.NAME_FIELDS)),
        ),
        "reports": (
            (DisputeCase.reports.through, "disputecase_id"),
            Prefetch("reports", queryset=Report.objects.select_related("officer").only(*CASE_REPORT_FIELDS)),
        ),
    }


# Not prefetched: the case's risk levels and supervision items, read by reports.selectors.risk_panel.
PANELS = {"risks": (RiskAssessment, "case_id"), "supervision_items": (SupervisionItem, "case_id")}


def case_detail(*, user, pk) -> DisputeCase:
    """One case with everything its page shows; DisputeCase.DoesNotExist when ``user`` may not see it.
    Only the lists that have rows are read (core.prefetching): a case of the ledger, with none, is one
    query, not nine."""
    lists = _case_lists()
    case = (
        with_money(DisputeCase.objects.visible_to(user))
        .select_related("enterprise", "township", "agreement")
        .annotate(**filled_flags(DisputeCase, **{name: rows for name, (rows, _) in lists.items()}, **PANELS))
        .get(pk=pk)
    )
    prefetch_filled(case, {name: lookup for name, (_, lookup) in lists.items()})
    return case


def agreement_of(case: DisputeCase) -> Agreement | None:
    """The case's recorded mediation agreement, or None."""
    try:
        return case.agreement
    except Agreement.DoesNotExist:
        return None


def grace_days_of(county_id: int, today: date) -> int:
    """The county's grace before 可申请支付令, in force on ``today`` (officers.DeadlineSetting)."""
    return officer_selectors.deadline_terms(county_id=county_id, on=today).payment_order_grace_days


def agreement_progress(*, case: DisputeCase, today: date | None = None, grace_days: int | None = None) -> dict:
    """The agreement's instalments against the payments counted (voided ones left out), matched in
    due-date order (rules.match_instalments); uses the case's prefetched instalments and outcomes."""
    today = today or timezone.localdate()
    schedule = [(i.due_on, i.amount) for i in case.instalments.all()]
    if grace_days is not None:
        grace = grace_days
    elif schedule:
        grace = grace_days_of(case.county_id, today)
    else:
        grace = 0  # no schedule: nothing is measured against the grace, the county's terms are not read
    states = rules.match_instalments(
        schedule=schedule,
        payments=[(o.received_on, o.amount) for o in case.outcomes.all() if o.voided_at is None],
        today=today,
    )
    zero = Decimal("0")
    agreement = agreement_of(case)  # after 司法确认 an overdue instalment means 强制执行, not 支付令
    remedy = rules.overdue_remedy(
        states, court_confirmed=bool(agreement and agreement.court_confirmed), grace_days=grace
    )
    return {
        "states": states,
        "remedy": remedy,
        "remedy_label": rules.REMEDY_LABELS.get(remedy, ""),
        "total": sum((s.amount for s in states), zero),
        "paid": sum((s.paid for s in states), zero),
        "due": sum((s.outstanding for s in states if s.due_on <= today), zero),
        "overdue": sum((s.outstanding for s in states if s.state == rules.OVERDUE), zero),
        "payment_order": rules.payment_order_possible(states, grace),
        "standing": rules.agreement_standing(states, grace),
    }


def agreement_standings(*, cases, start: date, end: date, today: date | None = None) -> dict:
    """Agreements with a schedule reached in [start, end], counted as kept, late, broken and still
    running (rules.agreement_standing). Three queries and one per county, whatever the number of cases."""
    today = today or timezone.localdate()
    agreed = (
        cases.filter(mediation_result=MediationResult.SUCCESS, result_on__gte=start, result_on__lte=end)
        .filter(instalments__isnull=False)
        .distinct()
        .order_by()
        .select_related("agreement")
        .prefetch_related("instalments", Prefetch("outcomes", queryset=Outcome.objects.counted()))
    )
    counts = {rules.KEPT: 0, rules.LATE: 0, rules.BROKEN: 0, rules.RUNNING: 0}
    grace = {}  # one look-up per county, not per case
    for case in agreed:
        if case.county_id not in grace:
            grace[case.county_id] = grace_days_of(case.county_id, today)
        counts[agreement_progress(case=case, today=today, grace_days=grace[case.county_id])["standing"]] += 1
    return counts


def return_visits_due(cases, *, today: date | None = None):
    """Closed cases whose return visit has fallen due (rules.RETURN_VISIT_DAYS after closing) and
    whose worker has not been reached since that closing."""
    today = today or timezone.localdate()
    reached = ReturnVisit.objects.filter(case=OuterRef("pk"), closed_on=OuterRef("closed_on"), reached=True)
    return cases.filter(
        status=CaseStatus.CLOSED, closed_on__lte=today - timedelta(days=rules.RETURN_VISIT_DAYS)
    ).exclude(Exists(reached))


def return_visit_figures(*, cases, start: date, end: date) -> dict:
    """Return visits made in [start, end] (the worker reached), by satisfaction, and cases reopened."""
    visits = ReturnVisit.objects.filter(case__in=cases.values("pk"), visited_on__gte=start, visited_on__lte=end)
    return visits.aggregate(
        done=Count("pk", filter=Q(reached=True)),
        satisfied=Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        fairly=Count("pk", filter=Q(satisfaction=Satisfaction.FAIRLY)),
        dissatisfied=Count("pk", filter=Q(satisfaction=Satisfaction.DISSATISFIED)),
        reopened=Count("pk", filter=Q(reopened=True)),
    )


def dispute_figures(*, cases, start: date, end: date) -> dict:
    """The contract's figures for [start, end] (both included) over ``cases``: two queries.

    registered: cases registered; concluded: mediation outcomes reached; successful: of them 成功;
    workers: workers in those successful cases; success_rate: successful / concluded (None when
    nothing concluded); compensation and wages_recovered: yuan recorded in the period (voided
    payments left out, corrected ones at their corrected amount).
    """
    in_period = Q(result_on__gte=start, result_on__lte=end)
    counts = cases.aggregate(
        registered=Count("pk", filter=Q(registered_on__gte=start, registered_on__lte=end)),
        concluded=Count("pk", filter=in_period & ~Q(mediation_result="")),
        successful=Count("pk", filter=in_period & Q(mediation_result=MediationResult.SUCCESS)),
        workers=Coalesce(Sum("workers_involved", filter=in_period & Q(mediation_result=MediationResult.SUCCESS)), 0),
    )
    money = (
        Outcome.objects.counted()
        .filter(case__in=cases.values("pk"), received_on__gte=start, received_on__lte=end)
        .aggregate(
            compensation=Coalesce(Sum("amount", filter=Q(kind=Outcome.Kind.COMPENSATION)), ZERO),
            wages=Coalesce(Sum("amount", filter=Q(kind=Outcome.Kind.WAGES)), ZERO),
        )
    )
    return {
        "registered": counts["registered"],
        "concluded": counts["concluded"],
        "successful": counts["successful"],
        "workers": counts["workers"],
        "success_rate": rules.success_rate(successful=counts["successful"], concluded=counts["concluded"]),
        "compensation": money["compensation"].quantize(Decimal("0.01")),
        "wages_recovered": money["wages"].quantize(Decimal("0.01")),
    }


def dispute_breakdown(*, cases, start: date, end: date) -> dict:
    """Registered, concluded and successful by type, township and month of the period."""
    registered = Q(registered_on__gte=start, registered_on__lte=end)
    concluded = Q(result_on__gte=start, result_on__lte=end) & ~Q(mediation_result="")
    success = concluded & Q(mediation_result=MediationResult.SUCCESS)
    measures = {
        "registered": Count("pk", filter=registered),
        "concluded": Count("pk", filter=concluded),
        "successful": Count("pk", filter=success),
    }
    period = cases.filter(registered | concluded).order_by()
    labels = dict(DisputeType.choices)
    by_type = [
        {"label": labels[row["dispute_type"]], **{k: row[k] for k in measures}}
        for row in period.values("dispute_type").annotate(**measures).order_by("dispute_type")
    ]
    by_township = [
        {"label": row["township__name"] or "未填写", **{k: row[k] for k in measures}}
        for row in period.values("township__name").annotate(**measures).order_by("township__name")
    ]
    # A case counts in the month it was registered and in the month its outcome came.
    months = {}
    for y, m, n in (
        cases.filter(registered)
        .order_by()
        .annotate(y=ExtractYear("registered_on"), m=ExtractMonth("registered_on"))
        .values_list("y", "m")
        .annotate(n=Count("pk"))
        .values_list("y", "m", "n")
    ):
        months.setdefault((y, m), {"registered": 0, "concluded": 0, "successful": 0})["registered"] = n
    for y, m, n, ok in (
        cases.filter(concluded)
        .order_by()
        .annotate(y=ExtractYear("result_on"), m=ExtractMonth("result_on"))
        .values_list("y", "m")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(mediation_result=MediationResult.SUCCESS)))
        .values_list("y", "m", "n", "ok")
    ):
        entry = months.setdefault((y, m), {"registered": 0, "concluded": 0, "successful": 0})
        entry["concluded"], entry["successful"] = n, ok
    by_month = [{"label": f"{y}年{m}月", **months[(y, m)]} for y, m in sorted(months)]
    return {"by_type": by_type, "by_township": by_township, "by_month": by_month}


def open_cases_by_age(*, cases, today: date | None = None) -> dict:
    """Open cases by how long ago they were registered; those untouched for 14 days flagged."""
    today = today or timezone.localdate()
    open_cases = cases.exclude(status=CaseStatus.CLOSED)
    buckets = {label: 0 for _, label in rules.AGE_BUCKETS}
    for registered_on, n in open_cases.order_by().values_list("registered_on").annotate(n=Count("pk")):
        buckets[rules.age_bucket((today - registered_on).days)] += n
    stale_before = timezone.now() - timedelta(days=rules.STALE_DAYS)
    stale = list(
        open_cases.filter(last_activity_at__lt=stale_before)
        .select_related("enterprise")
        .order_by("last_activity_at")[:50]
    )
    return {"buckets": list(buckets.items()), "stale": stale, "open": sum(buckets.values())}
