"""The security administrator's work on accounts (账号、角色、锁定、策略) and the creation of the three
administrators (三员分立). Every change is audited; a stopped account's sessions end at once."""

from axes.utils import reset as axes_reset
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry
from unionportal.core.sessions import sessions_end_all

from ..models import SecurityPolicy, User, phone_validator
from ..models.accounts import SYSTEM_ROLES

ROLE_LABELS = dict(User.Role.choices)

# The Django admin site's models each administrator works with (their group's permissions).
DUTY_PERMISSIONS = {
    "sysadmin": {
        "django_celery_beat": ("periodictask", "crontabschedule", "intervalschedule", "clockedschedule"),
        "officers": ("county", "township", "processingnotice"),
    },
    "secadmin": {"officers": ("user", "securitypolicy"), "axes": ("accessattempt", "accesslog", "accessfailurelog")},
    "auditadmin": {"core": ("auditentry", "auditpurge")},
}
READ_ONLY_DUTIES = {"auditadmin"}


def duty_group(role: str) -> Group:
    """The group holding the admin-site permissions of one of the three duties (made on first use)."""
    group, _ = Group.objects.get_or_create(name=f"三员分立：{ROLE_LABELS[role]}")
    actions = ("view",) if role in READ_ONLY_DUTIES else ("view", "add", "change")
    wanted = []
    for models in DUTY_PERMISSIONS[role].values():
        for model in models:
            wanted += [f"{action}_{model}" for action in actions]
    permissions = Permission.objects.filter(
        content_type__app_label__in=DUTY_PERMISSIONS[role].keys(), codename__in=wanted
    )
    group.permissions.set(permissions)
    return group


@transaction.atomic
def system_admin_upsert(*, role: str, phone: str, name: str, password: str) -> tuple[User, bool]:
    """Create (or reset) one of the three administrators. An account holds one role: a phone that
    already logs in as anything else is refused rather than given a second duty."""
    if role not in SYSTEM_ROLES:
        raise ValidationError("角色只能是 sysadmin（系统管理员）、secadmin（安全管理员）或 auditadmin（审计管理员）")
    phone_validator(phone)
    user = User.objects.filter(username=phone).first()
    created = user is None
    if user is not None and (user.role != role or user.is_superuser):
        raise ValidationError(
            f"该手机号已是“{ROLE_LABELS.get(user.role, user.role)}”的账号：三员分立，一个账号只能担任一种角色"
        )
    user = user or User(username=phone)
    validate_password(password, user)
    user.full_name = name
    user.role = role
    user.county = None
    user.is_active = True
    user.is_staff = True  # each works on their own part of the admin site
    user.is_superuser = False
    user.set_password(password)
    user.password_change_required = True
    user.password_changed_at = timezone.now()
    user.full_clean()
    user.save()
    user.groups.set([duty_group(role)])
    axes_reset(username=user.username)
    audit_record(actor=None, action=AuditEntry.Action.ROLE_CHANGE, target=f"{user.username} 设为{ROLE_LABELS[role]}")
    return user, created


def _security_admin_only(actor) -> None:
    if not getattr(actor, "is_security_admin", False):
        raise ValidationError("只有安全管理员可以管理账号")


@transaction.atomic
def account_role_change(*, actor, user: User, role: str, county=None, request=None) -> User:
    _security_admin_only(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk:
        raise ValidationError("不能变更自己的角色")
    if role not in ROLE_LABELS:
        raise ValidationError("未知的角色")
    if user.is_superuser:
        raise ValidationError("超级用户的角色不在此变更")
    if (role == User.Role.OFFICER) != (user.role == User.Role.OFFICER):
        raise ValidationError("信息员账号与工作人员账号不能互相转换（信息员由县总工会在信息员管理中登记）")
    if role == user.role:
        return user
    before = user.role
    user.role = role
    if role in SYSTEM_ROLES:
        user.county = None
        user.is_staff = True
        user.groups.set([duty_group(role)])
    else:
        if county is None and user.county_id is None:
            raise ValidationError("县总工会工作人员须有所属县区")
        user.county = county or user.county
        user.is_staff = role == User.Role.ADMIN
        user.groups.clear()
    user.full_clean()
    user.save()
    sessions_end_all(user_id=user.pk)  # the new rights apply from a new login
    audit_record(
        actor=actor,
        action=AuditEntry.Action.ROLE_CHANGE,
        target=f"{user.username}：{ROLE_LABELS[before]} → {ROLE_LABELS[role]}",
        request=request,
        county=user.county_id,
    )
    return user


@transaction.atomic
def account_set_active(*, actor, user: User, active: bool, request=None) -> User:
    """Stop or restart an account. Stopping ends its sessions at once. An officer's account follows
    the officer's status (信息员管理), so it is not switched here."""
    _security_admin_only(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk:
        raise ValidationError("不能停用自己的账号")
    if user.is_officer and hasattr(user, "officer"):
        raise ValidationError("信息员账号随信息员状态启停，请由县总工会管理员变更信息员状态")
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        sessions_end_all(user_id=user.pk)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.ACCOUNT_CHANGE,
        target=f"{user.username}：{'启用' if active else '停用'}",
        request=request,
        county=user.county_id,
    )
    return user


@transaction.atomic
def account_unlock(*, actor, user: User, request=None) -> None:
    _security_admin_only(actor)
    axes_reset(username=user.username)
    audit_record(
        actor=actor, action=AuditEntry.Action.UNLOCK_LOGIN, target=user.username, request=request, county=user.county_id
    )


POLICY_FIELDS = (
    "staff_idle_minutes",
    "officer_idle_minutes",
    "staff_password_days",
    "officer_password_days",
    "officer_totp_required",
)


@transaction.atomic
def policy_update(*, actor, request=None, **values) -> SecurityPolicy:
    _security_admin_only(actor)
    policy = SecurityPolicy.objects.select_for_update().filter(pk=1).first() or SecurityPolicy(pk=1)
    changes = []
    for field in POLICY_FIELDS:
        if field in values and getattr(policy, field) != values[field]:
            changes.append(
                f"{SecurityPolicy._meta.get_field(field).verbose_name}：{getattr(policy, field)} → {values[field]}"
            )
            setattr(policy, field, values[field])
    policy.updated_at = timezone.now()
    policy.updated_by = actor
    policy.full_clean()
    policy.save()
    if changes:
        audit_record(
            actor=actor, action=AuditEntry.Action.SETTINGS_CHANGE, target="；".join(changes)[:200], request=request
        )
    return policy
