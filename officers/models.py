"""Organisations and people: counties, townships, enterprises, officers, staff accounts and roles."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from unionportal.core.constraints import CheckConstraintsInOneQuery
from unionportal.core.validators import multiline_text, single_line_text

from . import rules
from .channels.models import ChannelSetting  # noqa: F401  (the county's notice channels, in this app)
from .scoping import apply_scope

phone_validator = RegexValidator(rules.PHONE_RE, "手机号格式不正确：应为以1开头的11位大陆手机号（第二位3–9）")
county_code_validator = RegexValidator(rules.COUNTY_CODE_RE, "县区代码应为6位数字行政区划代码")


def validate_credit_code(value):
    problem = rules.credit_code_problem(value)
    if problem:
        raise ValidationError(problem)


class CountyQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="pk")


class County(models.Model):
    code = models.CharField("县区代码", max_length=6, unique=True, validators=[county_code_validator])
    name = models.CharField("县区名称", max_length=50, validators=[single_line_text])
    city = models.CharField("所属市", max_length=50, blank=True, validators=[single_line_text])
    province = models.CharField("所属省", max_length=50, blank=True, validators=[single_line_text])

    objects = CountyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "县区"
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{6}$"), name="county_code_six_digits")]

    def __str__(self):
        return f"{self.name}（{self.code}）"


class TownshipQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="county", shared_with_officers=True)


class Township(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="townships", verbose_name="县区")
    name = models.CharField("镇区街道", max_length=50, validators=[single_line_text])
    sort_key = models.CharField("拼音排序", max_length=200, blank=True, editable=False)

    objects = TownshipQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "镇区街道"
        ordering = ["county", "sort_key", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="township_unique_per_county")]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """Every login: officers (username = 手机号), county reviewers and admins."""

    class Role(models.TextChoices):
        OFFICER = "officer", "信息员"
        REVIEWER = "reviewer", "县总工会工作人员"
        ADMIN = "admin", "系统管理员"

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
        help_text="工作人员所属县区；超级管理员留空可管理全部县区。",
    )

    password_change_required = models.BooleanField(
        "须修改密码", default=False, help_text="管理员设置的密码：用户登录后须先改为自己的密码"
    )

    objects = UserManager()

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(condition=Q(role__in=["officer", "reviewer", "admin"]), name="user_role_valid"),
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
    def is_officer(self) -> bool:
        return self.role == self.Role.OFFICER and not self.is_superuser


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="county", shared_with_officers=True)

    def large(self):
        return self.filter(staff_count__gte=rules.LARGE_ENTERPRISE_STAFF)


class Enterprise(models.Model):
    name = models.CharField("单位名称", max_length=100, validators=[single_line_text])
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, validators=[validate_credit_code])
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="enterprises", verbose_name="县区")
    township = models.ForeignKey(
        Township, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="镇区街道"
    )
    staff_count = models.PositiveIntegerField("职工人数", null=True, blank=True)
    is_foreign_funded = models.BooleanField("外资企业", default=False)
    industry = models.CharField("所属行业", max_length=50, blank=True, validators=[single_line_text])

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "企业"
        ordering = ["county", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="enterprise_credit_code_unique"
            ),
        ]
        indexes = [models.Index(fields=["county", "name"])]

    def __str__(self):
        return self.name

    @property
    def is_large(self) -> bool:
        return rules.is_large_enterprise(self.staff_count)

    is_large.fget.short_description = "大型企业（5000人以上）"

    def clean(self):
        if self.township_id and self.county_id and self.township.county_id != self.county_id:
            raise ValidationError({"township": "镇区街道不属于所选县区"})


class OfficerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping rule for officers: staff see their county, an officer only themself."""
        return apply_scope(self, user, county="county", owner="user")

    def active(self):
        return self.filter(status=Officer.Status.ACTIVE)


class Officer(CheckConstraintsInOneQuery, models.Model):
    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class Category(models.TextChoices):
        UNION_COMMITTEE = "union_committee", "企业工会委员"
        LAW_SUPERVISOR = "law_supervisor", "劳动法律监督员"
        MEDIATOR = "mediator", "劳动争议调解员"
        FRONTLINE = "frontline", "一线职工"
        TEAM_LEADER = "team_leader", "班组长"
        UNION_CADRE = "union_cadre", "工会干部"
        NEW_FORM = "new_form", "新就业形态劳动者"

    class KeyGroup(models.TextChoices):
        TRUCK_DRIVER = "truck_driver", "货车司机"
        RIDE_HAILING = "ride_hailing", "网约车司机"
        COURIER = "courier", "快递员"
        DELIVERY_RIDER = "delivery_rider", "网约配送员"
        STREAMER = "streamer", "网络主播"

    class Status(models.TextChoices):
        CANDIDATE = "candidate", "候选"
        ACTIVE = "active", "在岗"
        SUSPENDED = "suspended", "停用"
        DISMISSED = "dismissed", "解聘"

    user = models.OneToOneField(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="officer", verbose_name="登录账号"
    )
    name = models.CharField("姓名", max_length=50, validators=[single_line_text])
    sort_key = models.CharField("拼音排序", max_length=200, blank=True, editable=False)
    phone = models.CharField(
        "手机号",
        max_length=11,
        unique=True,
        validators=[phone_validator],
        error_messages={"unique": "该手机号已登记为其他信息员"},
    )
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="officers", verbose_name="县区")
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, null=True, blank=True, related_name="officers", verbose_name="镇区街道"
    )
    employer = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="officers", verbose_name="工作单位"
    )
    category = models.CharField("人员类别", max_length=20, choices=Category.choices)
    key_group = models.CharField("重点群体", max_length=20, choices=KeyGroup.choices, blank=True)
    recommended_by = models.CharField("推荐单位", max_length=100, blank=True, validators=[single_line_text])
    vetted_by = models.CharField("把关单位", max_length=100, blank=True, validators=[single_line_text])
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.ACTIVE)
    appointed_on = models.DateField("聘任日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = OfficerQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "信息员"
        ordering = ["county", "sort_key", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(phone__regex=r"^1[3-9][0-9]{9}$"), name="officer_phone_format"),
            models.CheckConstraint(
                condition=Q(status__in=["candidate", "active", "suspended", "dismissed"]), name="officer_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    category__in=[
                        "union_committee",
                        "law_supervisor",
                        "mediator",
                        "frontline",
                        "team_leader",
                        "union_cadre",
                        "new_form",
                    ]
                ),
                name="officer_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(key_group="") | Q(category="new_form"), name="officer_key_group_only_new_form"
            ),
        ]
        indexes = [
            models.Index(fields=["county", "status"]),
            models.Index(fields=["county", "township"]),
            models.Index(fields=["county", "category"]),
            models.Index(fields=["county", "key_group"]),
            models.Index(fields=["county", "sort_key"]),
        ]

    def __str__(self):
        # Masked: a name shown wherever an officer is listed (choices, admin titles, history) must not
        # give reviewers the full number; admins see it in the phone column and on the record.
        return f"{self.name}（{self.masked_phone}）"

    def clean(self):
        errors = {}
        if self.township_id and self.county_id and self.township.county_id != self.county_id:
            errors["township"] = "镇区街道不属于该县区"
        if self.employer_id and self.county_id and self.employer.county_id != self.county_id:
            errors["employer"] = "工作单位不属于该县区"
        if self.status == self.Status.ACTIVE and self.appointed_on and self.appointed_on > timezone.localdate():
            # A candidate may carry a planned date (the ledger allows it); serving from a future day may not.
            errors["appointed_on"] = "在岗信息员的聘任日期不能晚于今天"
        if self.key_group and self.category != self.Category.NEW_FORM:
            # Key groups are the new-form workers' dispute-prone trades.
            errors["key_group"] = "只有人员类别为“新就业形态劳动者”的信息员才能选择重点群体"
        if errors:
            raise ValidationError(errors)

    @property
    def masked_phone(self) -> str:
        return rules.mask_phone(self.phone)


class OfficerStatusChangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="officer__county")


class OfficerStatusChange(models.Model):
    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="status_changes", verbose_name="信息员")
    from_status = models.CharField("原状态", max_length=12, choices=Officer.Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=Officer.Status.choices)
    changed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="操作人"
    )
    changed_at = models.DateTimeField("时间", default=timezone.now)
    reason = models.CharField("原因", max_length=200, blank=True, validators=[single_line_text])

    objects = OfficerStatusChangeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "信息员状态变更"
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["officer", "-changed_at"])]

    def __str__(self):
        return f"{self.officer.name}：{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class VettingNoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Vetting notes are the staff's; an officer does not see what was written about them.
        return apply_scope(self, user, county="officer__county")


class VettingNote(models.Model):
    """A visit, talk or record check made while vetting a candidate (考察记录)."""

    class Kind(models.TextChoices):
        VISIT = "visit", "走访"
        TALK = "talk", "谈话"
        RECORD_CHECK = "record_check", "资料审查"
        OTHER = "other", "其他"

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="vetting_notes", verbose_name="信息员")
    kind = models.CharField("方式", max_length=16, choices=Kind.choices, default=Kind.TALK)
    happened_on = models.DateField("日期", default=timezone.localdate)
    content = models.TextField("考察情况", validators=[multiline_text])
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="记录人")
    created_at = models.DateTimeField("记录时间", default=timezone.now, editable=False)

    objects = VettingNoteQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "考察记录"
        ordering = ["-happened_on", "-id"]

    def __str__(self):
        return f"{self.officer.name} {self.get_kind_display()} {self.happened_on}"


# ---- training and engagement (培训与交流: 育) ------------------------------------------------------


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Officers see their county's activities (to sign in and to see what is coming).
        return apply_scope(self, user, county="county", shared_with_officers=True)


class Activity(models.Model):
    class Kind(models.TextChoices):
        CENTRAL_TRAINING = "central_training", "集中培训"
        GUIDANCE = "guidance", "一对一指导"
        EXCHANGE = "exchange", "交流会"
        STUDY_VISIT = "study_visit", "参观学习"
        HEARING = "hearing", "观摩庭审/调解"
        SHADOWING = "shadowing", "跟班学习"
        DRILL = "drill", "实战演练"
        SKILLS = "skills", "岗位练兵"

    class Host(models.TextChoices):
        SERVICE_WINDOW = "service_window", "工会服务窗口"
        CIRCUIT_COURT = "circuit_court", "巡回法庭"
        ARBITRATION = "arbitration", "劳动仲裁院"
        PROCURATORATE = "procuratorate", "检察院"

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="activities", verbose_name="县区")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    held_on = models.DateField("日期")
    ends_on = models.DateField("结束日期", null=True, blank=True, help_text="跟班学习等持续多日的活动填写")
    place = models.CharField("地点", max_length=100, blank=True, validators=[single_line_text])
    organiser = models.CharField("组织单位", max_length=100, blank=True, validators=[single_line_text])
    topic = models.CharField("主题", max_length=200, validators=[single_line_text])
    host = models.CharField("跟班单位", max_length=20, choices=Host.choices, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "培训与交流活动"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["county", "held_on"], name="activity_county_day_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("held_on")), name="activity_ends_after"
            ),
        ]

    def __str__(self):
        return f"{self.held_on} {self.get_kind_display()}：{self.topic}"

    def clean(self):
        # Said here, on the field, before the database constraint would answer with its bare name.
        if self.ends_on and self.held_on and self.ends_on < self.held_on:
            raise ValidationError({"ends_on": "结束日期不能早于开始日期"})


class Attendance(models.Model):
    class Via(models.TextChoices):
        STAFF = "staff", "工作人员登记"
        SIGN_IN = "sign_in", "现场签到"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances", verbose_name="活动")
    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="attendances", verbose_name="信息员")
    via = models.CharField("方式", max_length=10, choices=Via.choices)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "参加记录"
        constraints = [models.UniqueConstraint(fields=["activity", "officer"], name="attendance_once")]

    def __str__(self):
        return f"{self.officer.name} @ {self.activity_id}"


class SignInCode(models.Model):
    """A short code the organiser shows at the event; officers type it on their phones to sign in."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sign_in_codes")
    code = models.CharField("签到码", max_length=6)
    expires_at = models.DateTimeField("有效期至")
    # Wrong codes typed in the county while this one was live; at the limit it is retired.
    failed_attempts = models.PositiveIntegerField("错误尝试次数", default=0)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "签到码"
        indexes = [models.Index(fields=["code", "expires_at"], name="signin_code_idx")]

    def __str__(self):
        return self.code


class GuidanceQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="officer__county", owner="officer__user")


class Guidance(models.Model):
    """One-to-one guidance (一对一指导): the problem raised and the suggestions given, one per line."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="guidance", verbose_name="信息员")
    given_on = models.DateField("日期", default=timezone.localdate)
    given_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="指导人"
    )
    problem = models.TextField("提出的问题", validators=[multiline_text])
    created_at = models.DateTimeField(default=timezone.now)

    objects = GuidanceQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "一对一指导"
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["officer", "given_on"], name="guidance_officer_idx")]

    def __str__(self):
        return f"{self.officer.name} {self.given_on}"


class Suggestion(models.Model):
    guidance = models.ForeignKey(Guidance, on_delete=models.CASCADE, related_name="suggestions", verbose_name="指导")
    text = models.CharField("建议", max_length=300, validators=[single_line_text])

    class Meta:
        verbose_name = verbose_name_plural = "指导建议"
        ordering = ["id"]

    def __str__(self):
        return self.text


class CommendationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return apply_scope(self, user, county="officer__county", owner="officer__user")


class Commendation(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", "省总工会"
        CITY = "city", "市总工会"
        COUNTY = "county", "县总工会"

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="commendations", verbose_name="信息员")
    level = models.CharField("表彰层级", max_length=10, choices=Level.choices)
    reason = models.CharField("表彰事由", max_length=200, validators=[single_line_text])
    awarded_on = models.DateField("日期")

    objects = CommendationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "表彰"
        ordering = ["-awarded_on", "-id"]

    def __str__(self):
        return f"{self.officer.name} {self.get_level_display()} {self.awarded_on}"


# Kept in their own module (this one is long); imported here so that Django registers them.
from .account_safety import PasswordHistory, SignInFailure  # noqa: E402, F401
