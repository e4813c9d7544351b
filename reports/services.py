"""Writes of the reporting system: each with keyword arguments, one transaction and full_clean()."""

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from officers.models import Officer, User

from . import rules, selectors
from .models import (
    ADOPTED_GRADES,
    AlertDelivery,
    AuditEntry,
    BudgetLine,
    Grade,
    Notification,
    Report,
    ReportAttachment,
    ReviewEvent,
    SheetEvent,
    Status,
    StipendSheet,
    StipendSheetRow,
    TimelinessRule,
    Urgency,
)
from .uploads import check_uploads, clean_name

logger = logging.getLogger(__name__)

STALE_MESSAGE = "该信息在您打开后已被其他人审核或修改，请刷新页面查看最新结果后再操作。"
EDITABLE_FIELDS = (
    "title",
    "content",
    "category",
    "urgency",
    "occurred_at",
    "township",
    "enterprise",
    "enterprise_name",
    "workers_involved",
    "amount_involved",
)


def emergency_minutes_for(county_id) -> int:
    minutes = TimelinessRule.objects.filter(county_id=county_id).values_list("emergency_minutes", flat=True).first()
    return minutes or rules.DEFAULT_EMERGENCY_MINUTES


@transaction.atomic
def report_save(
    *, officer: Officer, data: dict, files=(), report: Report | None = None, submit: bool, now=None
) -> Report:
    """Create or change an officer's report; ``submit`` reports it (报送), otherwise it stays a draft.

    An emergency report records its alerts in the same transaction (the outbox), so the officer's
    report is stored even when the broker is down.
    """
    now = now or timezone.now()
    if report is None:
        report = Report(officer=officer, county=officer.county)
    else:
        report = Report.objects.select_for_update().get(pk=report.pk, officer=officer)
        if not rules.officer_may_edit(status=report.status, grade=report.grade):
            raise ValidationError("该信息已审核或已撤回，不能再修改")
    timed_as = (report.urgency, report.occurred_at)
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(report, field, data[field])

    report.occurred_at = rules.within_clock_skew(occurred_at=report.occurred_at, now=now)
    errors = {}
    if report.township_id and report.township.county_id != officer.county_id:
        errors["township"] = "镇区街道不属于您所在县区"
    if report.enterprise_id and report.enterprise.county_id != officer.county_id:
        errors["enterprise"] = "所选企业不属于您所在县区"
    # A report once submitted stays complete: editing it is held to the same checks as submitting.
    if submit or report.status != Status.DRAFT:
        if not (report.content or "").strip():
            errors["content"] = "请填写信息内容"
        errors.update(
            rules.time_problems(occurred_at=report.occurred_at, submitted_at=report.submitted_at or now, now=now)
        )
    elif report.occurred_at and report.occurred_at > now:
        errors["occurred_at"] = "发生时间不能晚于当前时间"
    if errors:
        raise ValidationError(errors)
    existing = report.attachments.count() if report.pk else 0
    try:
        checked = check_uploads(list(files), existing=existing)
    except ValidationError as exc:
        raise ValidationError({"attachments": exc.messages}) from None

    first_submission = submit and report.submitted_at is None
    if submit:
        report.status = Status.SUBMITTED
        report.return_reason = ""
    if report.pk and report.status != Status.DRAFT:
        # What a reviewer opened is no longer what is there: a grade against the old version is refused.
        report.version += 1
    if first_submission:
        report.submitted_at = now
    if first_submission or (report.submitted_at and (report.urgency, report.occurred_at) != timed_as):
        # Timeliness counts from the first time it was reported (a revision keeps that moment), but
        # against the event time and urgency as they now stand: correcting them corrects the flag.
        report.on_time = rules.is_on_time(
            urgency=report.urgency,
            occurred_at=report.occurred_at,
            submitted_at=report.submitted_at,
            emergency_minutes=emergency_minutes_for(report.county_id),
        )
    report.full_clean()
    report.save()
    for upload, found in checked:
        attachment = ReportAttachment(
            report=report,
            original_name=clean_name(upload.name),
            content_type=found.content_type,
            kind=found.kind,
            size=upload.size,
            uploaded_by=officer.user,
        )
        attachment.file.save(f"upload{found.extension}", upload, save=False)
        attachment.save()
    if submit and report.urgency == Urgency.EMERGENCY:
        alerts_record(report=report)
    return report


@transaction.atomic
def report_withdraw(*, report: Report, officer: Officer) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk, officer=officer)
    if not rules.officer_may_withdraw(status=report.status, grade=report.grade):
        raise ValidationError("只有尚未审核的信息才能撤回")
    report.status = Status.WITHDRAWN
    report.version += 1
    report.save(update_fields=["status", "version", "updated_at"])
    return report


def _locked_for_review(report: Report, version: int) -> Report:
    locked = Report.objects.select_for_update(of=("self",)).select_related("officer__user").get(pk=report.pk)
    if locked.version != version:
        raise ValidationError(STALE_MESSAGE, code="stale")
    if not rules.staff_may_review(status=locked.status):
        raise ValidationError(f"该信息当前状态为“{locked.get_status_display()}”，不能审核")
    return locked


@transaction.atomic
def report_grade(
    *,
    report: Report,
    reviewer: User,
    grade: str,
    version: int,
    comment: str = "",
    adopted_by: str = "",
    adopted_on=None,
    adoption_doc_no: str = "",
    request=None,
) -> Report:
    """Grade a report (分析研判). ``version`` is what the reviewer saw: a report changed since is refused.
    The returned report's ``officer_notified`` says whether the officer was told (a new grade or comment)."""
    locked = _locked_for_review(report, version)
    if grade not in Grade.values or grade == Grade.PENDING:
        raise ValidationError({"grade": "请选择审核结果"})
    if grade in ADOPTED_GRADES and not adopted_by.strip():
        raise ValidationError({"adopted_by": "采用的信息请填写采用单位"})
    if grade in ADOPTED_GRADES and adopted_on:
        if adopted_on > timezone.localdate():
            raise ValidationError({"adopted_on": "采用日期不能晚于今天"})
        reported_on = timezone.localdate(locked.submitted_at)
        if adopted_on < reported_on:
            raise ValidationError({"adopted_on": f"采用日期不能早于报送日期（{reported_on:%Y-%m-%d}）"})
    # The officer hears of a new grade or a new comment, not of every save of the same review.
    tell_officer = (locked.grade, locked.review_comment) != (grade, comment)
    ReviewEvent.objects.create(
        report=locked,
        action=ReviewEvent.Action.GRADE,
        from_grade=locked.grade,
        to_grade=grade,
        comment=comment,
        actor=reviewer,
    )
    adopted = grade in ADOPTED_GRADES
    locked.grade = grade
    locked.status = Status.REVIEWED
    locked.adopted_by = adopted_by.strip() if adopted else ""
    locked.adopted_on = adopted_on if adopted else None
    locked.adoption_doc_no = adoption_doc_no.strip() if adopted else ""
    locked.review_comment = comment
    locked.reviewed_by = reviewer
    locked.reviewed_at = timezone.now()
    locked.version += 1
    locked.full_clean()
    locked.save()
    locked.officer_notified = tell_officer
    if tell_officer:
        Notification.objects.create(
            recipient=locked.officer.user,
            kind=Notification.Kind.GRADED,
            title=f"您报送的“{locked.title}”审核结果：{locked.get_grade_display()}",
            body=comment,
            report=locked,
        )
    audit_record(
        actor=reviewer,
        action=AuditEntry.Action.GRADE,
        report=locked,
        request=request,
        target=f"{locked.get_grade_display()}",
    )
    return locked


@transaction.atomic
def report_return(*, report: Report, reviewer: User, reason: str, version: int, request=None) -> Report:
    """Send a report back to its officer for revision, with the reason."""
    locked = _locked_for_review(report, version)
    if not reason.strip():
        raise ValidationError({"reason": "请填写退回原因，告诉信息员需要补充或修改什么"})
    ReviewEvent.objects.create(
        report=locked,
        action=ReviewEvent.Action.RETURN,
        from_grade=locked.grade,
        to_grade=Grade.PENDING,
        comment=reason,
        actor=reviewer,
    )
    locked.status = Status.RETURNED
    locked.grade = Grade.PENDING
    locked.adopted_by, locked.adopted_on, locked.adoption_doc_no = "", None, ""
    locked.return_reason = reason.strip()
    locked.reviewed_by = reviewer
    locked.reviewed_at = timezone.now()
    locked.version += 1
    locked.save()
    Notification.objects.create(
        recipient=locked.officer.user,
        kind=Notification.Kind.RETURNED,
        title=f"您报送的“{locked.title}”被退回修改",
        body=reason.strip(),
        report=locked,
    )
    audit_record(actor=reviewer, action=AuditEntry.Action.RETURN, report=locked, request=request)
    return locked


# ---- emergency alerts: the outbox ----------------------------------------------------------------


def alert_recipients(county_id):
    return User.objects.filter(
        county_id=county_id, role__in=[User.Role.REVIEWER, User.Role.ADMIN], is_active=True
    ).order_by("pk")


def alerts_record(*, report: Report) -> list[int]:
    """Write one delivery row per recipient and channel, in the caller's transaction, and queue
    them once it commits. A broker that is down loses nothing: the sweep queues them again."""
    rows = []
    for user in alert_recipients(report.county_id):
        rows.append(AlertDelivery(report=report, recipient=user, channel=AlertDelivery.Channel.IN_APP))
        if user.email:
            rows.append(AlertDelivery(report=report, recipient=user, channel=AlertDelivery.Channel.EMAIL))
    AlertDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        AlertDelivery.objects.filter(report=report, state=AlertDelivery.State.PENDING).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: alerts_enqueue(ids), robust=True)
    return ids


def alerts_enqueue(ids) -> int:
    """Hand deliveries to the broker; stops quietly at the first broker error (the sweep retries)."""
    from .tasks import deliver_alert

    queued = 0
    for delivery_id in ids:
        try:
            deliver_alert.apply_async(args=[delivery_id])
        except Exception as exc:  # the broker is down: the outbox keeps the row pending
            logger.warning("alert %s not queued, the sweep will retry: %s", delivery_id, exc)
            break
        queued += 1
    return queued


ALERT_MAX_ATTEMPTS = 8
# An email claimed this long ago and never marked sent belongs to a worker that died mid-send.
ALERT_CLAIM_TIMEOUT = timedelta(minutes=10)
# A failed email is retried by its own task (backoff 5 s … 5 min); the sweep takes it up again only
# when no attempt has been made for this long, i.e. when that retry chain is gone. Sweeping it sooner
# spent all attempts within minutes of an SMTP outage.
ALERT_RETRY_QUIET = timedelta(minutes=10)


def _alert_text(report: Report) -> tuple[str, str, str]:
    """(title, in-app body, email body). The email names no one and quotes nothing: the title and
    the reporter stay in the portal; it says what kind of item, where, and where to read it."""
    place = report.township.name if report.township_id else report.county.name
    when = timezone.localtime(report.submitted_at).strftime("%m月%d日 %H:%M")
    title = f"【突发信息】{report.title}"
    body = f"{report.officer.name}于{when}报送突发信息（{report.get_category_display()}，{place}），请尽快查看处置。"
    link = f"{settings.PORTAL_BASE_URL}{reverse('reports:detail', args=[report.pk])}"
    email = (
        f"{when}，{place}有一条新的突发信息（{report.get_category_display()}）报送到信息员工作平台，"
        f"请尽快登录查看处置：\n{link}\n\n此邮件不含信息内容，请勿转发。"
    )
    return title, body, email


def alert_deliver(*, delivery_id: int) -> bool:
    """Deliver one alert; True if it was delivered now, False if there was nothing to do.

    In-app alerts are written and marked sent in one transaction. An email is first claimed
    (committed as 发送中), then sent, then marked sent, so a retry or a second worker never sends a
    claimed one again; only a claim older than ALERT_CLAIM_TIMEOUT (its worker died) is retried.
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            delivery = _claim_or_deliver_in_app(delivery_id, now)
    except Exception as exc:
        alert_failed(delivery_id=delivery_id, error=repr(exc), count_attempt=True)
        raise
    if delivery is None or delivery.state == AlertDelivery.State.SENT:
        return delivery is not None
    try:
        send_mail(
            "【信息员工作平台】有一条新的突发信息", _alert_text(delivery.report)[2], None, [delivery.recipient.email]
        )
    except Exception as exc:
        # A refused address stops here; a gateway that is down is retried (the task, then the sweep).
        alert_failed(
            delivery_id=delivery_id, error=repr(exc), count_attempt=False, final=not rules.send_failure_is_passing(exc)
        )
        raise
    AlertDelivery.objects.filter(pk=delivery_id).update(state=AlertDelivery.State.SENT, sent_at=timezone.now())
    return True


def _claim_or_deliver_in_app(delivery_id: int, now):
    """Inside a transaction: deliver an in-app alert (returns it 已发送), or claim an email (returns
    it 发送中), or None when there is nothing to do."""
    delivery = (
        AlertDelivery.objects.select_for_update(of=("self",))
        .select_related("report__officer", "report__township", "report__county", "recipient")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        return None
    stale_claim = delivery.state == AlertDelivery.State.SENDING and delivery.claimed_at < now - ALERT_CLAIM_TIMEOUT
    if delivery.state != AlertDelivery.State.PENDING and not stale_claim:
        return None
    delivery.attempts += 1
    if delivery.channel == AlertDelivery.Channel.IN_APP:
        title, body, _ = _alert_text(delivery.report)
        Notification.objects.create(
            recipient=delivery.recipient,
            kind=Notification.Kind.EMERGENCY,
            title=title,
            body=body,
            report=delivery.report,
        )
        delivery.state, delivery.sent_at = AlertDelivery.State.SENT, now
        delivery.save(update_fields=["state", "attempts", "sent_at"])
    else:
        delivery.state, delivery.claimed_at = AlertDelivery.State.SENDING, now
        delivery.save(update_fields=["state", "attempts", "claimed_at"])
    return delivery


def alert_failed(*, delivery_id: int, error: str, count_attempt: bool, final: bool = False) -> None:
    """A failed attempt goes back to the outbox, or stops as 发送失败 after ALERT_MAX_ATTEMPTS or
    when ``final`` (a refusal that would come again). ``count_attempt``: the attempt was rolled back
    with its transaction, so count it here."""
    delivery = AlertDelivery.objects.filter(pk=delivery_id).first()
    if delivery is None or delivery.state == AlertDelivery.State.SENT:
        return
    if count_attempt:
        delivery.attempts += 1
    delivery.state = (
        AlertDelivery.State.FAILED if final or delivery.attempts >= ALERT_MAX_ATTEMPTS else AlertDelivery.State.PENDING
    )
    delivery.last_error = error[:300]
    delivery.save(update_fields=["state", "attempts", "last_error"])


def alerts_sweep(*, older_than=timedelta(seconds=20), now=None) -> int:
    """Queue again what the broker lost or never got: pending alerts, and claims whose worker died."""
    now = now or timezone.now()
    untried_or_quiet = Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - ALERT_RETRY_QUIET)
    due = AlertDelivery.objects.filter(
        Q(untried_or_quiet, state=AlertDelivery.State.PENDING, created_at__lte=now - older_than)
        | Q(state=AlertDelivery.State.SENDING, claimed_at__lte=now - ALERT_CLAIM_TIMEOUT)
    )
    ids = list(due.order_by("created_at").values_list("pk", flat=True)[:500])
    return alerts_enqueue(ids)


# ---- notifications and audit -----------------------------------------------------------------------


def notifications_mark_read(*, user, report: Report | None = None) -> int:
    """Mark the user's unread notifications read: all of them, or those about ``report``."""
    qs = Notification.objects.visible_to(user).unread()
    if report is not None:
        qs = qs.filter(report=report)
    return qs.update(read_at=timezone.now())


def audit_record(*, actor, action: str, report: Report | None = None, county=None, target: str = "", request=None):
    ip = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR")
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        report=report,
        county_id=report.county_id if report is not None else getattr(county, "pk", county),
        target=(target or (report.title if report is not None else ""))[:200],
        ip_address=ip,
    )


@transaction.atomic
def report_record_imported(*, report: Report, actor=None) -> Report:
    """Store a report brought in from a past ledger: its status follows its grade, its timeliness
    is computed as for a report made in the portal, and a grade on a new row is kept in history."""
    is_new = report.pk is None
    previous_grade = None if is_new else Report.objects.values_list("grade", flat=True).get(pk=report.pk)
    report.county_id = report.county_id or report.officer.county_id
    if is_new and report.township_id is None:
        report.township_id = report.officer.township_id
    report.status = Status.SUBMITTED if report.grade == Grade.PENDING else Status.REVIEWED
    report.on_time = rules.is_on_time(
        urgency=report.urgency,
        occurred_at=report.occurred_at,
        submitted_at=report.submitted_at,
        emergency_minutes=emergency_minutes_for(report.county_id),
    )
    if report.grade != previous_grade:
        report.version += 1
    report.full_clean()
    report.save()
    if report.grade != (previous_grade or Grade.PENDING):
        ReviewEvent.objects.create(
            report=report,
            action=ReviewEvent.Action.GRADE,
            from_grade=previous_grade or Grade.PENDING,
            to_grade=report.grade,
            comment="台账导入",
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
    return report


# ---- stipend sheets ---------------------------------------------------------------------------------


def _month_label(county, month) -> str:
    return f"{county.name}{month.year}年{month.month}月"


@transaction.atomic
def sheet_approve(*, county, month, actor, request=None) -> StipendSheet:
    """Approve a county's month: store the sheet as it stands, post its total to the budget.

    Refused while any report of the month is 待审核, and when already approved. The sheet row is
    locked, so two admins approving at once end with exactly one approval.
    """
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
    # Counted after the snapshot, and the lines' own count too: a report returned for revision while
    # the lines were read must not end on a locked sheet.
    pending = max(selectors.pending_in_month(county_id=county.pk, month=month), sum(line.pending for line in lines))
    if pending:
        raise ValidationError(
            f"{_month_label(county, month)}还有 {pending} 条报送信息待审核，请全部审核后再审批补助表。", code="pending"
        )
    rows, total = [], 0
    for line in lines:
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
                tier=line.tier.code,
                amount=line.amount,
                note=line.note,
            )
        )
        total += line.amount
    StipendSheetRow.objects.bulk_create(rows, batch_size=2000)
    sheet.state = StipendSheet.State.APPROVED
    sheet.quota = terms.quota
    sheet.amount_qualified = terms.amounts["qualified"]
    sheet.amount_good = terms.amounts["good"]
    sheet.amount_excellent = terms.amounts["excellent"]
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
        description=f"{month.year}年{month.month}月信息员补助（{len(rows)}人）",
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
    total = sheet.total
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


# ---- the monthly analysis meeting ---------------------------------------------------------------


def action_owner_choices(*, county_id):
    """Who can own a follow-up action: the county's staff and its 在岗 officers."""
    from django.db.models import Q as _Q

    return User.objects.filter(
        _Q(county_id=county_id, role__in=[User.Role.REVIEWER, User.Role.ADMIN])
        | _Q(officer__county_id=county_id, officer__status=Officer.Status.ACTIVE),
        is_active=True,
    ).order_by("role", "full_name")


@transaction.atomic
def meeting_record(*, summary, actor, meeting_on, attendees: str, conclusions: str):
    summary.meeting_on, summary.attendees, summary.conclusions = meeting_on, attendees.strip(), conclusions.strip()
    summary.full_clean()
    summary.save(update_fields=["meeting_on", "attendees", "conclusions"])
    return summary


@transaction.atomic
def action_add(*, summary, actor, description: str, owner, due_on):
    from .models import SummaryAction

    if not action_owner_choices(county_id=summary.county_id).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": "责任人须为本县区的工作人员或在岗信息员"})
    action = SummaryAction(summary=summary, description=description.strip(), owner=owner, due_on=due_on)
    action.full_clean()
    action.save()
    Notification.objects.create(
        recipient=owner,
        kind=Notification.Kind.SUMMARY,
        title=f"分析会交办：{action.description}"[:200],
        body=f"完成期限 {due_on:%Y-%m-%d}",
    )
    return action


@transaction.atomic
def action_done(*, action, actor):
    if action.done_at is not None:
        raise ValidationError("该措施已标记完成")
    action.done_at, action.done_by = timezone.now(), actor
    action.save(update_fields=["done_at", "done_by"])
    return action
