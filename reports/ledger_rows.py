"""The report history ledger's row rules (contract section 2), written once: the admin's row-by-row
resource (``resources.ReportLedgerResource``) and the bulk ledger (``services.imports.ReportLedger``)
both call ``report_row``. It runs no query: the caller finds the officer a phone names (loaded once
per file). Reasons go into ``errors`` under the ledger's column names, in Chinese.
"""

from unionportal.core.cells import cell_datetime, cell_int, cell_money, cell_reader, cell_text, choice_reader

from .choices import ADOPTED_GRADES, Category, Grade, Urgency

read_category = choice_reader(Category.choices, "信息类别")
read_urgency = choice_reader(Urgency.choices, "紧急程度")
read_grade = choice_reader(Grade.choices, "审核结果")


def report_row(row, *, officer_for, may_act_for, seen, errors: dict) -> dict:
    """The values of one ledger row, every reason it is bad in ``errors``.

    ``officer_for(phone)``: (the caller's officer, its county id, its county's name), or None for a
    phone no officer has; the values carry the caller's officer as "officer". ``seen(key)``: the
    spreadsheet row where ``key`` appeared before in the file, or None.
    """

    read = cell_reader(row, errors)

    phone = cell_text(row.get("报送人手机号"))
    found = officer_for(phone) if phone else None
    officer, county_id, county_name = found if found is not None else (None, None, "")
    if not phone:
        errors["报送人手机号"] = "报送人手机号不能为空"
    elif officer is None:
        errors["报送人手机号"] = f"手机号 {phone} 不是已登记的信息员，请先导入信息员台账"
    elif not may_act_for(county_id):
        errors["报送人手机号"] = "无权导入其他县区信息员的报送记录"
    title = cell_text(row.get("标题"))
    if not title:
        errors["标题"] = "标题不能为空"
    elif len(title) > 100:
        errors["标题"] = f"标题不能超过100个字（现有{len(title)}个字）"
    content = cell_text(row.get("内容"))
    if not content:
        errors["内容"] = "内容不能为空"
    category = read("信息类别", read_category)
    urgency = read("紧急程度", read_urgency)
    occurred_at = read("发生时间", cell_datetime)
    submitted_at = read("报送时间", cell_datetime)
    if "发生时间" not in errors and occurred_at is None:
        errors["发生时间"] = "发生时间不能为空"
    if "报送时间" not in errors and submitted_at is None:
        errors["报送时间"] = "报送时间不能为空"
    if occurred_at and submitted_at and submitted_at < occurred_at:
        errors["报送时间"] = "报送时间不能早于发生时间"
    workers = read("涉及人数", cell_int)
    amount = read("涉及金额", cell_money)
    grade_text = cell_text(row.get("审核结果"))
    grade = read("审核结果", read_grade) if grade_text else Grade.PENDING
    adopted_by = cell_text(row.get("采用单位"))
    if grade == Grade.ABOVE_ADOPTED and not adopted_by:
        errors["采用单位"] = "审核结果为“县级以上部门采用”时请填写采用单位"
    elif grade == Grade.COUNTY_ADOPTED and not adopted_by and officer is not None:
        adopted_by = f"{county_name}总工会"
    if len(adopted_by) > 100:
        errors["采用单位"] = "采用单位不能超过100个字"
    if officer and title and submitted_at:
        earlier = seen((phone, title, submitted_at))
        if earlier:
            errors["标题"] = f"与第{earlier}行是同一条信息（报送人、报送时间和标题都相同）"
    return {
        "officer": officer,
        "title": title,
        "content": content,
        "category": category,
        "urgency": urgency,
        "occurred_at": occurred_at,
        "submitted_at": submitted_at,
        "workers_involved": workers,
        "amount_involved": amount,
        "grade": grade,
        "adopted_by": adopted_by if grade in ADOPTED_GRADES else "",
    }
