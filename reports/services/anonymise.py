"""PIPL 最小必要与删除: an officer dismissed (解聘) longer ago than OFFICER_RETENTION_YEARS has their
personal information replaced. Their reports stay, as anonymous records; approved stipend sheets keep
their frozen snapshot (StipendSheetRow) for the accounts, so every sheet adds up as before."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from officers.models import CorrectionRequest, NoticeConsent, Officer, OfficerStatusChange, VettingNote
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry
from unionportal.core.sessions import sessions_end_all

from ..models import Report, ReviewEvent

ANONYMOUS_NAME = "已匿名信息员"
MENTION = "某信息员"
PHONE_MENTION = "***********"


def placeholder_phone(officer_id: int) -> str:
    """A number that keeps the phone's format and uniqueness (199 9xxx xxxx, from the officer's id):
    not the officer's. It is never shown as a contact: the account it names cannot log in."""
    return f"1999{officer_id % 10_000_000:07d}"


def retention_cutoff(now=None):
    years = settings.OFFICER_RETENTION_YEARS
    return (now or timezone.now()) - timedelta(days=round(365.25 * years))


def officers_due(*, now=None):
    """Dismissed officers not yet anonymised whose dismissal is older than the retention period."""
    dismissed = (
        OfficerStatusChange.objects.filter(to_status=Officer.Status.DISMISSED)
        .values("officer_id")
        .annotate(last=Max("changed_at"))
        .filter(last__lt=retention_cutoff(now))
        .values("officer_id")
    )
    return Officer.objects.filter(status=Officer.Status.DISMISSED, anonymised_at__isnull=True, pk__in=dismissed)


# Texts of the apps above that may name an officer (a dispute case's 案情 copied from their report, its
# follow-ups): each such app registers a function ``(*, officer, name, phone)`` in its AppConfig.ready
# (this floor may not import them); all run inside the anonymisation's transaction.
TEXT_SCRUBBERS: list = []


def register_text_scrubber(scrub) -> None:
    if scrub not in TEXT_SCRUBBERS:
        TEXT_SCRUBBERS.append(scrub)


def scrub_text(text: str, *, name: str, phone: str) -> str:
    """``text`` with the officer's name and phone replaced by 某信息员 and asterisks."""
    return _scrub(text, name=name, phone=phone)


def _scrub(text: str, *, name: str, phone: str) -> str:
    if not text:
        return text
    if name:
        text = text.replace(name, MENTION)
    if phone:
        text = text.replace(phone, PHONE_MENTION)
    return text


@transaction.atomic
def officer_anonymise(*, officer_id: int, now=None) -> bool:
    """Replace one officer's personal information. Safe to run twice: an officer already anonymised,
    or no longer due (reinstated), is left alone. Returns whether anything was done."""
    officer = Officer.objects.select_for_update().filter(pk=officer_id).first()
    if officer is None or not officers_due(now=now).filter(pk=officer_id).exists():
        return False
    name, phone = officer.name, officer.phone

    for report in Report.objects.filter(officer=officer):
        fields = {}
        for field in ("title", "content", "enterprise_name", "review_comment", "return_reason", "submitted_at_note"):
            value = getattr(report, field)
            scrubbed = _scrub(value, name=name, phone=phone)
            if scrubbed != value:
                fields[field] = scrubbed[: Report._meta.get_field(field).max_length or None]
        if fields:
            Report.objects.filter(pk=report.pk).update(**fields)
    for event in ReviewEvent.objects.filter(report__officer=officer).exclude(comment=""):
        ReviewEvent.objects.filter(pk=event.pk).update(comment=_scrub(event.comment, name=name, phone=phone))
    for note in VettingNote.objects.filter(officer=officer):
        VettingNote.objects.filter(pk=note.pk).update(content=_scrub(note.content, name=name, phone=phone))
    for change in OfficerStatusChange.objects.filter(officer=officer).exclude(reason=""):
        OfficerStatusChange.objects.filter(pk=change.pk).update(reason=_scrub(change.reason, name=name, phone=phone))
    for correction in CorrectionRequest.objects.filter(officer=officer):
        CorrectionRequest.objects.filter(pk=correction.pk).update(
            text=_scrub(correction.text, name=name, phone=phone), reply=_scrub(correction.reply, name=name, phone=phone)
        )
    for scrub in TEXT_SCRUBBERS:
        scrub(officer=officer, name=name, phone=phone)
    for consent in NoticeConsent.objects.filter(officer=officer).exclude(scan=""):
        consent.scan.delete(save=False)  # the signed page shows the name and signature
        NoticeConsent.objects.filter(pk=consent.pk).update(scan="", method=NoticeConsent.Method.ONLINE)

    Officer.objects.filter(pk=officer.pk).update(
        name=ANONYMOUS_NAME,
        sort_key="",
        phone=placeholder_phone(officer.pk),
        gender="",
        employer=None,
        recommended_by="",
        vetted_by="",
        anonymised_at=now or timezone.now(),
    )
    if officer.user_id:
        user = officer.user
        user.username = f"anonymised-{officer.pk}"
        user.full_name = ""
        user.email = ""
        user.first_name = user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        user.password_history.all().delete()
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        sessions_end_all(user_id=user.pk)
    audit_record(
        actor=None,
        action=AuditEntry.Action.ANONYMISE,
        target=f"信息员 #{officer.pk}（解聘超过 {settings.OFFICER_RETENTION_YEARS} 年）",
        county=officer.county_id,
    )
    return True
