"""The officer ledger's row rules (contract section 1), written once: the admin's row-by-row resource
(``resources.OfficerLedgerResource``) and the bulk ledger (``bulk.OfficerLedger``) both call these.

They take what a row is checked against as arguments (the officer the phone names, the counties,
the townships, the rows seen before) and run no query: the caller loads those once per file or per
batch. Reasons go into ``errors`` under the ledger's column names, in Chinese.
"""

from django.core.exceptions import ValidationError

from unionportal.core.cells import cell_date, cell_reader, cell_text, choice_value

from . import rules
from .models import Officer

PHONE_TAKEN = "该手机号已被其他账号使用，不能登记为本县区的信息员"

# Officer field -> ledger column, to name columns in the errors of the model's own checks.
COLUMN_FOR_FIELD = {
    "name": "姓名",
    "phone": "手机号",
    "gender": "性别",
    "county": "县区代码",
    "township": "镇区街道",
    "employer": "工作单位",
    "category": "人员类别",
    "key_group": "重点群体",
    "recommended_by": "推荐单位",
    "vetted_by": "把关单位",
    "status": "状态",
    "appointed_on": "聘任日期",
}
# What decides "unchanged" on re-import.
COMPARED_FIELDS = (
    "name",
    "phone",
    "gender",
    "county_id",
    "township_id",
    "employer_id",
    "category",
    "key_group",
    "recommended_by",
    "vetted_by",
    "status",
    "appointed_on",
)
ENTERPRISE_COLUMNS = {"credit_code": "统一社会信用代码", "name": "工作单位"}


def officer_row(row, *, officer, county_for, may_act_for, townships, seen, errors: dict) -> dict:
    """The values of one ledger row, every reason it is bad in ``errors``.

    ``officer``: the existing officer with this phone (or None); ``county_for(code)``: the county of
    a code or None; ``may_act_for(county_id)``: the scoping rule; ``townships``: {(county_id, name):
    township}; ``seen(key)``: the spreadsheet row where ``key`` appeared before in the file, or None.
    """

    read = cell_reader(row, errors)

    name = cell_text(row.get("姓名"))
    if not name:
        errors["姓名"] = "姓名不能为空"
    elif len(name) > 50:
        errors["姓名"] = "姓名不能超过50个字"

    phone = cell_text(row.get("手机号"))
    if not rules.is_valid_phone(phone):
        errors["手机号"] = f"“{phone}”不是有效的手机号：应为以1开头的11位大陆手机号" if phone else "手机号不能为空"
    else:
        earlier = seen(phone)
        if earlier:
            errors["手机号"] = f"手机号 {phone} 与第{earlier}行重复"

    gender = cell_text(row.get("性别"))
    if gender:
        gender = read("性别", lambda v: choice_value(v, Officer.Gender.choices, "性别"))

    county = None
    code = cell_text(row.get("县区代码"))
    if not code:
        errors["县区代码"] = "县区代码不能为空"
    else:
        county = county_for(code)
        if county is None:
            errors["县区代码"] = f"县区代码 {code} 不存在，请先创建该县区"
        elif not may_act_for(county.pk):
            errors["县区代码"] = "无权导入或修改其他县区的信息员"
            county = None
    if officer is not None and not may_act_for(officer.county_id) and "手机号" not in errors:
        # Another county's officer has this phone: say what is said of any number already taken,
        # without confirming that an officer of another county holds it.
        errors["手机号"] = PHONE_TAKEN

    township = None
    township_name = cell_text(row.get("镇区街道"))
    if township_name and county is not None:
        township = townships.get((county.pk, township_name))
        if township is None:
            errors["镇区街道"] = f"“{township_name}”不是{county.name}的镇区街道"

    credit_code = cell_text(row.get("统一社会信用代码")).upper()
    if credit_code:
        problem = rules.credit_code_problem(credit_code)
        if problem:
            errors["统一社会信用代码"] = problem
    employer_name = cell_text(row.get("工作单位"))
    if credit_code and not employer_name:
        errors["工作单位"] = "填写了统一社会信用代码时，工作单位不能为空"

    category = read("人员类别", lambda v: choice_value(v, Officer.Category.choices, "人员类别"))
    key_group = cell_text(row.get("重点群体"))
    if key_group:
        key_group = read("重点群体", lambda v: choice_value(v, Officer.KeyGroup.choices, "重点群体"))
    status = cell_text(row.get("状态"))
    if status:
        status = read("状态", lambda v: choice_value(v, Officer.Status.choices, "状态"))
    else:
        # Blank: a new officer is 在岗; an existing one keeps the status the portal has.
        status = officer.status if officer is not None else Officer.Status.ACTIVE
    if (
        officer is not None
        and status
        and status != officer.status
        and not rules.status_move_allowed(officer.status, status)
    ):
        labels = dict(Officer.Status.choices)
        errors["状态"] = f"不能从“{labels[officer.status]}”改为“{labels[status]}”（解聘后不能恢复，候选须先聘任）"
    appointed_on = read("聘任日期", cell_date)
    for column in ("推荐单位", "把关单位"):
        if len(cell_text(row.get(column))) > 100:
            errors[column] = f"{column}不能超过100个字"
    return {
        "name": name,
        "phone": phone,
        "gender": gender or "",
        "county": county,
        "township": township,
        "employer_name": employer_name,
        "credit_code": credit_code,
        "category": category,
        "key_group": key_group or "",
        "recommended_by": cell_text(row.get("推荐单位")),
        "vetted_by": cell_text(row.get("把关单位")),
        "status": status,
        "appointed_on": appointed_on,
    }


def officer_apply(officer: Officer, values: dict, employer) -> None:
    """Set a row's values on ``officer`` (unsaved)."""
    officer.name = values["name"]
    officer.phone = values["phone"]
    officer.gender = values["gender"]
    officer.county = values["county"]
    officer.township = values["township"]
    officer.employer = employer
    officer.category = values["category"]
    officer.key_group = values["key_group"]
    officer.recommended_by = values["recommended_by"]
    officer.vetted_by = values["vetted_by"]
    officer.status = values["status"]
    officer.appointed_on = values["appointed_on"]


def officer_unchanged(officer: Officer, original: Officer) -> bool:
    return all(getattr(officer, f) == getattr(original, f) for f in COMPARED_FIELDS)


def column_errors(error: ValidationError, columns: dict) -> ValidationError:
    """A model's ValidationError with its fields named as the ledger's columns."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({columns.get(field, field): msgs for field, msgs in error.message_dict.items()})


def enterprise_errors(error: ValidationError) -> ValidationError:
    """An employer's ValidationError (enterprise_resolve) under the ledger's columns."""
    return ValidationError(
        {ENTERPRISE_COLUMNS.get(field, "工作单位"): msgs for field, msgs in error.message_dict.items()}
    )
