"""Reads of reports: an officer's list and progress, the review queue, one report, headline counts, open emergencies."""

import logging
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from officers.models import User
from officers.scoping import scope_for
from officers.selectors import with_names
from unionportal.core.models import AuditEntry
from unionportal.core.prefetching import filled_flags, is_filled, prefetch_filled

from .. import rules
from ..models import (
    COUNTED_STATUSES,
    RISK_CATEGORIES,
    VALID_GRADES,
    Adoption,
    ForwardedItem,
    Grade,
    Instruction,
    Report,
    ReportAttachment,
    ReviewEvent,
    RiskAssessment,
    Status,
    SupervisionItem,
    Urgency,
)
from .forwarding import report_forwards
from .stipends import stipend_terms
from .supervision import risk_panel

logger = logging.getLogger(__name__)


def attachment_count() -> Coalesce:
    """A report's number of attachments as a correlated subquery, not a join and GROUP BY: a grouped
    list cannot be read off its ordering index, and its paginator count must group every row."""
    per_report = (
        ReportAttachment.objects.filter(report=OuterRef("pk")).order_by().values("report").annotate(n=Count("pk"))
    )
    return Coalesce(Subquery(per_report.values("n")), 0)


# What a row of the reports' lists shows (report_tags: the rows and report_badges), and nothing else:
# a report's text and a dozen columns fewer to read and build for each of twenty rows (issue 21). A new
# column in a row goes here too, else each row reads it with a query of its own.
ROW_FIELDS = ("title", "category", "grade", "submitted_at", "status", "urgency", "on_time", "merged_at")
MY_ROW_FIELDS = (*ROW_FIELDS, "officer_id")  # 我的报送
QUEUE_ROW_FIELDS = (*ROW_FIELDS, "county_id", "officer__name", "township__name")  # the review queue


def my_reports(*, user):
    """An officer's own reports, drafts first; a withdrawn one stays listed (as 已撤回)."""
    return (
        Report.objects.visible_to(user)
        .filter(officer__user=user)
        .only(*MY_ROW_FIELDS)
        .annotate(attachment_count=attachment_count())
        .order_by(Case(When(status=Status.DRAFT, then=Value(0)), default=Value(1)), "-submitted_at", "-id")
    )


def month_progress(*, officer, now=None) -> dict:
    """This Beijing month's reports against the quota and the tier they earn so far (one query)."""
    now = timezone.localtime(now or timezone.now())
    start, end = rules.month_bounds(now.year, now.month)
    grades = list(
        Report.objects.filter(officer=officer, status__in=COUNTED_STATUSES)
        .submitted_between(start, end)
        .values_list("grade", flat=True)
    )
    terms = stipend_terms(county_id=officer.county_id, month=start.date())
    quota = terms.quota
    tier = rules.tier_of_grades(grades, quota=quota)
    valid = sum(1 for g in grades if g in VALID_GRADES)
    return {
        "month": f"{now.year}年{now.month}月",
        "submitted": len(grades),
        "valid": valid,
        "pending": sum(1 for g in grades if g == Grade.PENDING),
        "quota": quota,
        "tier": tier,
        "amount": rules.stipend_amount(tier, terms.amounts),
        "met": valid >= quota,
    }


def review_queue(*, user):
    """The county's reports for review: emergencies first, then the oldest first.

    "emergency" sorts before "general", so the order is the columns' own and the queue index
    (county, status, urgency, submitted_at) serves it without sorting all the county's reports."""
    return (
        Report.objects.visible_to(user)
        .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
        .select_related("officer", "township")
        .only(*QUEUE_ROW_FIELDS)
        .annotate(attachment_count=attachment_count())
        .order_by("urgency", "submitted_at", "id")
    )


def _report_lists() -> dict:
    """The lists of a report's page: name: (the list's model, its column holding the report's key)."""
    return {
        "attachments": (ReportAttachment, "report_id"),
        "dispute_cases": (Report.dispute_cases.through, "report_id"),
        "review_events": (ReviewEvent, "report_id"),
        "forwards": (ForwardedItem, "report_id"),
        "risks": (RiskAssessment, "report_id"),
        "supervision_items": (SupervisionItem, "report_id"),
        "adoptions": (Adoption, "report_id"),
        "instructions": (Instruction, "report_id"),
    }


def _case_links():
    """What the report's page shows of its dispute cases: a link with the number and the status, not
    the rest of each case. The model is the disputes app's, a floor above, named by the relation."""
    return Report.dispute_cases.rel.related_model.objects.only("number", "status")


def _review_history():
    """The review history with each actor's name: not a password hash and the rest of each account's row."""
    return with_names(ReviewEvent.objects, "actor")


def report_for_view(*, user, pk) -> Report:
    """One report with everything its page shows; Report.DoesNotExist when ``user`` may not see it.
    Its query says which of the page's lists have rows (core.prefetching); only those are read, here
    and by :func:`report_panels`.

    A county's staff see only their county's reports, and their county comes with their account on
    every request with the region above it (officers.backends), the unit the page forwards to: the
    report takes it from there rather than joining two more tables (a third of the query's planning
    and of its building). Anyone else's read joins them."""
    own_county_id = scope_for(user).county_id
    related = ["officer", "township", "enterprise", "event_entry"]
    if own_county_id is None:
        related.append("county__region")
    report = (
        Report.objects.visible_to(user)
        .select_related(*related)
        .annotate(**filled_flags(Report, **_report_lists()))
        .get(pk=pk)
    )
    if report.county_id == own_county_id:
        report.county = user.county
    prefetch_filled(
        report,
        {
            "attachments": "attachments",
            "dispute_cases": Prefetch("dispute_cases", queryset=_case_links()),
            "review_events": Prefetch("review_events", queryset=_review_history()),
        },
    )
    return report


def report_panels(*, user, report: Report) -> dict:
    """What the staff's page of ``report`` (read by :func:`report_for_view`) shows beside it: its
    forwards (上报), risk levels, open supervision items, adoptions and instructions, each read only
    where the report has some."""
    return {
        "forwards": report_forwards(user=user, report=report) if is_filled(report, "forwards") else [],
        **risk_panel(user=user, report=report),
        # By date (the model's order starts with the report, which would join the reports table).
        "adoptions": list(report.adoptions.order_by("adopted_on", "pk")) if is_filled(report, "adoptions") else [],
        "instructions": (
            list(report.instructions.select_related("follow_up")) if is_filled(report, "instructions") else []
        ),
    }


def own_report_instructions(*, user, report: Report) -> list:
    """The instructions an officer sees on the page of their own report (none on another's), read only
    where the report (read by :func:`report_for_view`) has some."""
    if report.officer.user_id != user.pk or not is_filled(report, "instructions"):
        return []
    return list(report.instructions.all())


def report_totals(reports) -> dict:
    """The headline counts of a set of reports, in one aggregate query: the dashboard's year and the
    monthly summary's month are both read through this."""
    return reports.aggregate(
        total=Count("pk"),
        on_time=Count("pk", filter=Q(on_time=True)),
        county_adopted=Count("pk", filter=Q(grade=Grade.COUNTY_ADOPTED)),
        above_adopted=Count("pk", filter=Q(grade=Grade.ABOVE_ADOPTED)),
        risks=Count("pk", filter=Q(category__in=RISK_CATEGORIES)),
        emergencies=Count("pk", filter=Q(urgency=Urgency.EMERGENCY)),
        pending=Count("pk", filter=Q(grade=Grade.PENDING)),
    )


OPEN_EMERGENCIES_SHOWN = 5


class BannerRow(NamedTuple):
    """A line of the red banner: what it shows of an emergency and nothing more. Every staff page of
    the county reads the banner from the cache, and a tuple of four values costs a fraction of a
    report with its township to unpickle and to render (report_tags.emergency_rows)."""

    pk: int
    title: str
    township: str  # "" when the report names none
    submitted_at: datetime


def open_emergencies(*, user):
    """The red banner of every staff page: :func:`open_emergencies_now`, shared for a short while
    (``OPEN_EMERGENCIES_CACHE_SECONDS``) by the staff of one county, since every staff page asks for
    it and building its query cost a tenth of a list page. Forgotten at once when it changes in the
    portal (:func:`open_emergencies_forget`: an emergency submitted, changed, withdrawn, graded,
    returned, or opened by staff), so the limit only bounds what other paths change (imports)."""
    seconds = settings.OPEN_EMERGENCIES_CACHE_SECONDS
    county_id = getattr(user, "county_id", None)
    if seconds <= 0 or county_id is None or user.is_superuser:
        return open_emergencies_now(user=user)
    key = _banner_key(county_id)
    try:
        found = cache.get(key)
    except Exception:  # the cache server is down: the banner as if nothing were kept
        logger.warning("banner cache unavailable", exc_info=True)
        return open_emergencies_now(user=user)
    if found is None:
        found = open_emergencies_now(user=user)
        try:
            cache.set(key, found, seconds)
        except Exception:
            logger.warning("banner cache unavailable", exc_info=True)
    return found


def _banner_key(county_id) -> str:
    return f"open-emergencies:v2:{county_id}"  # v2: BannerRow tuples (v1 held reports)


def open_emergencies_forget(*, county_id) -> None:
    """The county's banner changed: forget it now and again once the change is committed (a page
    served in between must not keep the old one)."""

    def forget():
        try:
            cache.delete(_banner_key(county_id))
        except Exception:
            logger.warning("banner cache unavailable", exc_info=True)

    forget()
    transaction.on_commit(forget)


# What may be on the banner: a submitted 突发 (read by open_emergencies_now and open_emergencies_opened).
ON_BANNER = {"status": Status.SUBMITTED, "urgency": Urgency.EMERGENCY}


def open_emergencies_opened(*, report) -> None:
    """Staff opened ``report``: forget its county's banner if the report may be on it (``ON_BANNER``);
    forgetting on every other page made each one cost the county's staff a new banner."""
    if all(getattr(report, name) == value for name, value in ON_BANNER.items()):
        open_emergencies_forget(county_id=report.county_id)


def open_emergencies_now(*, user):
    """Emergencies nobody has acted on yet, oldest first, as ``BannerRow``s: submitted 突发 reports
    whose page no member of the county's staff has opened (no VIEW_REPORT audit row by a reviewer or
    admin). One query: the county's queue index (county, status, urgency, submitted_at) finds the few
    submitted emergencies, the audit log's (report, created_at) index answers the NOT EXISTS for each.
    At most OPEN_EMERGENCIES_SHOWN + 1 rows (the extra one says there are more)."""
    visible = Report.objects.visible_to(user)
    if visible.query.is_empty():
        # Staff of a city or a province see no county's reports: every page of theirs asked for the
        # banner, and building the query that the empty scope then answers with nothing cost more
        # than the rest of a refusal page.
        return []
    # Opened by the union's staff: another officer reading the event of a 续报 they filed is no one
    # acting on it.
    opened_by_staff = AuditEntry.objects.filter(
        report_id=OuterRef("pk"),
        action=AuditEntry.Action.VIEW_REPORT,
        actor__role__in=[User.Role.REVIEWER, User.Role.ADMIN],
    )
    rows = (
        visible.filter(**ON_BANNER)
        .filter(~Exists(opened_by_staff))
        .order_by("submitted_at", "id")
        .values_list("pk", "title", "township__name", "submitted_at")[: OPEN_EMERGENCIES_SHOWN + 1]
    )
    return [BannerRow(pk, title, township or "", submitted_at) for pk, title, township, submitted_at in rows]


def pending_review_count(*, user) -> int:
    return Report.objects.visible_to(user).filter(status=Status.SUBMITTED).count()


# ---- stipends -----------------------------------------------------------------------------------
