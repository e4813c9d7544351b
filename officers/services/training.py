"""Training and exchange (培训交流): activities, attendance, sign-in codes, guidance and commendations."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry

from .. import rules
from ..models import (
    Activity,
    Attendance,
    Commendation,
    Guidance,
    Officer,
    SignInCode,
    SignInFailure,
    Suggestion,
)

SIGN_IN_MINUTES = 15


@transaction.atomic
def activity_create(*, county, actor, kind, held_on, topic, place="", organiser="", host="", ends_on=None):

    activity = Activity(
        county=county,
        kind=kind,
        held_on=held_on,
        topic=topic,
        place=place,
        organiser=organiser,
        host=host,
        ends_on=ends_on,
        created_by=actor,
    )
    if kind == Activity.Kind.SHADOWING and not host:
        raise ValidationError({"host": "跟班学习请选择跟班单位"})
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def attendance_mark(*, activity, officers, actor) -> int:
    """Staff mark who took part; marking someone twice changes nothing. Returns how many were added."""

    foreign = [o.name for o in officers if o.county_id != activity.county_id]
    if foreign:
        raise ValidationError({"officers": f"不是本县区的信息员：{'、'.join(foreign)}"})
    before = activity.attendances.count()
    Attendance.objects.bulk_create(
        [Attendance(activity=activity, officer=o, via=Attendance.Via.STAFF) for o in officers], ignore_conflicts=True
    )
    return activity.attendances.count() - before


@transaction.atomic
def sign_in_code_issue(*, activity, actor, minutes: int = SIGN_IN_MINUTES):
    """A new 6-digit code for the organiser to show; any earlier code of the activity stops working."""

    now = timezone.now()
    SignInCode.objects.filter(activity=activity, expires_at__gt=now).update(expires_at=now)
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        if not SignInCode.objects.filter(code=code, expires_at__gt=now).exists():
            break
    return SignInCode.objects.create(
        activity=activity, code=code, expires_at=now + timedelta(minutes=minutes), created_by=actor
    )


SIGN_IN_INVALID = "签到码无效或已过期，请核对现场显示的6位数字"


SIGN_IN_OFFICER_FAILURES = 5  # wrong codes an officer may type within SIGN_IN_FAILURE_WINDOW


SIGN_IN_FAILURE_WINDOW = timedelta(minutes=15)


SIGN_IN_CODE_FAILURES = 50  # wrong codes typed in the county while a code is live retire it


def sign_in(*, officer, code: str, now=None, request=None):
    """An officer signs in at an event with the code on the organiser's screen, once.

    A code that is wrong, expired, replaced or another county's gets one answer. Wrong codes are
    counted in the database and audited: SIGN_IN_OFFICER_FAILURES within SIGN_IN_FAILURE_WINDOW and
    the officer waits; SIGN_IN_CODE_FAILURES in the county while a code is live and that code is
    retired (the organiser shows a new one). Guessing a 6-digit code is so bounded."""
    now = now or timezone.now()
    if officer.status != Officer.Status.ACTIVE:
        raise ValidationError({"code": "只有在岗信息员可以签到"})
    with transaction.atomic():  # committed even when the answer is a refusal: the count must stay
        outcome = _sign_in_attempt(officer=officer, code=(code or "").strip(), now=now, request=request)
    if isinstance(outcome, str):
        raise ValidationError({"code": outcome})
    return outcome


def _sign_in_attempt(*, officer, code, now, request):
    """The attendance, or why not (a message). Runs under a lock of the officer's row, so their
    attempts are counted one after another, by any number of web processes."""
    Officer.objects.select_for_update().filter(pk=officer.pk).first()
    failures = SignInFailure.objects.filter(officer=officer)
    failures.filter(at__lte=now - SIGN_IN_FAILURE_WINDOW).delete()
    wait = rules.sign_in_wait_minutes(
        failures.values_list("at", flat=True), now=now, limit=SIGN_IN_OFFICER_FAILURES, window=SIGN_IN_FAILURE_WINDOW
    )
    if wait:
        return f"输入错误次数过多，请 {wait} 分钟后再试"
    live = SignInCode.objects.filter(activity__county_id=officer.county_id, expires_at__gt=now)
    found = live.select_related("activity").filter(code=code).order_by("-created_at").first() if code else None
    if found is None:
        _sign_in_failed(officer=officer, live=live, now=now, request=request)
        return SIGN_IN_INVALID
    attendance, created = Attendance.objects.get_or_create(
        activity=found.activity, officer=officer, defaults={"via": Attendance.Via.SIGN_IN, "at": now}
    )
    if not created:
        return "您已签到，无需重复签到"
    return attendance


def _sign_in_failed(*, officer, live, now, request):
    SignInFailure.objects.create(officer=officer, at=now)
    audit_record(
        actor=officer.user,
        action=AuditEntry.Action.SIGN_IN_FAILED,
        county=officer.county_id,
        target=f"{officer.name}：签到码无效或已过期",
        request=request,
    )
    # Every live code of the county could have been the one guessed at: each counts the miss (one
    # UPDATE, so concurrent misses all count) and a code at the limit stops working.
    live.update(failed_attempts=F("failed_attempts") + 1)
    for retired in live.filter(failed_attempts__gte=SIGN_IN_CODE_FAILURES).select_related("activity"):
        SignInCode.objects.filter(pk=retired.pk).update(expires_at=now)
        audit_record(
            actor=None,
            action=AuditEntry.Action.SIGN_IN_FAILED,
            county=officer.county_id,
            target=f"签到码错误尝试达 {SIGN_IN_CODE_FAILURES} 次已作废：{retired.activity.topic}",
            request=request,
        )


@transaction.atomic
def guidance_record(*, officer, given_by, problem: str, suggestions: str, given_on=None):
    """One-to-one guidance; each non-empty line of ``suggestions`` is one suggestion (so they count)."""

    lines = [line.strip(" \t-·•0123456789.、") for line in suggestions.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise ValidationError({"suggestions": "请至少填写一条建议（每行一条）"})
    guidance = Guidance(officer=officer, given_by=given_by, problem=problem, given_on=given_on or timezone.localdate())
    guidance.full_clean()
    guidance.save()
    Suggestion.objects.bulk_create([Suggestion(guidance=guidance, text=line[:300]) for line in lines])
    return guidance


@transaction.atomic
def commendation_add(*, officer, level, reason, awarded_on):

    commendation = Commendation(officer=officer, level=level, reason=reason, awarded_on=awarded_on)
    commendation.full_clean()
    commendation.save()
    return commendation
