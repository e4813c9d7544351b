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

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="操作人"
    )
    action = models.CharField("操作", max_length=20, choices=Action.choices)
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

    class Meta:
        db_table = "reports_auditentry"  # kept from before core existed, so no row moves
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["county", "created_at"], name="audit_county_idx"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_idx"),
            models.Index(fields=["report", "created_at"], name="audit_report_idx"),
        ]

    def __str__(self):
        when = timezone.localtime(self.created_at)
        return f"{when:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.target}"
