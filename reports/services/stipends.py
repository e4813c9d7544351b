"""Approving and reopening a month's stipend sheet."""

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry

from .. import rules, selectors
from ..models import (
    BackPay,
    BudgetLine,
    SheetEvent,
    StipendSheet,
    StipendSheetRow,
    Tier,
)

logger = logging.getLogger(__name__)


def _month_label(county, month) -> str:
    return f"{county.name}{month.year}年{month.month}月"


@transaction.atomic
def sheet_approve(*, county, month, actor, request=None) -> StipendSheet:
    """Approve a county's month: store the sheet as it stands, post its total to the budget.

    Refused for a month before the county's first officer or not yet come, while any report of the
    month is 待审核, and when already approved. The sheet row is
    locked, so two admins approving at once end with exactly one approval.
    """
    problem = selectors.sheet_month_problem(county=county, month=month)
    if problem:
        raise ValidationError(f"{problem}，不能审批。", code="month")
    if not rules.month_is_over(month, timezone.now()):
        raise ValidationError(f"{_month_label(county, month)}尚未结束，月末之后才能审批补助表。", code="not_ended")
    sheet, _ = StipendSheet.objects.get_or_create(county=county, month=month)
    sheet = StipendSheet.objects.select_for_update(of=("self",)).select_related("approved_by").get(pk=sheet.pk)
    if sheet.state == StipendSheet.State.APPROVED:
        when = timezone.localtime(sheet.approved_at).strftime("%Y-%m-%d %H:%M")
        who = sheet.approved_by.get_full_name() if sheet.approved_by else "—"
        raise ValidationError(
            f"{_month_label(county, month)}的补助表已由{who}于{when}审批，不能重复审批。", code="approved"
        )
    terms = selectors.stipend_terms(county_id=county.pk, month=month)
    lines = list(selectors.stipend_lines(county_id=county.pk, month=month, terms=terms))
    # 补发 (contract section 3): what adoptions recorded after earlier approvals still owe is carried
    # here, once; BackPay rows say which sheet paid which difference, so a reopening puts it back.
    owed = selectors.back_pay_owed(county_id=county.pk)
    # Counted after the snapshot, and the lines' own count too: a report returned for revision while
    # the lines were read must not end on a locked sheet.
    pending = max(selectors.pending_in_month(county_id=county.pk, month=month), sum(line.pending for line in lines))
    if pending:
        raise ValidationError(
            f"{_month_label(county, month)}还有 {pending} 条报送信息待审核，请全部审核后再审批补助表。", code="pending"
        )
    rows, total = [], 0
    for line in selectors.lines_with_back_pay(lines, owed):
        rows.append(
            StipendSheetRow(
                sheet=sheet,
                officer_id=line.officer_id,
                position=line.position,
                name=line.name,
                phone=line.phone,
                employer=line.employer[:100],
                township=line.township,
                submitted_count=line.submitted,
                valid_count=line.valid,
                tier=line.tier,
                amount=line.amount,
                note=line.note[:200],
            )
        )
        total += line.amount
    StipendSheetRow.objects.bulk_create(rows, batch_size=2000)
    BackPay.objects.bulk_create(
        BackPay(
            county=county,
            officer_id=item.officer_id,
            month=item.month,
            source_sheet_id=item.source_sheet_id,
            paid_on=sheet,
            from_tier=item.from_tier,
            to_tier=item.to_tier,
            amount=item.amount,
        )
        for item in owed
    )
    sheet.state = StipendSheet.State.APPROVED
    sheet.quota = terms.quota
    sheet.amount_qualified = terms.amounts[Tier.QUALIFIED]
    sheet.amount_good = terms.amounts[Tier.GOOD]
    sheet.amount_excellent = terms.amounts[Tier.EXCELLENT]
    sheet.total = Decimal(total)
    sheet.approved_by = actor
    sheet.approved_at = timezone.now()
    sheet.full_clean()
    sheet.save()
    SheetEvent.objects.create(sheet=sheet, action=SheetEvent.Action.APPROVE, actor=actor, total=sheet.total)
    BudgetLine.objects.create(
        county=county,
        kind=BudgetLine.Kind.STIPEND,
        spent_on=month,
        amount=sheet.total,
        stipend_sheet=sheet,
        description=f"{month.year}年{month.month}月信息员补助（{len(rows)}人）"
        + (f"，含补发 {sum(item.amount for item in owed)} 元" if owed else ""),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.APPROVE_SHEET,
        county=county.pk,
        target=f"{_month_label(county, month)}补助表，合计 {total} 元",
        request=request,
    )
    return sheet


@transaction.atomic
def sheet_reopen(*, county, month, actor, reason: str, request=None) -> StipendSheet:
    """Reopen an approved sheet, with a written reason: its snapshot and budget line are taken back."""
    sheet = StipendSheet.objects.select_for_update().filter(county=county, month=month).first()
    if sheet is None or sheet.state != StipendSheet.State.APPROVED:
        raise ValidationError(f"{_month_label(county, month)}的补助表尚未审批，无需撤销。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写撤销审批的原因"})
    carried_elsewhere = (
        BackPay.objects.filter(source_sheet=sheet).select_related("paid_on").order_by("paid_on__month").first()
    )
    if carried_elsewhere is not None:
        # Reopened, this month would pay the raised tier itself: the difference already paid on the
        # later sheet would be paid twice.
        paid_month = carried_elsewhere.paid_on.month
        raise ValidationError(
            f"{_month_label(county, month)}的差额已在{paid_month.year}年{paid_month.month}月补助表中补发，"
            f"请先撤销{paid_month.year}年{paid_month.month}月补助表的审批，再撤销本月审批。",
            code="back_pay",
        )
    total = sheet.total
    # The differences this sheet carried are owed again: the next approved sheet pays them.
    BackPay.objects.filter(paid_on=sheet).delete()
    sheet.rows.all().delete()
    BudgetLine.objects.filter(stipend_sheet=sheet).delete()
    sheet.state = StipendSheet.State.OPEN
    sheet.quota = sheet.amount_qualified = sheet.amount_good = sheet.amount_excellent = None
    sheet.total = None
    sheet.approved_by = None
    sheet.approved_at = None
    sheet.save()
    SheetEvent.objects.create(
        sheet=sheet, action=SheetEvent.Action.REOPEN, actor=actor, reason=reason.strip(), total=total
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.REOPEN_SHEET,
        county=county.pk,
        target=f"{_month_label(county, month)}补助表：{reason.strip()}"[:200],
        request=request,
    )
    return sheet
