"""The officer ledger (信息员台账, contract section 1) at bulk speed: ``import_officers`` and the
officer ledger's import page.

The rows are judged by the same rules as the admin's row-by-row resource (``ledger_rows``), against
what one batch's queries load: the officers and login accounts of its phones, and the employers its
credit codes and names name. A batch is written with a handful of statements whatever its size:
new employers, new accounts, new officers with their codes (``officer_serials_reserve``, one call
per county a batch) and status history with ``bulk_create``; changed accounts and officers with
``bulk_update``; the sessions of accounts an import stops are ended together. The result is what
``officer_save`` gives row by row.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone

from unionportal.core.imports.bulk import Item
from unionportal.core.imports.writing import update_rows
from unionportal.core.ledger import cell_text
from unionportal.core.sessions import sessions_end_many

from . import rules
from .ledger_rows import (
    COLUMN_FOR_FIELD,
    COMPARED_FIELDS,
    PHONE_TAKEN,
    column_errors,
    enterprise_errors,
    officer_apply,
    officer_row,
)
from .models import Enterprise, Officer, OfficerStatusChange, Township, User
from .resources import COLUMNS, CountyBulkLedger
from .services import enterprise_new, enterprise_pick, officer_serials_reserve, phone_holder_problem

REASON = "台账导入"
# The officer's fields its own checks look at here; its county, township and employer come from
# loaded records, its code from the county's serials, its account from the batch.
NOT_CHECKED = ["user", "county", "township", "employer", "serial", "code"]
UPDATED_FIELDS = [*(f.removesuffix("_id") for f in COMPARED_FIELDS), "user", "serial", "code", "sort_key", "updated_at"]


class EnterpriseBook:
    """The employers a bulk ledger's rows name (officers' 工作单位, cases' 用人单位), found as
    ``enterprise_resolve`` finds them (by credit code, else the county's first of the name) from one
    or two queries a batch, and the new ones kept unsaved until their batch is written, so a later row
    of the same file finds the one an earlier row brought in."""

    def __init__(self):
        self.by_code: dict[str, Enterprise | None] = {}
        self.by_name: dict[tuple, Enterprise | None] = {}

    def load(self, named) -> None:
        """``named``: (county or None, name, credit code) of a batch's rows."""
        codes, names = set(), set()
        for county, name, credit_code in named:
            if credit_code and credit_code not in self.by_code:
                codes.add(credit_code)
            if county is not None and name and (county.pk, name) not in self.by_name:
                names.add((county.pk, name))
        if codes:
            found = {
                e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes).select_related("county")
            }
            self.by_code.update({code: found.get(code) for code in codes})
        if names:
            for key in names:
                self.by_name[key] = None
            enterprises = Enterprise.objects.filter(
                county_id__in={c for c, _ in names}, name__in={n for _, n in names}
            ).order_by("-pk")
            for enterprise in enterprises:  # the lowest pk of a name is kept, as enterprise_resolve picks it
                key = (enterprise.county_id, enterprise.name)
                if key in names:
                    self.by_name[key] = enterprise

    def holder(self, credit_code: str) -> Enterprise | None:
        """The enterprise holding ``credit_code`` (loaded, or brought in by this file)."""
        return self.by_code.get(credit_code)

    def resolve(self, *, county, name: str, credit_code: str, township=None) -> Enterprise:
        """``enterprise_resolve`` without its queries; a new employer is returned unsaved."""
        found = self.by_code.get(credit_code) if credit_code else self.by_name.get((county.pk, name))
        found = enterprise_pick(county=county, credit_code=credit_code, found=found)
        if found is not None:
            return found
        new = enterprise_new(county=county, name=name, credit_code=credit_code, township=township)
        if credit_code:
            self.by_code[credit_code] = new
        if self.by_name.get((county.pk, name)) is None:
            self.by_name[(county.pk, name)] = new
        return new

    @staticmethod
    def save_new(records, attribute: str) -> None:
        """Insert the unsaved employers ``records`` name under ``attribute``, in one statement."""
        new = {}
        for record in records:
            enterprise = getattr(record, attribute)
            if enterprise is not None and enterprise.pk is None:
                new[id(enterprise)] = enterprise
        if not new:
            return
        Enterprise.objects.bulk_create(list(new.values()))
        for record in records:
            if getattr(record, attribute) is not None:
                setattr(record, attribute, getattr(record, attribute))  # the key it now has


class OfficerLedger(CountyBulkLedger):
    name = "信息员台账"
    required_headers = ("姓名", "手机号", "县区代码", "人员类别")
    columns = COLUMNS

    def prepare(self):
        super().prepare()
        self.townships = {(t.county_id, t.name): t for t in Township.objects.all()}
        self.actor_id = self.actor.pk if getattr(self.actor, "is_authenticated", False) else None
        self.employers = EnterpriseBook()

    def parse(self, row, number, errors):
        # Every rule needs the officer the phone names: the row is checked in judge(), once its
        # batch's officers are loaded.
        return Item(number, {"row": row})

    def match(self, items):
        """The batch's officers, accounts and employers: one query each."""
        phones, employers = set(), []
        for item in items:
            row = item.values["row"]
            phones.add(cell_text(row.get("手机号")))
            county = self._county(cell_text(row.get("县区代码")))
            employers.append((county, cell_text(row.get("工作单位")), cell_text(row.get("统一社会信用代码")).upper()))
        phones.discard("")
        officers = {o.phone: o for o in Officer.objects.filter(phone__in=phones).select_related("user")}
        self.accounts = {u.username: u for u in User.objects.filter(username__in=phones).select_related("officer")}
        for item in items:
            item.existing = officers.get(cell_text(item.values["row"].get("手机号")))
        self.employers.load(employers)

    def judge(self, item, errors):
        existing = item.existing
        values = officer_row(
            item.values["row"],
            officer=existing,
            county_for=self._county,
            may_act_for=self._may_act_for,
            townships=self.townships,
            seen=lambda key: self.seen_before(key, item.number),
            errors=errors,
        )
        if errors:
            return ""
        employer = None
        if values["employer_name"]:
            try:
                employer = self.employers.resolve(
                    county=values["county"],
                    name=values["employer_name"],
                    credit_code=values["credit_code"],
                    township=values["township"],
                )
            except ValidationError as exc:
                errors.update(enterprise_errors(exc).message_dict)
                return ""
        officer = existing if existing is not None else Officer()
        before = {name: getattr(officer, name) for name in COMPARED_FIELDS}
        previous_county_id, previous_status = officer.county_id, officer.status
        officer_apply(officer, values, employer)
        if existing is not None and (employer is None or employer.pk is not None):
            if all(getattr(officer, name) == before[name] for name in COMPARED_FIELDS):
                return "skip"
        # What officer_save checks before it writes, without its queries.
        officer.sort_key = rules.pinyin_key(officer.name)
        problems = {}
        try:
            officer.clean_fields(exclude=NOT_CHECKED)
        except ValidationError as exc:
            problems = exc.update_error_dict(problems)
        try:
            officer.clean()
        except ValidationError as exc:
            problems = exc.update_error_dict(problems)
        if problems:
            errors.update(column_errors(ValidationError(problems), COLUMN_FOR_FIELD).message_dict)
            return ""
        holder = self.accounts.get(officer.phone)
        problem = phone_holder_problem(holder=holder, officer_user_id=officer.user_id)
        if problem:
            restricted = self.scope is not None and not self.scope.all_counties
            errors["手机号"] = PHONE_TAKEN if restricted else problem
            return ""
        # An orphaned officer account with this phone (no officer attached) is taken over.
        user = officer.user if officer.user_id else holder
        item.extra = {
            "officer": officer,
            "user": user,
            "was_active": user is not None and user.is_active,
            "previous_status": None if existing is None else previous_status,
            "needs_serial": existing is None or previous_county_id != officer.county_id,
        }
        return "new" if existing is None else "update"

    def write(self, new, updated):
        items = sorted(new + updated, key=lambda item: item.number)
        now = timezone.now()
        officers = [item.extra["officer"] for item in items]

        EnterpriseBook.save_new(officers, "employer")

        # The county's next codes, in the ledger's order.
        serial_counts: dict[int, int] = {}
        for item in items:
            if item.extra["needs_serial"]:
                county_id = item.extra["officer"].county_id
                serial_counts[county_id] = serial_counts.get(county_id, 0) + 1
        serials = {
            county_id: iter(officer_serials_reserve(county_id=county_id, count=count))
            for county_id, count in serial_counts.items()
        }
        for item in items:
            if item.extra["needs_serial"]:
                officer = item.extra["officer"]
                officer.serial = next(serials[officer.county_id])
                officer.code = rules.officer_code(officer.county.code, officer.serial)

        # Login accounts: the phone is the username; only a 在岗 officer can log in.
        new_users, changed_users, stopped = [], [], []
        for item in items:
            officer, user = item.extra["officer"], item.extra["user"]
            if user is None:
                user = User(username=officer.phone, role=User.Role.OFFICER)
                user.set_unusable_password()  # an admin sets the first password
                new_users.append(user)
            else:
                changed_users.append(user)
            user.username = officer.phone
            user.full_name = officer.name
            user.is_active = officer.status == Officer.Status.ACTIVE
            if item.extra["was_active"] and not user.is_active:
                stopped.append(user.pk)
            officer.user = user
        if new_users:
            User.objects.bulk_create(new_users)
        if changed_users:
            update_rows(User, changed_users, ["username", "full_name", "is_active"])
        sessions_end_many(user_ids=stopped)  # a stopped or dismissed officer is signed out at once

        created = [item.extra["officer"] for item in new]
        for officer in officers:
            officer.user = officer.user  # the account's new key
        if created:
            Officer.objects.bulk_create(created)
        changed = [item.extra["officer"] for item in updated]
        if changed:
            for officer in changed:
                officer.updated_at = now
            update_rows(Officer, changed, UPDATED_FIELDS)

        history = [
            OfficerStatusChange(
                officer=item.extra["officer"],
                from_status=item.extra["previous_status"] or "",
                to_status=item.extra["officer"].status,
                changed_by_id=self.actor_id,
                reason=REASON,
            )
            for item in items
            if item.extra["previous_status"] != item.extra["officer"].status
        ]
        if history:
            OfficerStatusChange.objects.bulk_create(history)
