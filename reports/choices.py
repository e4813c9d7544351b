"""The reporting system's fixed lists, defined once: models, rules and forms all use these members."""

from django.db import models


class Category(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", "欠薪讨薪"
    LABOUR_DISPUTE = "labour_dispute", "劳动争议"
    MASS_INCIDENT = "mass_incident", "群体性事件苗头"
    WORKER_SENTIMENT = "worker_sentiment", "职工思想动态"
    NEW_FORM_RIGHTS = "new_form_rights", "新就业形态劳动者权益"
    WORK_SAFETY = "work_safety", "安全生产"
    ONLINE_OPINION = "online_opinion", "网络舆情"
    OTHER = "other", "其他"


class Urgency(models.TextChoices):
    GENERAL = "general", "一般"
    EMERGENCY = "emergency", "突发"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "退回修改"
    REVIEWED = "reviewed", "已审核"
    WITHDRAWN = "withdrawn", "已撤回"


class Grade(models.TextChoices):
    PENDING = "pending", "待审核"
    REJECTED = "rejected", "不予采用"
    QUALIFIED = "qualified", "合格"
    COUNTY_ADOPTED = "county_adopted", "县总工会采用"
    ABOVE_ADOPTED = "above_adopted", "县级以上部门采用"


ADOPTED_GRADES = (Grade.COUNTY_ADOPTED, Grade.ABOVE_ADOPTED)
# Grades that count towards the monthly quota (有效条数, contract section 3).
VALID_GRADES = (Grade.QUALIFIED, *ADOPTED_GRADES)


class Tier(models.TextChoices):
    UNQUALIFIED = "unqualified", "不合格"
    QUALIFIED = "qualified", "合格"
    GOOD = "good", "良好"
    EXCELLENT = "excellent", "优秀"


# Statuses whose reports count as submitted in a month (报送条数).
COUNTED_STATUSES = (Status.SUBMITTED, Status.RETURNED, Status.REVIEWED)

# Categories that signal a labour-relations risk (everything but 职工思想动态 and 其他): the dashboard's
# risk count and the summary's "enterprises reported repeatedly" both read this.
RISK_CATEGORIES = tuple(c for c in Category if c not in (Category.WORKER_SENTIMENT, Category.OTHER))


# ---- events (突发事件信息的初报、续报、终报) ------------------------------------------------------


class EventState(models.TextChoices):
    OPEN = "open", "处置中"
    CLOSED = "closed", "已终报"
    MERGED = "merged", "已并入其他事件"
    WITHDRAWN = "withdrawn", "初报已撤回"


class EntryKind(models.TextChoices):
    INITIAL = "initial", "初报"
    FOLLOWUP = "followup", "续报"
    FINAL = "final", "终报"


class EntrySource(models.TextChoices):
    PORTAL = "portal", "信息员报送"
    PHONE = "phone", "电话报告（工作人员代录）"
    STAFF = "staff", "工作人员录入"
# ---- risk levels and supervision (风险等级、督办) --------------------------------------------------


class RiskLevel(models.TextChoices):
    RED = "red", "红色"
    ORANGE = "orange", "橙色"
    YELLOW = "yellow", "黄色"
    BLUE = "blue", "蓝色"


class SupervisionColour(models.TextChoices):
    """Computed from the clock (rules.supervision_colour), not chosen by anyone."""

    NONE = "none", "正常"
    BLUE = "blue", "蓝色（临期）"
    YELLOW = "yellow", "黄色（逾期）"
    RED = "red", "红色（严重逾期）"


class SupervisionKind(models.TextChoices):
    RISK = "risk", "风险处置"
    UNTOLD = "untold", "调解期满未告知仲裁权利"
    REMEDY = "remedy", "协议分期逾期"
    INSTRUCTION = "instruction", "领导批示落实"
    OTHER = "other", "其他督办"


class SupervisionState(models.TextChoices):
    OPEN = "open", "办理中"
    CLOSED = "closed", "已办结"


class ExtensionState(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"
