"""我的信息 (个人信息保护法 §45): everything the portal holds about one officer, read through the
scoping rule as that officer, in one structure the page, the JSON and the xlsx download all use."""

from io import BytesIO

from openpyxl import Workbook

from officers.models import NoticeConsent, Officer, OfficerStatusChange
from unionportal.core.clock import BEIJING
from unionportal.core.exports import escape_formula

from .models import Report, StipendSheetRow


def _when(value):
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def personal_data(*, user) -> dict:
    """Only the signed-in officer's own data: every query is scoped to ``user`` (visible_to), so
    another officer's rows cannot come in."""
    officer = Officer.objects.visible_to(user).select_related("county", "township", "employer").get(user=user)
    sections = {
        "基本信息": [
            {
                "姓名": officer.name,
                "手机号（登录名）": officer.phone,
                "性别": officer.get_gender_display(),
                "县区": officer.county.name,
                "镇区街道": officer.township.name if officer.township else "",
                "工作单位": officer.employer.name if officer.employer else "",
                "人员类别": officer.get_category_display(),
                "重点群体": officer.get_key_group_display(),
                "推荐单位": officer.recommended_by,
                "把关单位": officer.vetted_by,
                "状态": officer.get_status_display(),
                "聘任日期": _when(officer.appointed_on),
                "登记时间": _when(officer.created_at),
                "邮箱": user.email,
                "最近登录": _when(user.last_login),
            }
        ],
        "状态变更": [
            {
                "时间": _when(c.changed_at),
                "原状态": c.get_from_status_display(),
                "新状态": c.get_to_status_display(),
                "原因": c.reason,
            }
            for c in OfficerStatusChange.objects.filter(officer=officer).order_by("changed_at", "pk")
        ],
        "报送信息": [
            {
                "编号": r.pk,
                "标题": r.title,
                "内容": r.content,
                "类别": r.get_category_display(),
                "紧急程度": r.get_urgency_display(),
                "状态": r.get_status_display(),
                "审核结果": r.get_grade_display(),
                "事发时间": _when(r.occurred_at),
                "报送时间": _when(r.submitted_at),
            }
            for r in Report.objects.visible_to(user).filter(officer=officer).order_by("pk")
        ],
        "补助发放": [
            {
                "月份": f"{row.sheet.month:%Y-%m}",
                "报送条数": row.submitted_count,
                "有效条数": row.valid_count,
                "考核等级": row.get_tier_display(),
                "补助金额（元）": row.amount,
            }
            for row in StipendSheetRow.objects.filter(officer=officer, sheet__state="approved")
            .select_related("sheet")
            .order_by("sheet__month")
        ],
        "告知与同意": [
            {
                "告知书版本": c.notice.version,
                "方式": c.get_method_display(),
                "同意时间": _when(c.accepted_at),
                "单独同意敏感个人信息": "是" if c.sensitive_consent else "否",
            }
            for c in NoticeConsent.objects.visible_to(user).filter(officer=officer).select_related("notice")
        ],
        "更正申请": [
            {"申请时间": _when(c.created_at), "内容": c.text, "状态": c.get_status_display(), "处理说明": c.reply}
            for c in officer.correction_requests.order_by("created_at", "pk")
        ],
    }
    return {"officer_id": officer.pk, "sections": sections}


def personal_data_xlsx(data: dict) -> bytes:
    book = Workbook(write_only=True)
    for title, rows in data["sections"].items():
        sheet = book.create_sheet(title[:31])
        if not rows:
            sheet.append(["（无）"])
            continue
        headers = list(rows[0].keys())
        sheet.append(headers)
        for row in rows:
            sheet.append([escape_formula(row[h]) for h in headers])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
