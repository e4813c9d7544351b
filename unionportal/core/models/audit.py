"""The audit log (保密制度): who looked at or acted on confidential material."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """One read, export or change of confidential material. Written by ``core.audit.audit_record`` only.

    The row names its county and report by key, without a database constraint and without cascading:
    an audit row outlives what it speaks of and is never rewritten when a report or county goes
    (core imports no app; the links are declared by label). Who may read the log is the scoping
    rule's business (``officers.selectors.audit_log``)."""

    class Action(models.TextChoices):
        VIEW_REPORT = "view_report", "查看信息详情"
        VIEW_ATTACHMENT = "view_attachment", "查看附件"
        GRADE = "grade", "审核评定"
        RETURN = "return", "退回修改"
        EXPORT = "export", "导出"
        IMPORT = "import", "导入"
        APPROVE_SHEET = "approve_sheet", "审批补助表"
        REOPEN_SHEET = "reopen_sheet", "撤销补助表审批"
        VIEW_CASE = "view_case", "查看争议案件"
        VIEW_CASE_ATTACHMENT = "view_case_file", "查看案件附件"
        CHANGE_CASE = "change_case", "变更案件状态"
        CHANGE_SUMMARY = "change_summary", "记录研判会议"
        SIGN_IN_FAILED = "sign_in_failed", "签到码错误"
        UNLOCK_LOGIN = "unlock_login", "解除登录锁定"
        CHANGE_CHANNEL = "change_channel", "修改通知渠道"
        CHANGE_TEMPLATE = "change_template", "修改文书模板"
        TEST_CHANNEL = "test_channel", "发送测试消息"
        FORWARD = "forward", "上报信息"
        DECIDE_FORWARD = "decide_forward", "处理上报信息"
        REVEAL_OFFICER = "reveal_officer", "查看信息员身份"
        VIEW_FORWARDED = "view_forwarded", "查看上报信息"
        PHONE_REPORT = "phone_report", "代录电话报告"
        MERGE_REPORT = "merge_report", "合并线索"
        PUBLISH_NOTICE = "publish_notice", "发布月度通报"
        # Security events (等保 2.0 安全审计): sign-in, second factor, accounts, sessions, settings.
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKOUT = "lockout", "登录锁定"
        LOGOUT = "logout", "退出登录"
        OTP_VERIFY_FAILED = "otp_failed", "动态码错误"
        OTP_ENROL = "otp_enrol", "绑定动态码"
        OTP_RESET = "otp_reset", "重置动态码设备"
        RECOVERY_CODES = "recovery_codes", "生成恢复码"
        RECOVERY_CODE_USED = "recovery_used", "使用恢复码登录"
        ROLE_CHANGE = "role_change", "变更角色"
        ACCOUNT_CHANGE = "account_change", "变更账号"
        PASSWORD_CHANGE = "password_change", "修改密码"
        PASSWORD_RESET = "password_reset", "重置密码"
        SESSION_END = "session_end", "结束会话"
        SETTINGS_CHANGE = "settings_change", "修改设置"
        AUDIT_PURGE = "audit_purge", "清理审计日志"
        REVEAL = "reveal", "查看完整信息"
        ACCESS_REFUSED = "access_refused", "越权访问被拒绝"
        # Personal information (个人信息保护法).
        CONSENT = "consent", "记录告知同意"
        PERSONAL_DATA_EXPORT = "pii_export", "下载本人信息"
        CORRECTION_REQUEST = "correction", "申请更正信息"
        CORRECTION_DONE = "correction_done", "处理更正申请"
        ANONYMISE = "anonymise", "匿名化"

    class Result(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"
        REFUSED = "refused", "拒绝"

    # No cascade and no database constraint: the row is never rewritten (the append-only trigger
    # refuses an UPDATE, so SET_NULL could not run), and an account is stopped, not deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name="操作人",
    )
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    result = models.CharField("结果", max_length=8, choices=Result.choices, default=Result.SUCCESS)
    county = models.ForeignKey(
        "officers.County",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="县区",
    )
    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="报送信息",
    )
    target = models.CharField("对象", max_length=200, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    # The hash chain (core.audit_chain): each row's digest covers its fields and the previous row's
    # digest, so a changed, removed or inserted row breaks the chain at that point (audit_verify).
    prev_hash = models.CharField("前一条摘要", max_length=64, blank=True, editable=False)
    entry_hash = models.CharField("摘要", max_length=64, blank=True, editable=False)
    hash_algorithm = models.CharField("摘要算法", max_length=8, default="sha256", editable=False)

    class Meta:
        db_table = "reports_auditentry"  # kept from before core existed, so no row moves
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["county", "created_at"], name="audit_county_idx"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_idx"),
            models.Index(fields=["report", "created_at"], name="audit_report_idx"),
            models.Index(fields=["action", "created_at"], name="audit_action_idx"),
            models.Index(fields=["result", "created_at"], name="audit_result_idx"),
        ]

    def __str__(self):
        when = timezone.localtime(self.created_at)
        return f"{when:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.target}"


class AuditPurge(models.Model):
    """A purge of audit rows older than the retention (``manage.py audit_purge``): where they went
    and the digest of the last row removed, the anchor from which the remaining chain is verified."""

    purged_before = models.DateField("清理截止日期")
    rows = models.PositiveIntegerField("清理条数")
    last_id = models.BigIntegerField("最后一条编号")
    last_hash = models.CharField("最后一条摘要", max_length=64)
    archive_path = models.CharField("归档文件", max_length=500)
    archive_sha256 = models.CharField("归档文件 SHA-256", max_length=64)
    created_at = models.DateTimeField("清理时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "审计日志清理记录"
        ordering = ["-last_id"]

    def __str__(self):
        return f"{self.purged_before} 前 {self.rows} 条"
