"""The dispute case ledger (争议案件台账, contract section 5) at bulk speed: ``import_disputes`` and
the case ledger's import page.

The rows are judged by the rules the admin's resource uses (``ledger_rows``), against what one
batch's queries load: its cases with their handlers, their money and their ledger lines, the
accounts named as handlers, the employers. A batch is written with a handful of statements: new
employers and cases with ``bulk_create``, changed cases with ``bulk_update``, handler links, and the
ledger's money lines created, updated, deleted or voided together.
"""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from officers.bulk import EnterpriseBook
from officers.models import User
from officers.resources import CountyBulkLedger
from unionportal.core.imports.bulk import Item
from unionportal.core.imports.writing import update_rows
from unionportal.core.ledger import cell_text

from .ledger_rows import (
    LEDGER_NOTE,
    LEDGER_VOID_REASON,
    cases_handlers_and_money,
    dispute_apply,
    dispute_row,
    ledger_rests,
    money_differs,
)
from .models import DisputeCase, Outcome, OutcomeCorrection
from .resources import COLUMNS, DisputeLedgerResource
from .services import foreign_credit_code_message

# The case's own fields its checks look at here; county and employer come from loaded records.
NOT_CHECKED = ["county", "enterprise", "township", "created_by", "handlers", "reports"]
UPDATED_FIELDS = [
    "county",
    "number",
    "registered_on",
    "enterprise",
    "dispute_type",
    "workers_involved",
    "amount_claimed",
    "status",
    "mediation_result",
    "result_on",
    "closed_on",
    "from_ledger",
]


class DisputeLedger(CountyBulkLedger):
    name = "争议案件台账"
    required_headers = DisputeLedgerResource.required_headers
    columns = COLUMNS

    def prepare(self):
        super().prepare()
        self.actor_id = self.actor.pk if getattr(self.actor, "is_authenticated", False) else None
        self.employers = EnterpriseBook()

    def parse(self, row, number, errors):
        # Every rule needs the case the number names: checked in judge(), once the batch's are loaded.
        return Item(number, {"row": row})

    def match(self, items):
        """The batch's cases, their handlers, money and ledger lines, the handlers' accounts and the
        employers: one query each."""
        numbers, phones, employers = set(), set(), []
        for item in items:
            row = item.values["row"]
            numbers.add(cell_text(row.get("案件编号")))
            phone = cell_text(row.get("承办人手机号"))
            if phone and "*" not in phone:
                phones.add(phone)
            county = self._county(cell_text(row.get("县区代码")))
            employers.append((county, cell_text(row.get("用人单位")), cell_text(row.get("统一社会信用代码")).upper()))
        numbers.discard("")
        cases = {
            (case.county.code, case.number): case
            for case in DisputeCase.objects.filter(number__in=numbers).select_related("county")
        }
        for item in items:
            row = item.values["row"]
            item.existing = cases.get((cell_text(row.get("县区代码")), cell_text(row.get("案件编号"))))
        ids = [case.pk for case in cases.values()]
        self.case_handlers, self.totals = cases_handlers_and_money(ids)
        self.ledger_lines = defaultdict(list)
        if ids:
            lines = (
                Outcome.objects.counted()
                .filter(case_id__in=ids, from_ledger=True)
                .annotate(corrected=Exists(OutcomeCorrection.objects.filter(outcome=OuterRef("pk"))))
            )
            for line in lines:
                self.ledger_lines[(line.case_id, line.kind)].append(line)
        self.accounts = {}
        if phones:
            users = User.objects.filter(username__in=phones, is_active=True).select_related("officer")
            self.accounts = {user.username: user for user in users}
        self.employers.load(employers)

    def _totals(self, case):
        return lambda kind, ledger: self.totals.get((case.pk, kind, ledger), Decimal("0")) if case.pk else Decimal("0")

    def judge(self, item, errors):
        existing = item.existing
        values = dispute_row(
            item.values["row"],
            case=existing,
            county_for=self._county,
            may_act_for=self._may_act_for,
            seen=lambda key: self.seen_before(key, item.number),
            handlers=self.case_handlers.get(existing.pk, []) if existing is not None else [],
            accounts=self.accounts,
            errors=errors,
        )
        if errors:
            return ""
        county, credit_code = values["county"], values["credit_code"]
        try:
            holder = self.employers.holder(credit_code) if credit_code else None
            if holder is not None and holder.county_id != county.pk:
                raise ValidationError({"credit_code": foreign_credit_code_message(credit_code)})
            enterprise = self.employers.resolve(county=county, name=values["employer_name"], credit_code=credit_code)
        except ValidationError as exc:
            errors["统一社会信用代码"] = exc.messages
            return ""
        case = existing if existing is not None else DisputeCase()
        before = {name: getattr(case, name) for name in DisputeLedgerResource.compared_fields}
        dispute_apply(case, values, enterprise)
        money, handler = values["money"], values["handler"]
        totals = self._totals(case)
        if (
            existing is not None
            and enterprise.pk is not None
            and not money_differs(money, totals)
            and (handler is None or handler in self.case_handlers.get(case.pk, []))
            and all(getattr(case, name) == before[name] for name in DisputeLedgerResource.compared_fields)
        ):
            return "skip"
        # What full_clean() checks before the case is saved, without its queries.
        problems = {}
        try:
            case.clean_fields(exclude=NOT_CHECKED)
        except ValidationError as exc:
            problems = exc.update_error_dict(problems)
        if problems:
            columns = DisputeLedgerResource.column_for_field
            errors.update({columns.get(name, name): msgs for name, msgs in problems.items()})
            return ""
        rests = ledger_rests(money, totals, errors)
        if errors:
            return ""
        item.extra = {"case": case, "handler": handler, "rests": rests}
        return "new" if existing is None else "update"

    def write(self, new, updated):
        now = timezone.now()
        items = new + updated
        cases = [item.extra["case"] for item in items]
        EnterpriseBook.save_new(cases, "enterprise")
        created = [item.extra["case"] for item in new]
        if created:
            DisputeCase.objects.bulk_create(created)
        changed = [item.extra["case"] for item in updated]
        if changed:
            update_rows(DisputeCase, changed, UPDATED_FIELDS)

        links = [
            DisputeCase.handlers.through(disputecase_id=item.extra["case"].pk, user_id=item.extra["handler"].pk)
            for item in items
            if item.extra["handler"] is not None
        ]
        if links:
            DisputeCase.handlers.through.objects.bulk_create(links, ignore_conflicts=True)

        to_create, to_update, to_delete, to_void = [], [], [], []
        existing = {id(item) for item in updated}
        for item in items:
            case = item.extra["case"]
            for kind, rest in item.extra["rests"].items():
                lines = self.ledger_lines.get((case.pk, kind), []) if id(item) in existing else []
                if rest == 0:
                    # A ledger line corrected in the portal keeps its history: voided, not deleted.
                    for line in lines:
                        (to_void if line.corrected else to_delete).append(line.pk)
                elif lines:
                    line = lines[0]
                    line.amount, line.received_on, line.note = rest, case.result_on, LEDGER_NOTE
                    to_update.append(line)
                else:
                    to_create.append(
                        Outcome(
                            case=case,
                            kind=kind,
                            from_ledger=True,
                            amount=rest,
                            received_on=case.result_on,
                            note=LEDGER_NOTE,
                        )
                    )
        if to_delete:
            Outcome.objects.filter(pk__in=to_delete).delete()
        if to_void:
            Outcome.objects.filter(pk__in=to_void).update(
                voided_at=now, voided_by_id=self.actor_id, void_reason=LEDGER_VOID_REASON
            )
        if to_update:
            update_rows(Outcome, to_update, ["amount", "received_on", "note"])
        if to_create:
            Outcome.objects.bulk_create(to_create)
