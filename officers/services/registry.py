"""Writes to the registry's units and places: regions, counties (contract §6), staff accounts, enterprises."""

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import rules
from ..models import (
    County,
    Enterprise,
    Region,
    Township,
    User,
    phone_validator,
)
from .accounts import remember_own_password


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
    remember_own_password(user)
    user.set_password(password)
    user.password_change_required = True  # whoever ran the command knows it: the user replaces it
    user.password_changed_at = timezone.now()
    user.full_clean()
    user.save()
    axes_reset(username=user.username)  # a new password lifts a lockout
    return user, created


def enterprise_pick(*, county: County, credit_code: str, found: Enterprise | None) -> Enterprise | None:
    """The employer a ledger row or form names, among what exists: ``found`` is the enterprise holding
    ``credit_code`` (any county, its county loaded) when a code is given, else the county's first of
    that name. None: a new one is to be created (``enterprise_new``). Runs no query."""
    if credit_code and found is not None and found.county_id != county.pk:
        # An officer's employer is in the officer's county; another county's record is not ours to use.
        raise ValidationError(
            {"credit_code": f"统一社会信用代码 {credit_code} 已登记为{found.county.name}的企业“{found.name}”"}
        )
    return found


def enterprise_new(*, county: County, name: str, credit_code: str = "", township=None) -> Enterprise:
    """A new employer, unsaved, checked by its fields and its own rule without a query (its county
    and township are the caller's, already loaded; a credit code is new when nothing held it)."""
    enterprise = Enterprise(county=county, name=name, credit_code=credit_code, township=township)
    errors = {}
    try:
        enterprise.clean_fields(exclude=["county", "township"])
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    try:
        enterprise.clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    return enterprise


def enterprise_resolve(*, county: County, name: str, credit_code: str = "", township=None) -> Enterprise:
    """The employer named in a ledger row or form: matched by credit code, else by name in the county."""
    if credit_code:
        found = Enterprise.objects.filter(credit_code=credit_code).select_related("county").first()
    else:
        found = Enterprise.objects.filter(county=county, name=name).order_by("pk").first()
    found = enterprise_pick(county=county, credit_code=credit_code, found=found)
    if found:
        return found
    enterprise = Enterprise(county=county, name=name, credit_code=credit_code, township=township)
    enterprise.full_clean()
    enterprise.save()
    return enterprise
