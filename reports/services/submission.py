"""Officers writing reports: save (draft or submit), withdraw, delete a draft."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from officers.models import Officer, User
from unionportal.core.attachments import check_uploads, clean_name
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry

from .. import rules
from ..models import (
    CommissionRecipient,
    Report,
    ReportAttachment,
    Status,
    TimelinessRule,
    Urgency,
)
from ..selectors.reports import open_emergencies_forget
from .alerts import alerts_record
from .events import event_open, event_withdraw_initial

logger = logging.getLogger(__name__)

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
    "demands",
    "amount_involved",
    "commission",
)


def emergency_minutes_for(county_id) -> int:
    minutes = TimelinessRule.objects.filter(county_id=county_id).values_list("emergency_minutes", flat=True).first()
    return minutes or rules.DEFAULT_EMERGENCY_MINUTES


@transaction.atomic
def report_save(
    *,
    officer: Officer,
    data: dict,
    files=(),
    report: Report | None = None,
    submit: bool,
    now=None,
    client_submitted_at=None,
    recorded_by: User | None = None,
    called_at=None,
) -> Report:
    """Create or change an officer's report; ``submit`` reports it (报送), otherwise it stays a draft.

    An emergency report records its alerts in the same transaction (the outbox), so the officer's
    report is stored even when the broker is down.

    ``client_submitted_at`` is the moment the officer pressed 报送 on a phone that was offline (the
    report waited in the phone's outbox): on the first submission it becomes 报送时间 when within
    ``rules.CLIENT_TIME_OLDEST`` and ``rules.CLOCK_SKEW`` of now; otherwise now, with the reason kept.
    ``received_at`` is always the server's own time of that first submission.

    ``recorded_by`` is the member of staff who took the officer's call (电话报告, see
    :func:`report_record_phone`): the report is reported at ``called_at``, the call's time.
    """
    now = now or timezone.now()
    if report is None:
        report = Report(officer=officer, county=officer.county)
    else:
        report = Report.objects.select_for_update().get(pk=report.pk, officer=officer)
        if not rules.officer_may_edit(status=report.status, grade=report.grade):
            raise ValidationError("该信息已审核或已撤回，不能再修改")
    timed_as = (report.urgency, report.occurred_at)
    first_submission = submit and report.submitted_at is None
    if recorded_by is not None and first_submission:
        pressed_at, time_note = called_at, PHONE_NOTE
        report.recorded_by = recorded_by
    else:
        pressed_at, time_note = rules.accepted_submission_time(
            client_time=client_submitted_at if first_submission else None, now=now
        )
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(report, field, data[field])

    report.occurred_at = rules.within_clock_skew(occurred_at=report.occurred_at, now=now)
    errors = {}
    if report.township_id and report.township.county_id != officer.county_id:
        errors["township"] = "镇区街道不属于您所在县区"
    if report.enterprise_id and report.enterprise.county_id != officer.county_id:
        errors["enterprise"] = "所选企业不属于您所在县区"
    if (
        report.commission_id
        and not CommissionRecipient.objects.filter(commission_id=report.commission_id, officer=officer).exists()
    ):
        errors["commission"] = "该约稿没有发给您，不能选择"
    # A report once submitted stays complete: editing it is held to the same checks as submitting.
    if submit or report.status != Status.DRAFT:
        if not (report.content or "").strip():
            errors["content"] = "请填写信息内容"
        errors.update(rules.place_problems(urgency=report.urgency, township_id=report.township_id))
        # An emergency's 初报 carries the essentials (an event's later changes come as 续报).
        errors.update(
            rules.initial_report_problems(
                urgency=report.urgency,
                enterprise_id=report.enterprise_id,
                enterprise_name=report.enterprise_name,
                workers_involved=report.workers_involved,
                demands=report.demands,
            )
        )
        errors.update(
            rules.time_problems(occurred_at=report.occurred_at, submitted_at=report.submitted_at or pressed_at, now=now)
        )
    elif report.occurred_at and report.occurred_at > now:
        errors["occurred_at"] = "发生时间不能晚于当前时间"
    if recorded_by is not None and first_submission:
        errors.update(rules.phone_call_problems(called_at=called_at, occurred_at=report.occurred_at, now=now))
        # the call's time is checked on its own; the report's times follow from it
        if "called_at" in errors:
            errors.pop("occurred_at", None)
    if errors:
        raise ValidationError(errors)
    existing = report.attachments.count() if report.pk else 0
    try:
        checked = check_uploads(list(files), existing=existing)
    except ValidationError as exc:
        raise ValidationError({"attachments": exc.messages}) from None

    if submit:
        report.status = Status.SUBMITTED
        report.return_reason = ""
    if report.pk and report.status != Status.DRAFT:
        # What a reviewer opened is no longer what is there: a grade against the old version is refused.
        report.version += 1
    if first_submission:
        report.submitted_at = pressed_at
        report.received_at = now
        report.submitted_at_note = time_note
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
            uploaded_by=recorded_by or officer.user,
        )
        attachment.file.save(f"upload{found.extension}", upload, save=False)
        attachment.save()
    if Urgency.EMERGENCY in (report.urgency, timed_as[0]) and report.status != Status.DRAFT:
        open_emergencies_forget(county_id=report.county_id)  # the staff pages' red banner
    if first_submission and report.urgency == Urgency.EMERGENCY:
        event_open(report=report, recorded_by=recorded_by)
    if submit and report.urgency == Urgency.EMERGENCY:
        alerts_record(report=report)
    return report


PHONE_NOTE = "电话报告，由县总工会工作人员代录"
NO_ACCOUNT_FOR_PHONE = "该信息员不在册或没有可用的平台账号，不能代录（信息员需登录确认电话报告）"


@transaction.atomic
def report_record_phone(*, actor: User, officer: Officer, data: dict, called_at, request=None, now=None) -> Report:
    """Staff record a 突发 report an officer gave by phone (电话报告) as the officer's 初报: reported at
    the call's time (timeliness counts from it), marked as recorded by ``actor``; it opens the event,
    and the officer is asked to confirm it on the event's page (they may still correct the report)."""
    if not (actor.is_portal_staff and actor.county_id == officer.county_id):
        raise ValidationError({"officer": "只能为本县区的信息员代录电话报告"})
    if officer.status != Officer.Status.ACTIVE or officer.user_id is None or not officer.user.is_active:
        # The officer confirms the phone report in the portal: without an account they could not.
        raise ValidationError({"officer": NO_ACCOUNT_FOR_PHONE})
    report = report_save(
        officer=officer,
        data={**data, "urgency": Urgency.EMERGENCY, "commission": None},
        submit=True,
        now=now,
        recorded_by=actor,
        called_at=called_at,
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.PHONE_REPORT,
        report=report,
        request=request,
        target=f"代录{officer.name}的电话初报：{report.title}"[:200],
    )
    return report


@transaction.atomic
def report_withdraw(*, report: Report, officer: Officer) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk, officer=officer)
    if not rules.officer_may_withdraw(status=report.status, grade=report.grade):
        raise ValidationError("只有尚未审核的信息才能撤回")
    event_withdraw_initial(report=report)
    if report.urgency == Urgency.EMERGENCY:
        open_emergencies_forget(county_id=report.county_id)
    report.status = Status.WITHDRAWN
    report.version += 1
    report.save(update_fields=["status", "version", "updated_at"])
    return report


@transaction.atomic
def report_delete_draft(*, report: Report, officer: Officer) -> None:
    """An officer deletes a draft of their own: it was never reported, so nothing else refers to it.
    Its attachment files go once the deletion is committed."""
    report = Report.objects.select_for_update().get(pk=report.pk, officer=officer)
    if report.status != Status.DRAFT:
        raise ValidationError("只有草稿可以删除；已报送的信息可以撤回")
    files = [(a.file.storage, a.file.name) for a in report.attachments.all()]
    report.delete()
    for storage, name in files:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
