"""Training and exchange (培训交流): activities, attendance and sign-in codes, guidance, commendations."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from unionportal.core.validators import multiline_text, single_line_text

from ..scoping import apply_scope
from .accounts import User
from .officer import Officer
from .registry import County


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
