"""Pure rules of the officer registry: no database access, tested by tables of cases."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from pypinyin import Style, lazy_pinyin

from unionportal.core.clock import BEIJING
from unionportal.core.masking import mask_phone  # noqa: F401  (the registry's rules name it too)

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
COUNTY_CODE_RE = re.compile(r"^\d{6}$")
# An officer's code: the county's code and a serial within the county (320922-0042). Forwarded items
# carry it instead of the officer's name; only the county's staff can resolve it.
OFFICER_CODE_RE = re.compile(r"^\d{6}-\d{4,}$")


def officer_code(county_code: str, serial: int) -> str:
    """``320922`` and 42 → ``320922-0042`` (four digits at least; a county past 9999 grows a digit)."""
    if serial < 1:
        raise ValueError("信息员编号从1开始")
    return f"{county_code}-{serial:04d}"


# GB 32100-2015: the unified social credit code alphabet (no I, O, Z, S, V) and position weights.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

LARGE_ENTERPRISE_STAFF = 5000


def is_valid_phone(value: str) -> bool:
    return bool(PHONE_RE.match(value or ""))


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def credit_code_problem(value: str) -> str | None:
    """Why ``value`` is not a valid unified social credit code, or None when it is."""
    if len(value) != 18:
        return "统一社会信用代码应为18位"
    if not CREDIT_CODE_RE.match(value):
        return "统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V，字母须大写）"
    if credit_code_check_char(value[:17]) != value[17]:
        return "统一社会信用代码校验位不正确，请核对"
    return None


def is_large_enterprise(staff_count: int | None) -> bool:
    return staff_count is not None and staff_count >= LARGE_ENTERPRISE_STAFF


def pinyin_key(name: str) -> str:
    """A sort key that orders Chinese names by pinyin (the order county ledgers use)."""
    return " ".join(lazy_pinyin(name or "", style=Style.TONE3)).lower()[:200]


# Officer status moves: 候选 → 在岗 → 停用 / 解聘; a suspended officer may return; 解聘 is final.
STATUS_MOVES = {
    "candidate": {"active", "dismissed"},
    "active": {"suspended", "dismissed"},
    "suspended": {"active", "dismissed"},
    "dismissed": set(),
}


def status_move_allowed(from_status: str, to_status: str) -> bool:
    return to_status in STATUS_MOVES.get(from_status, set())


def sign_in_wait_minutes(failures, *, now, limit: int, window) -> int:
    """Whole minutes an officer waits before trying a sign-in code again (0: may try now).

    ``failures``: the times of their wrong codes, any order. At ``limit`` wrong codes within
    ``window`` they wait until the oldest of the last ``limit`` leaves the window."""
    recent = sorted((t for t in failures if t > now - window), reverse=True)
    if len(recent) < limit:
        return 0
    free_at = recent[limit - 1] + window
    return max(1, -(-int((free_at - now).total_seconds()) // 60))


# ---- a county's notice channels: what each kind needs before it can send ------------------------

CHANNEL_NEEDS = {
    "wecom": ("webhook_url",),
    "dingtalk": ("webhook_url",),
    "aliyun_sms": ("key_id", "secret", "sign_name"),
    "tencent_sms": ("key_id", "secret", "app_id", "sign_name"),
    "http_sms": ("webhook_url", "secret"),
}
# What the staff groups (企业微信/钉钉 robots) take, by the channel's flag: a new kind of notice for
# them (issue 16's red supervision items) is one flag here, one line in ChannelSetting.PURPOSES and
# the flag's field.
GROUP_FLAGS = {"for_alerts": "突发信息提醒", "for_digests": "每日待审核汇总", "for_supervision": "红色督办提醒"}
SMS_FLAGS = {"for_reminders": "报送提醒短信"}
CHANNEL_FIELD_LABELS = {
    "webhook_url": "Webhook / 网关地址",
    "key_id": "AccessKey ID / SecretId / 账号",
    "secret": "密钥",  # nosec B105  (a field label, not a password)
    "app_id": "SmsSdkAppId",
    "sign_name": "短信签名",
    "reminder_template": "报送提醒模板编号",
    "commission_template": "约稿通知模板编号",
}


def channel_problems(kind: str, values: dict) -> dict[str, str]:
    """Field → message for what a channel of this kind lacks (empty when it can send). An address
    must be http(s); a gateway that sends reminders needs the reminder template's id, and the
    commission notice's (the officers' SMS go through the one gateway)."""
    problems = {}
    for name in CHANNEL_NEEDS.get(kind, ()):
        if not str(values.get(name, "")).strip():
            problems[name] = f"请填写{CHANNEL_FIELD_LABELS[name]}"
    url = str(values.get("webhook_url", "")).strip()
    if url and not url.startswith(("https://", "http://")):
        problems["webhook_url"] = "地址应以 https:// 开头"
    if kind in ("aliyun_sms", "tencent_sms", "http_sms") and values.get("for_reminders"):
        if not str(values.get("reminder_template", "")).strip():
            problems["reminder_template"] = "发送报送提醒短信须填写在短信平台登记的模板编号"
        # The same gateway carries the officers' 约稿 notices (reports.services.commissions).
        if not str(values.get("commission_template", "")).strip():
            problems["commission_template"] = "报送提醒短信网关也发送约稿通知，须填写在短信平台登记的约稿通知模板编号"
    if kind in ("wecom", "dingtalk") and values.get("for_reminders"):
        problems["for_reminders"] = "群机器人不能发送信息员的提醒短信"
    if kind in ("aliyun_sms", "tencent_sms", "http_sms"):
        for flag, label in GROUP_FLAGS.items():
            if values.get(flag):
                problems[flag] = f"{label}发往工作群，请在群机器人渠道勾选"
    return problems


# ---- the clock of deadlines (风险等级的响应、处置时限) ------------------------------------------------
# A county's deadlines per risk level, counted in calendar time or, where the county says so, in
# working time: the clock runs only on working days (Monday–Friday and the 调休 make-up days, less the
# national holidays), whole days in Beijing time.

RISK_LEVELS = ("red", "orange", "yellow", "blue")
RISK_LEVEL_LABELS = {"red": "红色", "orange": "橙色", "yellow": "黄色", "blue": "蓝色"}
# level: (response hours, handling days)
DEFAULT_DEADLINES = {"red": (1, 1), "orange": (4, 3), "yellow": (24, 7), "blue": (72, 15)}
DEFAULT_PAYMENT_ORDER_GRACE_DAYS = 7
MAX_WORKING_WALK_DAYS = 800  # far beyond any deadline: a calendar without working days stops here


@dataclass(frozen=True)
class DeadlineTerms:
    working_days: bool = False
    levels: dict = field(default_factory=lambda: dict(DEFAULT_DEADLINES))
    payment_order_grace_days: int = DEFAULT_PAYMENT_ORDER_GRACE_DAYS

    def response_hours(self, level: str) -> int:
        return self.levels[level][0]

    def handling_days(self, level: str) -> int:
        return self.levels[level][1]


def deadline_terms_problem(terms: DeadlineTerms) -> str | None:
    """Why these terms cannot be used: a level must answer before it is due, and a graver level must not
    be given more time than a lighter one."""
    for level in RISK_LEVELS:
        hours, days = terms.levels[level]
        if hours > days * 24:
            return f"{RISK_LEVEL_LABELS[level]}的响应时限（{hours} 小时）不能长于处置时限（{days} 天）"
    for graver, lighter in zip(RISK_LEVELS, RISK_LEVELS[1:], strict=False):
        if terms.levels[graver][1] > terms.levels[lighter][1]:
            return f"{RISK_LEVEL_LABELS[graver]}的处置时限不能长于{RISK_LEVEL_LABELS[lighter]}"
    return None


def is_workday(day: date, calendar: dict) -> bool:
    """``calendar``: {date: is_workday} for the days that differ from the ordinary week."""
    return calendar.get(day, day.weekday() < 5)


def deadline_after(start: datetime, *, hours: int = 0, days: int = 0, working: bool, calendar: dict) -> datetime:
    """The moment ``hours`` hours and ``days`` days after ``start`` (an aware time). In calendar time a
    plain sum; in working time the clock stands still on days off: from a day off it starts at the next
    working day's 00:00, and each day's remaining hours are used before moving on."""
    if not working:
        return start + timedelta(hours=hours, days=days)
    cursor = start.astimezone(BEIJING)
    need = timedelta(hours=hours, days=days)
    for _ in range(MAX_WORKING_WALK_DAYS):
        midnight = datetime.combine(cursor.date() + timedelta(days=1), time(0), tzinfo=BEIJING)
        if is_workday(cursor.date(), calendar):
            left_today = midnight - cursor
            if need <= left_today:
                return cursor + need
            need -= left_today
        cursor = midnight
    raise ValueError("工作日历中找不到足够的工作日")


def working_calendar_span(start: datetime, *, hours: int = 0, days: int = 0) -> tuple[date, date]:
    """The days whose calendar entries a deadline from ``start`` may need: generous, for one query."""
    first = start.astimezone(BEIJING).date()
    return first, first + timedelta(days=days * 3 + hours // 8 + 40)


# ---- 三员分立: which paths each system administrator may open -----------------------------------

# Every signed-in account may open these: signing in and out, its own password, second factor and
# sessions, the home page (which sends each role to its console), static files and the health check.
COMMON_PATHS = ("/accounts/", "/static/", "/healthz", "/favicon.ico", "/manifest.webmanifest", "/sw.js")
# The admin site's own pages every administrator with admin access needs.
ADMIN_SITE_COMMON = ("/admin/", "/admin/logout/", "/admin/jsi18n/", "/admin/password_change/")
DUTY_PATHS = {
    # settings, schedules, units, the processing notice: never the audit trail nor accounts.
    "sysadmin": (
        "/system/",
        "/admin/django_celery_beat/",
        "/admin/officers/county/",
        "/admin/officers/township/",
        "/admin/officers/processingnotice/",
    ),
    # accounts, roles, locks, password and session policy.
    "secadmin": (
        "/security/",
        "/admin/officers/user/",
        "/admin/axes/",
        "/admin/officers/securitypolicy/",
    ),
    # reads and exports the audit trail, nothing else.
    "auditadmin": ("/audit/", "/admin/core/auditentry/", "/admin/core/auditpurge/"),
}
SYSTEM_CONSOLES = ("/system/", "/security/", "/audit/")


def duty_allows(role: str, path: str) -> bool:
    """May an account of ``role`` open ``path``? The three administrators only their duty's pages;
    everyone else anything but the three consoles (whose pages check their own role too)."""
    if path == "/" or path.startswith(COMMON_PATHS):
        return True
    duties = DUTY_PATHS.get(role)
    if duties is None:
        return not path.startswith(SYSTEM_CONSOLES)
    if path in ADMIN_SITE_COMMON:
        return True
    return path.startswith(duties)
