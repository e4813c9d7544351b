"""Writes to an officer's record: saving with its history and code, status moves, their password, vetting notes."""

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry
from unionportal.core.sessions import sessions_end_all

from .. import rules
from ..models import (
    County,
    Officer,
    OfficerStatusChange,
    User,
    VettingNote,
)
from .accounts import remember_own_password

STATUS_LABELS = dict(Officer.Status.choices)


def phone_account_problem(*, phone: str, officer: Officer) -> str | None:
    """Why ``phone`` cannot be ``officer``'s login name, or None. Staff accounts and other
    officers' accounts keep their numbers; an orphaned officer account may be taken over."""
    holder = User.objects.filter(username=phone).exclude(pk=officer.user_id).first()
    return phone_holder_problem(holder=holder, officer_user_id=officer.user_id)


def phone_holder_problem(*, holder: User | None, officer_user_id: int | None) -> str | None:
    """``phone_account_problem`` once the account holding the phone is known (its ``officer`` loaded):
    for a caller that loaded the accounts of many phones at once."""
    if holder is None or holder.pk == officer_user_id:
        return None
    if holder.role != User.Role.OFFICER or holder.is_superuser:
        return "该手机号已被工作人员账号使用"
    if hasattr(holder, "officer"):
        return "该手机号已登记为其他信息员"
    if officer_user_id:
        return "该手机号已被其他账号使用"
    return None


@transaction.atomic
def officer_save(*, officer: Officer, actor: User | None = None, reason: str = "") -> Officer:
    """Save an officer and keep their login account and status history in step.

    The account's username is the phone; it can log in only while the officer is 在岗.
    """
    officer.sort_key = rules.pinyin_key(officer.name)
    previous_status = previous_county_id = None
    if not officer._state.adding:
        previous_status, previous_county_id = (
            Officer.objects.select_for_update().values_list("status", "county_id").get(pk=officer.pk)
        )
    if officer.county_id is not None and (officer._state.adding or previous_county_id != officer.county_id):
        # Registered in (or moved to) a county: the county's next code.
        (officer.serial,) = officer_serials_reserve(county_id=officer.county_id, count=1)
        officer.code = rules.officer_code(
            County.objects.values_list("code", flat=True).get(pk=officer.county_id), officer.serial
        )
    officer.full_clean(exclude=["user"])

    problem = phone_account_problem(phone=officer.phone, officer=officer)
    if problem:
        raise ValidationError({"phone": problem})
    # An orphaned officer account with this phone (no officer attached) is taken over.
    user = officer.user or User.objects.filter(username=officer.phone).first()
    if user is None:
        user = User(username=officer.phone, role=User.Role.OFFICER)
        user.set_unusable_password()  # an admin sets the first password
    user.username = officer.phone
    user.full_name = officer.name
    was_active = user.pk is not None and user.is_active
    user.is_active = officer.status == Officer.Status.ACTIVE
    user.save()
    if was_active and not user.is_active:
        sessions_end_all(user_id=user.pk)  # a stopped or dismissed officer is signed out at once
    officer.user = user
    officer.save()

    if previous_status != officer.status:
        OfficerStatusChange.objects.create(
            officer=officer,
            from_status=previous_status or "",
            to_status=officer.status,
            changed_by=actor,
            reason=reason or ("登记" if previous_status is None else ""),
        )
    return officer


@transaction.atomic
def officer_serials_reserve(*, county_id: int, count: int) -> list[int]:
    """The next ``count`` serials of a county's officers, taken under a lock on the county's row so two
    registrations never get the same one (the database's unique constraint stands behind it). A bulk
    path that creates officers without officer_save takes its serials here."""
    County.objects.select_for_update().filter(pk=county_id).values_list("pk", flat=True).first()
    top = Officer.objects.filter(county_id=county_id).aggregate(top=Max("serial"))["top"] or 0
    return list(range(top + 1, top + 1 + count))


@transaction.atomic
def officer_change_status(*, officer: Officer, to_status: str, actor: User, reason: str) -> Officer:
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    if not reason.strip():
        raise ValidationError({"reason": "请填写状态变更的原因"})
    if not rules.status_move_allowed(officer.status, to_status):
        raise ValidationError(
            {
                "to_status": f"不能从“{STATUS_LABELS.get(officer.status, officer.status)}”"
                f"改为“{STATUS_LABELS.get(to_status, to_status)}”"
            }
        )
    officer.status = to_status
    return officer_save(officer=officer, actor=actor, reason=reason.strip())


@transaction.atomic
def officer_set_password(*, officer: Officer, password: str, actor: User) -> User:
    user = officer.user
    if user is None:
        officer = officer_save(officer=officer, actor=actor)
        user = officer.user
    validate_password(password, user)
    remember_own_password(user)
    user.set_password(password)
    user.password_change_required = True  # a password an admin knows is the officer's to replace
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_change_required", "password_changed_at"])
    sessions_end_all(user_id=user.pk)
    if actor is not None:
        audit_record(
            actor=actor,
            action=AuditEntry.Action.PASSWORD_RESET,
            target=f"{officer.name}（{officer.masked_phone}）",
            county=officer.county_id,
        )
    # A locked-out officer calls the admin for a new password: it works at once, lockout lifted.
    axes_reset(username=user.username)
    return user


# How many of an account's earlier passwords a new one may not repeat (the current one is always
# compared): settings.PASSWORD_HISTORY_COUNT, 5 by default (等保 2.0). Only passwords the user chose
# are kept; one an admin set is the current hash while the change it forces is pending, and is never
# kept after.


@transaction.atomic
def vetting_note_add(*, officer: Officer, author: User, kind: str, happened_on, content: str) -> VettingNote:
    note = VettingNote(officer=officer, author=author, kind=kind, happened_on=happened_on, content=content)
    note.full_clean()
    note.save()
    return note


# ---- training and engagement ------------------------------------------------------------------
