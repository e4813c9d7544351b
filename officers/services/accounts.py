"""Passwords: history (no reuse of the last ones), changes, the forced change after an admin-set password."""

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry

from ..models import (
    PasswordHistory,
    User,
)


def password_history_checked() -> int:
    return settings.PASSWORD_HISTORY_COUNT


def _earlier_checked() -> int:
    """The current password is one of the last N, so N - 1 earlier ones are looked up."""
    return max(password_history_checked() - 1, 1)


def remember_own_password(user) -> None:
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
    remember_own_password(user)
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
