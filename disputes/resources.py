"""The dispute case ledger (争议案件台账), contract section 5: import and export."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export.fields import Field

from officers.models import User
from officers.resources import CountyLedgerResource
from unionportal.core.ledger import cell_text
from unionportal.core.masking import mask_phone

from .ledger_rows import (
    LEDGER_NOTE,
    LEDGER_VOID_REASON,
    cases_handlers_and_money,
    dispute_apply,
    dispute_row,
    ledger_rests,
    money_differs,
)
from .models import DisputeCase, Outcome
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
        self.case_handlers, self.totals = {}, {}
        for chunk in self.in_chunks(ids):
            handlers, totals = cases_handlers_and_money(chunk)
            self.case_handlers.update(handlers)
            self.totals.update(totals)
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
        values = dispute_row(
            row,
            case=case if case.pk else None,
            county_for=self._county,
            may_act_for=self._may_act_for,
            seen=lambda key: self.seen_before(key, row_number),
            handlers=self._handlers(case),
            accounts=self.accounts,
            errors=errors,
        )
        if errors:
            raise ValidationError(errors)

        try:
            enterprise = employer_resolve(
                county=values["county"], name=values["employer_name"], credit_code=values["credit_code"]
            )
        except ValidationError as exc:
            raise ValidationError({"统一社会信用代码": exc.messages}) from None
        dispute_apply(case, values, enterprise)
        self.pending_money = values["money"]
        self.pending_handler = values["handler"]
        self.money_changed = case.pk is not None and money_differs(
            self.pending_money, lambda kind, ledger: self._portal_totals(case, kind, ledger)
        )

    def _portal_totals(self, case, kind, ledger: bool) -> Decimal:
        """What the portal holds of ``kind`` for ``case`` (as loaded before the import: a case is
        written at most once a file, since a repeated number is a bad row)."""
        return self.totals.get((case.pk, kind, ledger), Decimal("0"))

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
        errors = {}
        rests = ledger_rests(
            self.pending_money, lambda kind, ledger: self._portal_totals(instance, kind, ledger), errors
        )
        if errors:
            raise ValidationError(errors)
        for kind, rest in rests.items():
            ledger_line = Outcome.objects.counted().filter(case=instance, kind=kind, from_ledger=True)
            if rest == 0:
                # A ledger line corrected in the portal keeps its history: voided, not deleted.
                ledger_line.filter(corrections__isnull=True).delete()
                ledger_line.update(voided_at=timezone.now(), voided_by=self.actor, void_reason=LEDGER_VOID_REASON)
            else:
                Outcome.objects.counted().update_or_create(
                    case=instance,
                    kind=kind,
                    from_ledger=True,
                    defaults={"amount": rest, "received_on": instance.result_on, "note": LEDGER_NOTE},
                )
