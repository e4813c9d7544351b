"""Reads of stipends and the budget: the terms in force, a month's sheet lines, its summary, the budget."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, FilteredRelation, Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from officers.models import County
from officers.selectors import county_first_month, officers_active_in_month, with_names

from .. import rules
from ..models import (
    COUNTED_STATUSES,
    VALID_GRADES,
    BackPay,
    Budget,
    BudgetLine,
    Grade,
    Report,
    StipendSetting,
    StipendSheet,
    Tier,
)
from .back_pay import back_pay_owed, lines_with_back_pay
from .sheet_line import SheetLine


@dataclass(frozen=True)
class Terms:
    quota: int
    amounts: dict

    @classmethod
    def default(cls):
        return cls(settings.STIPEND_DEFAULT_QUOTA, dict(settings.STIPEND_DEFAULT_AMOUNTS))


def stipend_terms(*, county_id, month: date) -> Terms:
    """The quota and amounts that apply to ``month``: the latest setting effective by then."""
    setting = (
        StipendSetting.objects.filter(county_id=county_id, effective_from__lte=month)
        .order_by("-effective_from")
        .first()
    )
    if setting is None:
        return Terms.default()
    return Terms(
        setting.quota,
        {
            Tier.QUALIFIED: setting.amount_qualified,
            Tier.GOOD: setting.amount_good,
            Tier.EXCELLENT: setting.amount_excellent,
        },
    )


def reports_in_month(month: date) -> FilteredRelation:
    """From an Officer: a join to their counted reports (submitted, returned, reviewed) of the Beijing
    month, annotated as ``month_reports``. The month sits in the join's ON clause, so PostgreSQL walks
    the (officer, submitted_at) index for each officer; a COUNT(... FILTER (month)) over the plain join
    made it read every report of the province (240 ms against 6 ms for a county of 500 officers)."""
    start, end = rules.month_bounds(month.year, month.month)
    return FilteredRelation(
        "reports",
        condition=Q(
            reports__submitted_at__gte=start, reports__submitted_at__lt=end, reports__status__in=COUNTED_STATUSES
        ),
    )


def stipend_lines(*, county_id, month: date, terms: Terms) -> Iterator[SheetLine]:
    """Every officer of the county 在岗 on at least one day of the month (contract section 3, the one
    rule in ``officers_active_in_month``) with the month's counts and tier: ONE aggregate query,
    streamed, ordered by township then name (pinyin)."""
    rows = (
        officers_active_in_month(county_id=county_id, month=month)
        .annotate(month_reports=reports_in_month(month))
        .annotate(
            n_submitted=Count("month_reports"),
            n_valid=Count("month_reports", filter=Q(month_reports__grade__in=VALID_GRADES)),
            n_county=Count("month_reports", filter=Q(month_reports__grade=Grade.COUNTY_ADOPTED)),
            n_above=Count("month_reports", filter=Q(month_reports__grade=Grade.ABOVE_ADOPTED)),
            n_pending=Count("month_reports", filter=Q(month_reports__grade=Grade.PENDING)),
        )
        .order_by(F("township__sort_key").asc(nulls_last=True), "sort_key", "pk")
        .values_list(
            "pk",
            "name",
            "phone",
            "employer__name",
            "township__name",
            "n_submitted",
            "n_valid",
            "n_county",
            "n_above",
            "n_pending",
        )
    )
    for position, (pk, name, phone, employer, township, submitted, valid, county_adopted, above, pending) in enumerate(
        rows.iterator(chunk_size=2000), start=1
    ):
        tier = rules.stipend_tier(valid=valid, county_adopted=county_adopted, above_adopted=above, quota=terms.quota)
        if pending:
            note = f"{pending} 条待审核"
        elif tier == rules.UNQUALIFIED:
            note = "未完成本月报送任务"
        else:
            note = ""
        yield SheetLine(
            position,
            pk,
            name,
            phone,
            employer or "",
            township or "",
            submitted,
            valid,
            tier,
            rules.stipend_amount(tier, terms.amounts),
            note,
            pending,
        )


def snapshot_lines(*, sheet) -> Iterator[SheetLine]:
    carried = dict(
        BackPay.objects.filter(paid_on=sheet)
        .order_by()
        .values_list("officer_id")
        .annotate(total=Sum("amount"))
        .values_list("officer_id", "total")
    )
    for row in sheet.rows.order_by("position").iterator(chunk_size=2000):
        yield SheetLine(
            row.position,
            row.officer_id,
            row.name,
            row.phone,
            row.employer,
            row.township,
            row.submitted_count,
            row.valid_count,
            Tier(row.tier),
            row.amount,
            row.note,
            back_pay=carried.get(row.officer_id, 0),
        )


@dataclass
class SheetSummary:
    county: object
    month: date
    sheet: object  # StipendSheet or None
    terms: Terms
    pending: int
    lines: list = field(default_factory=list)
    tier_counts: dict = field(default_factory=dict)
    total: int = 0
    back_pay_total: int = 0
    back_pay_officers: int = 0

    @property
    def approved(self) -> bool:
        return self.sheet is not None and self.sheet.state == StipendSheet.State.APPROVED

    @property
    def paid_lines(self) -> list:
        """The lines with money (the page's 有补助 filter), in the sheet's own order and numbering."""
        return [line for line in self.lines if line.amount]

    @property
    def tiers(self):
        """(tier, officers, yuan) from 优秀 down, for the summary table."""
        return [(t, self.tier_counts.get(t.value, 0)) for t in reversed(rules.TIERS)]


def pending_in_month(*, county_id, month: date) -> int:
    """The county's reports of the month still 待审核, whoever sent them: the contract holds the sheet
    until every one is graded, an officer suspended since included (their reports are in the queue too).
    One count off the (county, grade, submitted_at) index; the page and sheet_approve both use it."""
    start, end = rules.month_bounds(month.year, month.month)
    return Report.objects.filter(
        county_id=county_id,
        grade=Grade.PENDING,
        status__in=COUNTED_STATUSES,
        submitted_at__gte=start,
        submitted_at__lt=end,
    ).count()


def sheet_lines(*, county, month: date, sheet=None, terms: Terms | None = None) -> Iterator[SheetLine]:
    """The approved snapshot, or the live computation for an open month."""
    if sheet is not None and sheet.state == StipendSheet.State.APPROVED:
        return snapshot_lines(sheet=sheet)
    return stipend_lines(
        county_id=county.pk, month=month, terms=terms or stipend_terms(county_id=county.pk, month=month)
    )


def sheet_summary(*, county, month: date) -> SheetSummary:
    """Everything the sheet page and the command show, in a fixed number of queries."""
    sheet = with_names(StipendSheet.objects.filter(county=county, month=month), "approved_by").first()
    if sheet is not None and sheet.state == StipendSheet.State.APPROVED:
        terms = Terms(
            sheet.quota,
            {
                Tier.QUALIFIED: sheet.amount_qualified,
                Tier.GOOD: sheet.amount_good,
                Tier.EXCELLENT: sheet.amount_excellent,
            },
        )
        pending = 0  # the sheet is locked: later grading changes nothing on it
    else:
        terms = stipend_terms(county_id=county.pk, month=month)
        pending = pending_in_month(county_id=county.pk, month=month)
    summary = SheetSummary(county=county, month=month, sheet=sheet, terms=terms, pending=pending)
    lines = sheet_lines(county=county, month=month, sheet=sheet, terms=terms)
    if not summary.approved:
        # An open month shows the 补发 its approval would carry (contract section 3).
        lines = lines_with_back_pay(lines, back_pay_owed(county_id=county.pk))
    for line in lines:
        summary.lines.append(line)
        summary.tier_counts[line.tier.value] = summary.tier_counts.get(line.tier.value, 0) + 1
        summary.total += line.amount
        if line.back_pay:
            summary.back_pay_total += line.back_pay
            summary.back_pay_officers += 1
    return summary


def sheet_month_problem(*, county, month: date, now=None) -> str | None:
    """Why ``month`` has no sheet for ``county`` (before its first officer, or not yet come), or None:
    the page, the export, approval and ``stipend_sheet`` all ask this. One query."""
    today = timezone.localdate(now or timezone.now())
    return rules.sheet_month_problem(
        month=month.replace(day=1),
        first_month=county_first_month(county_id=county.pk),
        current_month=today.replace(day=1),
        county_name=county.name,
    )


def county_for_admin(*, user, code: str | None):
    """The county an admin works on: their own, or the one a multi-county admin names."""
    counties = County.objects.visible_to(user)
    if code:
        return counties.filter(code=code).first()
    if user.county_id:
        return counties.filter(pk=user.county_id).first()
    return counties.order_by("code").first()


# ---- budget -------------------------------------------------------------------------------------


def budget_overview(*, county, year: int, today: date | None = None) -> dict:
    """Budget, spending by kind and by month, remaining and the projection: three queries."""
    today = today or timezone.localdate()
    budget = Budget.objects.filter(county=county, year=year).first()
    lines = BudgetLine.objects.filter(county=county, spent_on__year=year)
    by_kind = dict(lines.order_by().values_list("kind").annotate(total=Sum("amount")).values_list("kind", "total"))
    by_month = dict(
        lines.order_by()
        .annotate(m=ExtractMonth("spent_on"))
        .values_list("m")
        .annotate(total=Sum("amount"))
        .values_list("m", "total")
    )
    spent = sum(by_kind.values(), Decimal("0"))
    months_elapsed = 12 if year < today.year else (today.month if year == today.year else 0)
    projected = rules.projected_spending(spent=spent, months_elapsed=months_elapsed)
    amount = budget.amount if budget else None
    return {
        "year": year,
        "budget": budget,
        "spent": spent,
        "remaining": (amount - spent) if amount is not None else None,
        "by_kind": [(k, label, by_kind.get(k, Decimal("0"))) for k, label in BudgetLine.Kind.choices],
        "by_month": [(m, by_month.get(m, Decimal("0"))) for m in range(1, 13)],
        "projected": projected.quantize(Decimal("0.01")) if isinstance(projected, Decimal) else projected,
        "over_budget": amount is not None and projected > amount,
        "months_elapsed": months_elapsed,
    }
