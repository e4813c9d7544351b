"""Accounts: everyone who logs in (officers with their phone, staff with a role)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q

from unionportal.core.validators import single_line_text

from .registry import County, Region

SYSTEM_ROLES = ("sysadmin", "secadmin", "auditadmin")
ALL_ROLES = ("officer", "reviewer", "admin", *SYSTEM_ROLES)


class User(AbstractUser):
    """Every login: officers (username = 手机号), county reviewers and admins."""

    class Role(models.TextChoices):
        OFFICER = "officer", "信息员"
        REVIEWER = "reviewer", "县总工会工作人员"
        ADMIN = "admin", "县总工会管理员"
        # 三员分立: the three system administrators, each refused outside its duty.
        SYSTEM_ADMIN = "sysadmin", "系统管理员"
        SECURITY_ADMIN = "secadmin", "安全管理员"
        AUDIT_ADMIN = "auditadmin", "审计管理员"

    # The login is the phone number: named so wherever Django speaks of the field (the password
    # rule "too similar to the 手机号", the admin's forms).
    username = models.CharField(
        "手机号",
        max_length=150,
        unique=True,
        validators=[AbstractUser.username_validator],
        error_messages={"unique": "该手机号已有登录账号"},
    )
    full_name = models.CharField("姓名", max_length=50, blank=True, validators=[single_line_text])
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.OFFICER)
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="所属县区",
        help_text="县总工会工作人员所属县区；市、省总工会的工作人员留空并选择所属单位。",
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="所属单位（市、省）",
        help_text="市、省总工会工作人员所属单位；超级管理员县区与单位都留空可管理全部。",
    )

    password_change_required = models.BooleanField(
        "须修改密码", default=False, help_text="管理员设置的密码：用户登录后须先改为自己的密码"
    )

    password_changed_at = models.DateTimeField(
        "密码设置时间", null=True, blank=True, help_text="工作人员的密码超过规定天数须更换"
    )

    objects = UserManager()

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(condition=Q(role__in=ALL_ROLES), name="user_role_valid"),
            # One unit per account: a county, or a city/province; officers belong to a county only.
            models.CheckConstraint(condition=Q(county__isnull=True) | Q(region__isnull=True), name="user_one_unit"),
            models.CheckConstraint(
                condition=~Q(role="officer") | Q(region__isnull=True), name="user_officer_not_in_region"
            ),
            # One role per account makes holding two of the three impossible; a superuser is no
            # system administrator either (it would hold all three duties at once), nor is one of a unit.
            models.CheckConstraint(
                condition=~Q(role__in=SYSTEM_ROLES) | Q(is_superuser=False), name="user_system_role_not_superuser"
            ),
            models.CheckConstraint(
                condition=~Q(role__in=SYSTEM_ROLES) | Q(county__isnull=True, region__isnull=True),
                name="user_system_role_no_county",
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username

    @property
    def is_portal_staff(self) -> bool:
        """Reviewers and admins: the county union's own people."""
        return self.is_active and (self.is_superuser or self.role in (self.Role.REVIEWER, self.Role.ADMIN))

    @property
    def is_portal_admin(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == self.Role.ADMIN)

    @property
    def unit(self):
        """The unit the account belongs to: its County or its Region (None for a superuser of all)."""
        return self.county if self.county_id else self.region if self.region_id else None

    @property
    def is_regional_staff(self) -> bool:
        """Staff of a city or province union: they see what is forwarded to them, not the counties' own."""
        return self.is_portal_staff and self.county_id is None and self.region_id is not None

    @property
    def is_officer(self) -> bool:
        return self.role == self.Role.OFFICER and not self.is_superuser

    @property
    def is_system_admin(self) -> bool:
        return self.is_active and self.role == self.Role.SYSTEM_ADMIN

    @property
    def is_security_admin(self) -> bool:
        return self.is_active and self.role == self.Role.SECURITY_ADMIN

    @property
    def is_audit_admin(self) -> bool:
        return self.is_active and self.role == self.Role.AUDIT_ADMIN

    @property
    def holds_system_role(self) -> bool:
        """One of the three administrators (三员): refused everything outside their duty."""
        return self.role in SYSTEM_ROLES

    @property
    def needs_second_factor(self) -> bool:
        """Staff, the three administrators and superusers always log in with two factors."""
        return self.is_superuser or self.role != self.Role.OFFICER

    @property
    def session_idle_seconds(self) -> int:
        """How long a session of this account may stay idle (settings; the security administrator's
        policy is fixed into the session at login)."""
        minutes = settings.OFFICER_IDLE_MINUTES if self.is_officer else settings.STAFF_IDLE_MINUTES
        return int(minutes) * 60
