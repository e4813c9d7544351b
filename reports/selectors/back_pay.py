"""The period lock and 补发 (contract section 3): a month whose sheet is approved is read-only, and a
difference raised afterwards by an adoption above the county is paid on the next approved sheet."""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from django.db.models import F
from django.utils import timezone

from officers.models import Officer

from .. import rules
from ..models import COUNTED_STATUSES, Adoption, BackPay, Grade, Report, StipendSheet, StipendSheetRow, Tier
from .sheet_line import SheetLine


def locked_month(*, county_id, moment) -> date | None:
    """The first day of the Beijing month of ``moment`` when that month's sheet of the county is
    approved (its grades are then read-only), else None. One query."""
    if moment is None:
        return None
    month = timezone.localtime(moment).date().replace(day=1)
    approved = StipendSheet.objects.filter(county_id=county_id, month=month, state=StipendSheet.State.APPROVED)
    return month if approved.exists() else None


@dataclass(frozen=True)
class Owed:
    """A difference not yet paid: an adoption above the county, recorded after ``month``'s sheet was
    approved, raised the officer's tier of that month."""

    officer_id: int
    month: date
    source_sheet_id: int
    from_tier: Tier
    to_tier: Tier
    amount: int


def back_pay_owed(*, county_id) -> list[Owed]:
    """Every difference the county still owes, from the facts: the approved sheets (their approval
    time, frozen tier per officer and amounts), the adoptions recorded after each approval, the
    grades of that month now, and what approved sheets have already carried. Five queries at most,
    whatever the number of officers."""
    sheets = {
        sheet.month: sheet
        for sheet in StipendSheet.objects.filter(county_id=county_id, state=StipendSheet.State.APPROVED)
    }
    if not sheets:
        return []
    earliest = min(sheet.approved_at for sheet in sheets.values())
    raised = Adoption.objects.filter(
        report__county_id=county_id, raised_grade=True, grade=Grade.ABOVE_ADOPTED, recorded_at__gt=earliest
    ).values_list("report__officer_id", "report__submitted_at", "recorded_at")
    candidates = set()
    for officer_id, submitted_at, recorded_at in raised:
        month = timezone.localtime(submitted_at).date().replace(day=1)
        sheet = sheets.get(month)
        if sheet is not None and recorded_at > sheet.approved_at:
            candidates.add((officer_id, month))
    if not candidates:
        return []
    officer_ids = {officer_id for officer_id, _ in candidates}
    months = {month for _, month in candidates}
    frozen = {
        (officer_id, month): Tier(tier)
        for officer_id, month, tier in StipendSheetRow.objects.filter(
            sheet__in=[sheets[m] for m in months], officer_id__in=officer_ids
        ).values_list("officer_id", "sheet__month", "tier")
    }
    paid = defaultdict(int)
    for officer_id, month, amount in BackPay.objects.filter(
        officer_id__in=officer_ids, month__in=months, source_sheet__county_id=county_id
    ).values_list("officer_id", "month", "amount"):
        paid[(officer_id, month)] += amount
    start = rules.month_bounds(min(months).year, min(months).month)[0]
    end = rules.month_bounds(max(months).year, max(months).month)[1]
    grades = defaultdict(list)
    for officer_id, submitted_at, grade in Report.objects.filter(
        officer_id__in=officer_ids, status__in=COUNTED_STATUSES, submitted_at__gte=start, submitted_at__lt=end
    ).values_list("officer_id", "submitted_at", "grade"):
        grades[(officer_id, timezone.localtime(submitted_at).date().replace(day=1))].append(grade)
    owed = []
    for officer_id, month in sorted(candidates, key=lambda c: (c[1], c[0])):
        if (officer_id, month) not in frozen:
            continue  # not on that month's sheet (not 在岗 then): nothing was or is due for it
        sheet = sheets[month]
        amounts = {
            Tier.QUALIFIED: sheet.amount_qualified,
            Tier.GOOD: sheet.amount_good,
            Tier.EXCELLENT: sheet.amount_excellent,
        }
        now = rules.tier_of_grades(grades[(officer_id, month)], quota=sheet.quota)
        due = rules.back_pay_difference(frozen=frozen[(officer_id, month)], now=now, amounts=amounts)
        due -= paid[(officer_id, month)]
        if due > 0:
            owed.append(Owed(officer_id, month, sheet.pk, frozen[(officer_id, month)], now, due))
    return owed


def lines_with_back_pay(lines: Iterable[SheetLine], owed: list[Owed]) -> Iterator[SheetLine]:
    """The sheet's lines with the differences they carry: added to 补助金额, named in 备注; an officer
    owed a difference who has no line this month gets one at the end (one query for their details)."""
    by_officer = defaultdict(list)
    for item in owed:
        by_officer[item.officer_id].append(item)
    position = 0
    for line in lines:
        position = line.position
        items = by_officer.pop(line.officer_id, None)
        if not items:
            yield line
            continue
        extra = sum(item.amount for item in items)
        yield replace(
            line,
            amount=line.amount + extra,
            note=rules.sheet_note(line.note, [(i.month, i.amount) for i in items]),
            back_pay=extra,
        )
    if not by_officer:
        return
    people = (
        Officer.objects.filter(pk__in=by_officer)
        .order_by(F("township__sort_key").asc(nulls_last=True), "sort_key", "pk")
        .values_list("pk", "name", "phone", "employer__name", "township__name")
    )
    for pk, name, phone, employer, township in people:
        items = by_officer[pk]
        extra = sum(item.amount for item in items)
        position += 1
        yield SheetLine(
            position,
            pk,
            name,
            phone,
            employer or "",
            township or "",
            0,
            0,
            Tier.UNQUALIFIED,
            extra,
            rules.sheet_note("本月不在岗", [(i.month, i.amount) for i in items]),
            back_pay=extra,
        )
