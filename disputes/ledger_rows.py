"""The dispute case ledger's row rules (contract section 5), written once: the admin's row-by-row
resource (``resources.DisputeLedgerResource``) and the bulk ledger (``bulk.DisputeLedger``) both call
these. They run no query: the caller passes what the row is checked against (the case its number
names, that case's handlers, the accounts the file's phones name). Reasons go into ``errors`` under
the ledger's column names, in Chinese.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from officers import rules as officer_rules
from unionportal.core.cells import cell_date, cell_int, cell_money, cell_reader, cell_text, choice_value
from unionportal.core.masking import mask_phone

from . import rules
from .models import CaseStatus, DisputeCase, DisputeType, MediationResult, Outcome

MONEY_COLUMNS = {"compensation": "获得经济补偿", "wages": "清理欠薪"}
ZERO = Decimal("0")
LEDGER_NOTE = "台账导入"
LEDGER_VOID_REASON = "台账重新导入：该金额已不在台账中"


def dispute_row(row, *, case, county_for, may_act_for, seen, handlers, accounts, errors: dict) -> dict:
    """The values of one case row, every reason it is bad in ``errors``.

    ``case``: the existing case of this county and number, or None; ``handlers``: its handlers;
    ``accounts``: {phone: active account, its officer loaded} for the phones the file names;
    ``seen(key)``: the spreadsheet row where ``key`` appeared before in the file, or None.
    """

    read = cell_reader(row, errors)

    number = cell_text(row.get("案件编号"))
    if not number:
        errors["案件编号"] = "案件编号不能为空"
    elif len(number) > 40:
        errors["案件编号"] = "案件编号不能超过40个字符"
    code = cell_text(row.get("县区代码"))
    county = county_for(code) if code else None
    if not code:
        errors["县区代码"] = "县区代码不能为空"
    elif county is None:
        errors["县区代码"] = f"县区代码 {code} 不存在，请先创建该县区"
    elif not may_act_for(county.pk):
        errors["县区代码"] = "无权导入其他县区的案件"
        county = None
    if number and county is not None:
        earlier = seen((county.pk, number))
        if earlier:
            # The rest of this row would be judged against the earlier row's case: say only this.
            errors.clear()
            errors["案件编号"] = f"案件编号 {number} 与第{earlier}行重复"
            return {}
    registered_on = read("登记日期", cell_date)
    if registered_on is None and "登记日期" not in errors:
        errors["登记日期"] = "登记日期不能为空"
    employer_name = cell_text(row.get("用人单位"))
    if not employer_name:
        errors["用人单位"] = "用人单位不能为空"
    credit_code = cell_text(row.get("统一社会信用代码")).upper()
    if credit_code and officer_rules.credit_code_problem(credit_code):
        errors["统一社会信用代码"] = officer_rules.credit_code_problem(credit_code)
    dispute_type = read("争议类型", lambda v: choice_value(v, DisputeType.choices, "争议类型"))
    workers = read("涉及人数", lambda v: cell_int(v, minimum=1))
    if workers is None and "涉及人数" not in errors:
        errors["涉及人数"] = "涉及人数不能为空"
    claimed = read("诉求金额", cell_money)
    status = read("状态", lambda v: choice_value(v, CaseStatus.choices, "状态"))
    result_text = cell_text(row.get("调解结果"))
    result = read("调解结果", lambda v: choice_value(v, MediationResult.choices, "调解结果")) if result_text else ""
    result_on = read("结果日期", cell_date)
    compensation = read("获得经济补偿", cell_money)
    wages = read("清理欠薪", cell_money)
    if (
        case is not None
        and case.mediation_result
        and not result
        and status in (CaseStatus.CLOSED, CaseStatus.TRANSFERRED)
    ):
        # A closed or transferred case keeps the mediation outcome it already has.
        result, result_on = case.mediation_result, case.result_on
    if status == CaseStatus.TRANSFERRED and result == MediationResult.SUCCESS:
        errors["调解结果"] = "调解成功的案件不能移交"
    today = timezone.localdate()
    for column, value in (("登记日期", registered_on), ("结果日期", result_on)):
        if value and value > today and column not in errors:
            errors[column] = "日期不能晚于今天"
    if status and "调解结果" not in errors:
        implied = rules.result_for_status(status)
        if implied and result != implied:
            errors["调解结果"] = (
                f"状态为“{dict(CaseStatus.choices)[status]}”时调解结果应为“{dict(MediationResult.choices)[implied]}”"
            )
        elif status in (CaseStatus.REGISTERED, CaseStatus.MEDIATING) and result:
            errors["调解结果"] = "尚未调解结束的案件不应填写调解结果"
    if result and result_on is None and "结果日期" not in errors:
        errors["结果日期"] = "填写调解结果时须填写结果日期"
    if result_on and not result and "结果日期" not in errors:
        errors["结果日期"] = "没有调解结果时不应填写结果日期"
    if (compensation or wages) and result_on is None and "结果日期" not in errors:
        errors["结果日期"] = "金额按结果日期计入，填写金额时须填写结果日期"
    if registered_on and result_on and result_on < registered_on:
        errors["结果日期"] = "结果日期不能早于登记日期"
    handler = None
    phone = cell_text(row.get("承办人手机号"))
    if phone and "*" in phone:
        # A reviewer's export masks the phone: it stands for the handler the case already has.
        handler = next((h for h in handlers if mask_phone(h.username) == phone), None)
        if handler is None:
            errors["承办人手机号"] = f"手机号 {phone} 已打码，请填写完整手机号"
    elif phone:
        handler = accounts.get(phone)
        if handler is None:
            errors["承办人手机号"] = f"手机号 {phone} 不是平台中的信息员或工作人员"
        elif (
            county is not None
            and (handler.county_id or getattr(getattr(handler, "officer", None), "county_id", None)) != county.pk
        ):
            errors["承办人手机号"] = "承办人不属于该县区"
    if case is not None and status and status != case.status and not rules.status_reachable(case.status, status):
        labels = dict(CaseStatus.choices)
        errors["状态"] = f"案件已是“{labels[case.status]}”，不能改回“{labels[status]}”"
    return {
        "number": number,
        "county": county,
        "registered_on": registered_on,
        "employer_name": employer_name,
        "credit_code": credit_code,
        "dispute_type": dispute_type,
        "workers_involved": workers,
        "amount_claimed": claimed,
        "status": status,
        "mediation_result": result,
        "result_on": result_on,
        "money": {"compensation": compensation, "wages": wages},
        "handler": handler,
    }


def dispute_apply(case, values: dict, enterprise) -> None:
    """Set a row's values on ``case`` (unsaved)."""
    is_new = case.pk is None
    case.county = values["county"]
    case.number = values["number"]
    case.registered_on = values["registered_on"]
    case.enterprise = enterprise
    case.dispute_type = values["dispute_type"]
    case.workers_involved = values["workers_involved"]
    case.amount_claimed = values["amount_claimed"]
    case.status = values["status"]
    case.mediation_result = values["mediation_result"]
    case.result_on = values["result_on"]
    if case.status == CaseStatus.CLOSED and case.closed_on is None:
        case.closed_on = case.result_on  # the ledger has no closing date: the outcome's, if any
    case.from_ledger = case.from_ledger or is_new


def money_differs(money: dict, totals) -> bool:
    """Whether the ledger's figures differ from what the portal holds: ``totals(kind, from_ledger)``."""
    return any((figure or ZERO) != totals(kind, False) + totals(kind, True) for kind, figure in money.items())


def ledger_rests(money: dict, totals, errors: dict) -> dict:
    """{kind: the yuan the ledger line holds}: the ledger's figure is the case's total of that kind;
    the portal's own instalments stay, and the ledger line holds the rest. A figure below the portal's
    own is a reason in ``errors``."""
    rests = {}
    for kind, figure in money.items():
        portal = totals(kind, False)
        rest = (figure or ZERO) - portal
        if rest < 0:
            errors[MONEY_COLUMNS[kind]] = f"低于平台中已登记的 {portal:.2f} 元"
            break
        rests[kind] = rest
    return rests


def cases_handlers_and_money(case_ids) -> tuple[dict, dict]:
    """What the ledger's rows about existing cases are judged against, in two queries: the handlers of
    each case ({case id: [users]}) and the money counted on it ({(case id, kind, from the ledger):
    total}). Used by the admin's resource and by the bulk ledger alike."""
    handlers = defaultdict(list)
    totals = {}
    if not case_ids:
        return handlers, totals
    links = DisputeCase.handlers.through.objects.filter(disputecase_id__in=case_ids).select_related("user")
    for link in links:
        handlers[link.disputecase_id].append(link.user)
    sums = (
        Outcome.objects.counted()
        .filter(case_id__in=case_ids)
        .values_list("case_id", "kind", "from_ledger")
        .annotate(total=Sum("amount"))
    )
    for case_id, kind, from_ledger, total in sums:
        totals[(case_id, kind, from_ledger)] = total or Decimal("0")
    return handlers, totals
