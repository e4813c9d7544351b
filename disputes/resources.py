"""The dispute case ledger (争议案件台账), contract section 5: import and export."""

from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from import_export.fields import Field

from officers import rules as officer_rules
from officers.models import User
from officers.resources import CountyLedgerResource
from unionportal.core.ledger import cell_date, cell_int, cell_money, cell_text, choice_value
from unionportal.core.masking import mask_phone

from . import rules
from .models import CaseStatus, DisputeCase, DisputeType, MediationResult, Outcome
from .services import employer_resolve

CENT = Decimal("0.01")


def money_cell(value) -> Decimal | str:
    """Yuan as a number with 2 decimals (whatever scale the database gave the sum), blank for none
    or 0: a blank reads back as 0."""
    return Decimal(value).quantize(CENT) if value else ""


# The case ledger's columns (contract section 5), in the order of the template.
COLUMNS = (
    "案件编号",
    "县区代码",
    "登记日期",
    "用人单位",
    "统一社会信用代码",
    "争议类型",
    "涉及人数",
    "诉求金额",
    "状态",
    "调解结果",
    "结果日期",
    "获得经济补偿",
    "清理欠薪",
    "承办人手机号",
)


class DisputeLedgerResource(CountyLedgerResource):
    number = Field(attribute="number", column_name="案件编号")
    county = Field(attribute="county__code", column_name="县区代码")
    registered_on = Field(attribute="registered_on", column_name="登记日期")
    enterprise = Field(attribute="enterprise__name", column_name="用人单位")
    credit_code = Field(attribute="enterprise__credit_code", column_name="统一社会信用代码")
    dispute_type = Field(attribute="dispute_type", column_name="争议类型")
    workers_involved = Field(attribute="workers_involved", column_name="涉及人数")
    amount_claimed = Field(attribute="amount_claimed", column_name="诉求金额")
    status = Field(attribute="status", column_name="状态")
    mediation_result = Field(attribute="mediation_result", column_name="调解结果")
    result_on = Field(attribute="result_on", column_name="结果日期")
    compensation = Field(column_name="获得经济补偿")
    wages = Field(column_name="清理欠薪")
    handler = Field(column_name="承办人手机号")

    required_headers = ("案件编号", "县区代码", "登记日期", "用人单位", "争议类型", "涉及人数", "状态")
    column_for_field = {
        "number": "案件编号",
        "county": "县区代码",
        "registered_on": "登记日期",
        "enterprise": "用人单位",
        "dispute_type": "争议类型",
        "workers_involved": "涉及人数",
        "amount_claimed": "诉求金额",
        "status": "状态",
        "mediation_result": "调解结果",
        "result_on": "结果日期",
        "credit_code": "统一社会信用代码",
    }
    compared_fields = (
        "registered_on",
        "enterprise_id",
        "dispute_type",
        "workers_involved",
        "amount_claimed",
        "status",
        "mediation_result",
        "result_on",
    )

    def __init__(self, *, mask_phones: bool = False, **kwargs):
        """``mask_phones``: 承办人手机号 masked (138****0001), for everyone but admins."""
        super().__init__(**kwargs)
        self.mask_phones = mask_phones

    class Meta:
        model = DisputeCase
        name = "争议案件台账"
        fields = (
            "number",
            "county",
            "registered_on",
            "enterprise",
            "credit_code",
            "dispute_type",
            "workers_involved",
            "amount_claimed",
            "status",
            "mediation_result",
            "result_on",
            "compensation",
            "wages",
            "handler",
        )
        export_order = fields
        import_id_fields = ("number",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    # -- export
    def dehydrate_dispute_type(self, case):
        return case.get_dispute_type_display()

    def dehydrate_status(self, case):
        return case.get_status_display()

    def dehydrate_mediation_result(self, case):
        return case.get_mediation_result_display()

    def dehydrate_registered_on(self, case):
        return case.registered_on.isoformat()

    def dehydrate_result_on(self, case):
        return case.result_on.isoformat() if case.result_on else ""

    # Counts and amounts are numbers (an xlsx shows them as such; a CSV as 126 and 1260000.00).
    def dehydrate_workers_involved(self, case):
        return case.workers_involved

    def dehydrate_amount_claimed(self, case):
        return "" if case.amount_claimed is None else Decimal(case.amount_claimed).quantize(CENT)

    def dehydrate_compensation(self, case):
        return money_cell(getattr(case, "compensation", None))

    def dehydrate_wages(self, case):
        return money_cell(getattr(case, "wages", None))

    def dehydrate_handler(self, case):
        handlers = list(case.handlers.all())
        if not handlers:
            return ""
        return mask_phone(handlers[0].username) if self.mask_phones else handlers[0].username

    # -- import

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # Loaded once per file, not once a row: the cases the rows name, their handlers and money, and
        # the accounts named as handlers.
        self.cases = {}
        for chunk in self.in_chunks(self.column_values(dataset, "案件编号")):
            for case in DisputeCase.objects.filter(number__in=chunk).select_related("county"):
                self.cases[(case.county.code, case.number)] = case
        ids = [case.pk for case in self.cases.values()]
        self.case_handlers = {}
        self.totals = {}
        for chunk in self.in_chunks(ids):
            for case_id, user in (
                (link.disputecase_id, link.user)
                for link in DisputeCase.handlers.through.objects.filter(disputecase_id__in=chunk).select_related("user")
            ):
                self.case_handlers.setdefault(case_id, []).append(user)
            sums = (
                Outcome.objects.counted()
                .filter(case_id__in=chunk)
                .values_list("case_id", "kind", "from_ledger")
                .annotate(total=Sum("amount"))
            )
            for case_id, kind, from_ledger, total in sums:
                self.totals[(case_id, kind, from_ledger)] = total or Decimal("0")
        self.accounts = {}
        for chunk in self.in_chunks([p for p in self.column_values(dataset, "承办人手机号") if "*" not in p]):
            for user in User.objects.filter(username__in=chunk, is_active=True).select_related("officer"):
                self.accounts[user.username] = user

    def get_instance(self, instance_loader, row):
        number, code = cell_text(row.get("案件编号")), cell_text(row.get("县区代码"))
        if not number or not code:
            return None
        return self.cases.get((code, number))

    def _handlers(self, case) -> list:
        return self.case_handlers.get(case.pk, []) if case.pk else []

    def import_instance(self, case, row, **kwargs):
        row_number = kwargs.get("row_number", 0)
        errors = {}

        read = partial(self.read_cell, row, errors)

        number = cell_text(row.get("案件编号"))
        if not number:
            errors["案件编号"] = "案件编号不能为空"
        elif len(number) > 40:
            errors["案件编号"] = "案件编号不能超过40个字符"
        code = cell_text(row.get("县区代码"))
        county = self._county(code) if code else None
        if not code:
            errors["县区代码"] = "县区代码不能为空"
        elif county is None:
            errors["县区代码"] = f"县区代码 {code} 不存在，请先创建该县区"
        elif not self._may_act_for(county.pk):
            errors["县区代码"] = "无权导入其他县区的案件"
            county = None
        if number and county is not None:
            earlier = self.seen_before((county.pk, number), row_number)
            if earlier:
                # The rest of this row would be judged against the earlier row's case: say only this.
                raise ValidationError({"案件编号": f"案件编号 {number} 与第{earlier}行重复"})
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
        if case.pk and case.mediation_result and not result and status in (CaseStatus.CLOSED, CaseStatus.TRANSFERRED):
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
            handler = next((h for h in self._handlers(case) if mask_phone(h.username) == phone), None)
            if handler is None:
                errors["承办人手机号"] = f"手机号 {phone} 已打码，请填写完整手机号"
        elif phone:
            handler = self.accounts.get(phone)
            if handler is None:
                errors["承办人手机号"] = f"手机号 {phone} 不是平台中的信息员或工作人员"
            elif (
                county is not None
                and (handler.county_id or getattr(getattr(handler, "officer", None), "county_id", None)) != county.pk
            ):
                errors["承办人手机号"] = "承办人不属于该县区"
        if case.pk and status and status != case.status and not rules.status_reachable(case.status, status):
            labels = dict(CaseStatus.choices)
            errors["状态"] = f"案件已是“{labels[case.status]}”，不能改回“{labels[status]}”"
        if errors:
            raise ValidationError(errors)

        try:
            enterprise = employer_resolve(county=county, name=employer_name, credit_code=credit_code)
        except ValidationError as exc:
            raise ValidationError({"统一社会信用代码": exc.messages}) from None
        case.county = county
        case.number = number
        case.registered_on = registered_on
        case.enterprise = enterprise
        case.dispute_type = dispute_type
        case.workers_involved = workers
        case.amount_claimed = claimed
        case.status = status
        case.mediation_result = result
        case.result_on = result_on
        if status == CaseStatus.CLOSED and case.closed_on is None:
            case.closed_on = result_on  # the ledger has no closing date: the outcome's, if any
        case.from_ledger = case.from_ledger or case.pk is None
        self.pending_money = {"compensation": compensation, "wages": wages}
        self.pending_handler = handler
        self.money_changed = case.pk is not None and self._money_differs(case)

    def _portal_totals(self, case, kind, ledger: bool) -> Decimal:
        """What the portal holds of ``kind`` for ``case`` (as loaded before the import: a case is
        written at most once a file, since a repeated number is a bad row)."""
        return self.totals.get((case.pk, kind, ledger), Decimal("0"))

    def _money_differs(self, case) -> bool:
        for kind, figure in self.pending_money.items():
            current = self._portal_totals(case, kind, False) + self._portal_totals(case, kind, True)
            if (figure or Decimal("0")) != current:
                return True
        return False

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None or self.money_changed:
            return False
        if self.pending_handler is not None and self.pending_handler not in self._handlers(instance):
            return False
        return all(getattr(instance, f) == getattr(original, f) for f in self.compared_fields)

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            instance.full_clean()
        except ValidationError as exc:
            raise self.column_errors(exc) from None
        instance.save()
        if self.pending_handler is not None:
            instance.handlers.add(self.pending_handler)
        for kind, figure in self.pending_money.items():
            # The ledger's figure is the case's total of that kind; the portal's own instalments stay,
            # and the ledger line holds the rest, dated on 结果日期.
            portal = self._portal_totals(instance, kind, False)
            rest = (figure or Decimal("0")) - portal
            if rest < 0:
                column = "获得经济补偿" if kind == "compensation" else "清理欠薪"
                raise ValidationError({column: f"低于平台中已登记的 {portal:.2f} 元"})
            ledger_line = Outcome.objects.counted().filter(case=instance, kind=kind, from_ledger=True)
            if rest == 0:
                # A ledger line corrected in the portal keeps its history: voided, not deleted.
                ledger_line.filter(corrections__isnull=True).delete()
                ledger_line.update(
                    voided_at=timezone.now(), voided_by=self.actor, void_reason="台账重新导入：该金额已不在台账中"
                )
            else:
                Outcome.objects.counted().update_or_create(
                    case=instance,
                    kind=kind,
                    from_ledger=True,
                    defaults={"amount": rest, "received_on": instance.result_on, "note": "台账导入"},
                )
