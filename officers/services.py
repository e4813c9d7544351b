"""Writes to the registry: each a function with keyword arguments, one transaction, full_clean()."""

import secrets
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry
from unionportal.core.sessions import sessions_end_all

from . import rules
from .models import (
    Activity,
    Attendance,
    Commendation,
    County,
    Enterprise,
    Guidance,
    Officer,
    OfficerStatusChange,
    PasswordHistory,
    Region,
    SignInCode,
    SignInFailure,
    Suggestion,
    Township,
    User,
    VettingNote,
    phone_validator,
)

STATUS_LABELS = dict(Officer.Status.choices)


@transaction.atomic
def region_upsert(*, code: str, name: str, level: str, parent_code: str = "") -> tuple[Region, bool]:
    """Create or update a unit above the county (contract §6 create_region). Returns (region, changed)."""
    if level not in Region.Level.values:
        raise ValidationError("层级只能是 city（市）或 province（省）")
    parent = None
    if parent_code:
        parent = Region.objects.filter(code=parent_code).first()
        if parent is None:
            raise ValidationError(f"上级单位代码 {parent_code} 不存在，请先用 create_region 创建")
    if County.objects.filter(code=code).exists():
        raise ValidationError(f"代码 {code} 已是县区的代码，不能再用作市、省单位")
    region = Region.objects.filter(code=code).first() or Region(code=code)
    changed = region.pk is None
    for field, value in (("name", name), ("level", level), ("parent", parent)):
        if getattr(region, field) != value:
            setattr(region, field, value)
            changed = True
    if changed:
        region.full_clean()
        region.save()
    return region, changed


@transaction.atomic
def county_upsert(
    *, code: str, name: str, city: str = "", province: str = "", townships=(), parent_code: str = ""
) -> tuple[County, bool]:
    """Create or update a county, add the townships named and, with ``parent_code``, place it under a
    city (or a province). Returns (county, changed)."""
    parent = None
    if parent_code:
        parent = Region.objects.filter(code=parent_code).select_related("parent").first()
        if parent is None:
            raise ValidationError(f"上级单位代码 {parent_code} 不存在，请先用 create_region 创建")
    if Region.objects.filter(code=code).exists():
        raise ValidationError(f"代码 {code} 已是市、省单位的代码，不能再用作县区")
    county = County.objects.filter(code=code).first() or County(code=code)
    changed = county.pk is None
    if parent is not None:
        # The text columns follow the tree, so exports that print them stay right.
        city = city or (parent.name if parent.level == Region.Level.CITY else "")
        province = province or (parent.parent.name if parent.parent_id else parent.name)
    for field, value in (("name", name), ("city", city), ("province", province)):
        if value and getattr(county, field) != value:
            setattr(county, field, value)
            changed = True
    if parent is not None and county.region_id != parent.pk:
        county.region = parent
        changed = True
    if changed:
        county.full_clean()
        county.save()
    existing = set(county.townships.values_list("name", flat=True))
    for township_name in dict.fromkeys(t.strip() for t in townships if t and t.strip()):
        if township_name not in existing:
            township = Township(county=county, name=township_name, sort_key=rules.pinyin_key(township_name))
            township.full_clean()
            township.save()
            changed = True
    return county, changed


@transaction.atomic
def staff_upsert(
    *, phone: str, name: str, role: str, password: str, county_code: str = "", unit_code: str = ""
) -> tuple[User, bool]:
    """Create or update a staff account (reviewer or admin) of a county, or with ``unit_code`` of any
    unit: a county, a city or a province. Returns (user, created)."""
    phone_validator(phone)
    if role not in (User.Role.REVIEWER, User.Role.ADMIN):
        raise ValidationError("角色只能是 reviewer（工作人员）或 admin（管理员）")
    code = unit_code or county_code
    if not code:
        raise ValidationError("请用 --county 或 --unit 指定所属单位")
    county = County.objects.filter(code=code).first()
    region = None if county is not None else Region.objects.filter(code=code).first()
    if county is None and region is None:
        if unit_code:
            raise ValidationError(f"单位代码 {code} 不存在，请先用 create_county 或 create_region 创建")
        raise ValidationError(f"县区代码 {code} 不存在，请先用 create_county 创建")
    user = User.objects.filter(username=phone).first()
    created = user is None
    if user is not None and (user.role == User.Role.OFFICER and not user.is_superuser):
        raise ValidationError("该手机号已是信息员的登录账号，不能再用作工作人员账号")
    user = user or User(username=phone)
    validate_password(password, user)
    user.full_name = name
    user.role = role
    user.county = county
    user.region = region
    user.is_active = True
    # Admins also manage the registry in Django's admin; reviewers work in the portal only.
    user.is_staff = role == User.Role.ADMIN
    _remember_own_password(user)
    user.set_password(password)
    user.password_change_required = True  # whoever ran the command knows it: the user replaces it
    user.password_changed_at = timezone.now()
    user.full_clean()
    user.save()
    axes_reset(username=user.username)  # a new password lifts a lockout
    return user, created


def enterprise_resolve(*, county: County, name: str, credit_code: str = "", township=None) -> Enterprise:
    """The employer named in a ledger row or form: matched by credit code, else by name in the county."""
    if credit_code:
        found = Enterprise.objects.filter(credit_code=credit_code).select_related("county").first()
        if found and found.county_id != county.pk:
            # An officer's employer is in the officer's county; another county's record is not ours to use.
            raise ValidationError(
                {"credit_code": f"统一社会信用代码 {credit_code} 已登记为{found.county.name}的企业“{found.name}”"}
            )
    else:
        found = Enterprise.objects.filter(county=county, name=name).order_by("pk").first()
    if found:
        return found
    enterprise = Enterprise(county=county, name=name, credit_code=credit_code, township=township)
    enterprise.full_clean()
    enterprise.save()
    return enterprise


def phone_account_problem(*, phone: str, officer: Officer) -> str | None:
    """Why ``phone`` cannot be ``officer``'s login name, or None. Staff accounts and other
    officers' accounts keep their numbers; an orphaned officer account may be taken over."""
    holder = User.objects.filter(username=phone).exclude(pk=officer.user_id).first()
    if holder is None:
        return None
    if holder.role != User.Role.OFFICER or holder.is_superuser:
        return "该手机号已被工作人员账号使用"
    if hasattr(holder, "officer"):
        return "该手机号已登记为其他信息员"
    if officer.user_id:
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
    _remember_own_password(user)
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
def password_history_checked() -> int:
    return settings.PASSWORD_HISTORY_COUNT


def _earlier_checked() -> int:
    """The current password is one of the last N, so N - 1 earlier ones are looked up."""
    return max(password_history_checked() - 1, 1)


def _remember_own_password(user) -> None:
    """Keep the hash of the password the user chose before it is replaced (not one an admin set)."""
    if user.pk and user.has_usable_password() and not user.password_change_required:
        PasswordHistory.objects.create(user=user, password=user.password)


def password_reuse_problem(*, user, password: str) -> str | None:
    """Why ``password`` may not be ``user``'s new password (it is one they have or had), or None."""
    if user.has_usable_password() and check_password(password, user.password):
        if user.password_change_required:
            return "新密码不能与管理员设置的初始密码相同"
        return "新密码不能与原密码相同"
    earlier = list(user.password_history.values_list("password", flat=True)[: _earlier_checked()])
    for position, hashed in enumerate(earlier):
        if check_password(password, hashed):
            if position == 0:
                return "新密码不能与原密码相同"
            return f"新密码不能与最近 {password_history_checked()} 次使用过的密码相同"
    return None


@transaction.atomic
def password_change(*, user, password: str, request=None) -> User:
    """The user replaces their password with one of their own choosing (the portal's password page)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    problem = password_reuse_problem(user=user, password=password)
    if problem:
        raise ValidationError({"new_password1": problem})
    validate_password(password, user)
    _remember_own_password(user)
    user.set_password(password)
    user.password_change_required = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_change_required", "password_changed_at"])
    audit_record(
        actor=user, action=AuditEntry.Action.PASSWORD_CHANGE, target=str(user), request=request, county=user.county_id
    )
    return user


@transaction.atomic
def password_changed(*, user) -> None:
    """The password an admin set stays (the demo accounts): no change is asked for."""
    if user.password_change_required:
        user.password_change_required = False
        user.save(update_fields=["password_change_required"])


@transaction.atomic
def vetting_note_add(*, officer: Officer, author: User, kind: str, happened_on, content: str) -> VettingNote:
    note = VettingNote(officer=officer, author=author, kind=kind, happened_on=happened_on, content=content)
    note.full_clean()
    note.save()
    return note


# ---- training and engagement ------------------------------------------------------------------

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
