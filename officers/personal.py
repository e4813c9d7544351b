"""Personal information (个人信息保护法): the notice and each officer's consent, correction requests
(a task for the county admin through the bell), and publishing a new notice version."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from unionportal.core.attachments import check_uploads
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry
from unionportal.core.outbox import messages_write_new, person_notices

from .models import CorrectionRequest, NoticeConsent, Officer, ProcessingNotice, User


@transaction.atomic
def notice_publish(*, actor, title: str, text: str, request=None) -> ProcessingNotice:
    """A new version of the notice: every officer is asked again at their next login."""
    version = (ProcessingNotice.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    notice = ProcessingNotice(version=version, title=title, text=text, published_at=timezone.now())
    notice.full_clean()
    notice.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.SETTINGS_CHANGE,
        target=f"发布个人信息处理告知书第 {version} 版",
        request=request,
    )
    return notice


@transaction.atomic
def consent_accept_online(*, request, user) -> NoticeConsent:
    """The officer read the current notice at login and accepted it."""
    officer = Officer.objects.get(user=user)
    notice = ProcessingNotice.current()  # (request may be None: a demo or a test)
    if notice is None:
        raise ValidationError("目前没有需要确认的告知书")
    consent, _ = NoticeConsent.objects.get_or_create(
        officer=officer, notice=notice, defaults={"method": NoticeConsent.Method.ONLINE, "recorded_by": user}
    )
    audit_record(
        actor=user,
        action=AuditEntry.Action.CONSENT,
        target=f"{notice}：在线确认",
        request=request,
        county=officer.county_id,
    )
    return consent


@transaction.atomic
def consent_record_paper(
    *, actor, officer: Officer, scan, sensitive_consent: bool = False, request=None
) -> NoticeConsent:
    """The county records the notice the officer signed on paper at appointment, with its scan."""
    notice = ProcessingNotice.current()
    if notice is None:
        raise ValidationError("请先由系统管理员发布个人信息处理告知书")
    if NoticeConsent.objects.filter(officer=officer, notice=notice).exists():
        raise ValidationError(f"该信息员已确认第 {notice.version} 版告知书")
    [(clean, _found)] = check_uploads([scan])
    consent = NoticeConsent(
        officer=officer,
        notice=notice,
        method=NoticeConsent.Method.PAPER,
        sensitive_consent=sensitive_consent,
        recorded_by=actor,
    )
    consent.scan.save(clean.name, clean, save=False)
    consent.full_clean()
    consent.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CONSENT,
        target=f"{officer.name}：{notice}（纸质签字）",
        request=request,
        county=officer.county_id,
    )
    return consent


@transaction.atomic
def correction_request_create(*, officer: Officer, text: str, request=None) -> CorrectionRequest:
    """The officer asks for a correction: a task on the county admins' bell (and email), once."""
    correction = CorrectionRequest(officer=officer, text=text.strip())
    correction.full_clean()
    correction.save()
    admins = User.objects.filter(county_id=officer.county_id, role=User.Role.ADMIN, is_active=True)
    notices = []
    for admin in admins:
        notices += person_notices(
            key=f"correction:{correction.pk}:{admin.pk}",
            kind="correction",
            notification_kind="reminder",
            user=admin,
            title=f"信息员{officer.name}申请更正个人信息",
            body=f"{correction.text}\n\n请在“信息员管理 → 更正申请”中处理。",
        )
    messages_write_new(notices)
    audit_record(
        actor=officer.user,
        action=AuditEntry.Action.CORRECTION_REQUEST,
        target=officer.name,
        request=request,
        county=officer.county_id,
    )
    return correction


@transaction.atomic
def correction_close(
    *, actor, correction: CorrectionRequest, status: str, reply: str, request=None
) -> CorrectionRequest:
    correction = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
    if correction.status != CorrectionRequest.Status.OPEN:
        raise ValidationError("该申请已处理")
    if status not in (CorrectionRequest.Status.DONE, CorrectionRequest.Status.DECLINED):
        raise ValidationError({"status": "请选择处理结果"})
    if status == CorrectionRequest.Status.DECLINED and not reply.strip():
        raise ValidationError({"reply": "不予更正时请说明理由"})
    correction.status = status
    correction.reply = reply.strip()
    correction.handled_by = actor
    correction.handled_at = timezone.now()
    correction.full_clean()
    correction.save()
    if correction.officer.user_id:
        messages_write_new(
            person_notices(
                key=f"correction:{correction.pk}:closed",
                kind="correction",
                notification_kind="reminder",
                user=correction.officer.user,
                title=f"您的信息更正申请：{correction.get_status_display()}",
                body=correction.reply,
            )
        )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CORRECTION_DONE,
        target=f"{correction.officer.name}：{correction.get_status_display()}",
        request=request,
        county=correction.officer.county_id,
    )
    return correction
