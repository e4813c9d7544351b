"""Writes to the registry: each a function with keyword arguments, one transaction, full_clean()."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from . import rules
from .models import County, Enterprise, Officer, OfficerStatusChange, Township, User, VettingNote, phone_validator

STATUS_LABELS = dict(Officer.Status.choices)


@transaction.atomic
def county_upsert(*, code: str, name: str, city: str = "", province: str = "", townships=()) -> tuple[County, bool]:
    """Create or update a county and add the townships named. Returns (county, changed)."""
    county = County.objects.filter(code=code).first() or County(code=code)
    changed = county.pk is None
    for field, value in (("name", name), ("city", city), ("province", province)):
        if value and getattr(county, field) != value:
            setattr(county, field, value)
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
def staff_upsert(*, phone: str, name: str, county_code: str, role: str, password: str) -> tuple[User, bool]:
    """Create or update a county staff account (reviewer or admin). Returns (user, created)."""
    phone_validator(phone)
    if role not in (User.Role.REVIEWER, User.Role.ADMIN):
        raise ValidationError("角色只能是 reviewer（县总工会工作人员）或 admin（系统管理员）")
    county = County.objects.filter(code=county_code).first()
    if county is None:
        raise ValidationError(f"县区代码 {county_code} 不存在，请先用 create_county 创建")
    user = User.objects.filter(username=phone).first()
    created = user is None
    if user is not None and (user.role == User.Role.OFFICER and not user.is_superuser):
        raise ValidationError("该手机号已是信息员的登录账号，不能再用作工作人员账号")
    user = user or User(username=phone)
    validate_password(password, user)
    user.full_name = name
    user.role = role
    user.county = county
    user.is_active = True
    # Admins also manage the registry in Django's admin; reviewers work in the portal only.
    user.is_staff = role == User.Role.ADMIN
    user.set_password(password)
    user.full_clean()
    user.save()
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
    officer.full_clean(exclude=["user"])
    previous_status = None
    if officer.pk:
        previous_status = Officer.objects.select_for_update().values_list("status", flat=True).get(pk=officer.pk)

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
    user.is_active = officer.status == Officer.Status.ACTIVE
    user.save()
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
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def vetting_note_add(*, officer: Officer, author: User, kind: str, happened_on, content: str) -> VettingNote:
    note = VettingNote(officer=officer, author=author, kind=kind, happened_on=happened_on, content=content)
    note.full_clean()
    note.save()
    return note
