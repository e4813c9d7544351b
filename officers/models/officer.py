"""Officers (信息员), their status history and vetting notes."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from unionportal.core.constraints import CheckConstraintsInOneQuery
from unionportal.core.validators import multiline_text, single_line_text

from .. import rules
from ..scoping import apply_scope
from .accounts import User
from .registry import County, Enterprise, Township, phone_validator


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
    # Given by officer_save when the officer is registered in (or moves to) a county: the next serial
    # of the county under a lock on the county's row. Units above see the code, never the name.
    serial = models.PositiveIntegerField("县内编号", editable=False)
    code = models.CharField("信息员代码", max_length=16, editable=False)
    appointed_on = models.DateField("聘任日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # PIPL: set when a dismissed officer's personal information was replaced after the retention
    # period (reports.services.anonymise); the row stays so reports and approved sheets keep a link.
    anonymised_at = models.DateTimeField("匿名化时间", null=True, blank=True, editable=False)

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
            models.UniqueConstraint(fields=["county", "serial"], name="officer_serial_unique_per_county"),
            models.UniqueConstraint(fields=["county", "code"], name="officer_code_unique_per_county"),
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{6}-[0-9]{4,}$"), name="officer_code_format"),
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
