"""The officer ledger (信息员台账), contract section 1: one resource for admin and command."""

from django.core.exceptions import ValidationError
from import_export.fields import Field

from unionportal.core.imports.bulk import BulkLedger
from unionportal.core.ledger import LedgerResource, cell_text

from .ledger_rows import (
    COLUMN_FOR_FIELD,
    COMPARED_FIELDS,
    PHONE_TAKEN,
    enterprise_errors,
    officer_apply,
    officer_row,
    officer_unchanged,
)
from .models import County, Officer, Township
from .scoping import scope_for
from .services import enterprise_resolve, officer_save

COLUMNS = (
    "姓名",
    "手机号",
    "性别",
    "县区代码",
    "镇区街道",
    "工作单位",
    "统一社会信用代码",
    "人员类别",
    "重点群体",
    "推荐单位",
    "把关单位",
    "状态",
    "聘任日期",
)


class CountyLedgerResource(LedgerResource):
    """A ledger imported by someone for their county: the scoping rule decides which counties' rows
    they may write (a command run by the operator may write any); counties are looked up once."""

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.counties = {}
        self.scope = scope_for(self.actor) if self.actor is not None else None

    @staticmethod
    def column_values(dataset, column: str) -> list[str]:
        """Every filled cell of ``column``, to load what the rows name in a few queries, not one a row."""
        if column not in (dataset.headers or []):
            return []
        return sorted({text for value in dataset[column] if (text := cell_text(value))})

    @staticmethod
    def in_chunks(values, size=5000):
        for start in range(0, len(values), size):
            yield values[start : start + size]

    def _county(self, code):
        if code not in self.counties:
            self.counties[code] = County.objects.filter(code=code).first()
        return self.counties[code]

    def _may_act_for(self, county_id) -> bool:
        if self.scope is None:  # a command run by the operator
            return True
        return self.scope.all_counties or self.scope.county_id == county_id


class CountyBulkLedger(BulkLedger):
    """A bulk ledger imported by someone for their county: as CountyLedgerResource, the scoping rule
    decides which counties' rows they may write (a command run by the operator may write any)."""

    def prepare(self):
        super().prepare()
        self.scope = scope_for(self.actor) if self.actor is not None else None
        self.counties = {code: county for county in County.objects.all() for code in [county.code]}

    def _county(self, code):
        return self.counties.get(code)

    def _may_act_for(self, county_id) -> bool:
        if self.scope is None:
            return True
        return self.scope.all_counties or self.scope.county_id == county_id


class OfficerLedgerResource(CountyLedgerResource):
    name = Field(attribute="name", column_name="姓名")
    phone = Field(attribute="phone", column_name="手机号")
    gender = Field(attribute="gender", column_name="性别")
    county = Field(attribute="county__code", column_name="县区代码")
    township = Field(attribute="township__name", column_name="镇区街道")
    employer = Field(attribute="employer__name", column_name="工作单位")
    credit_code = Field(attribute="employer__credit_code", column_name="统一社会信用代码")
    category = Field(attribute="category", column_name="人员类别")
    key_group = Field(attribute="key_group", column_name="重点群体")
    recommended_by = Field(attribute="recommended_by", column_name="推荐单位")
    vetted_by = Field(attribute="vetted_by", column_name="把关单位")
    status = Field(attribute="status", column_name="状态")
    appointed_on = Field(attribute="appointed_on", column_name="聘任日期")

    required_headers = ("姓名", "手机号", "县区代码", "人员类别")
    column_for_field = COLUMN_FOR_FIELD
    compared_fields = COMPARED_FIELDS

    class Meta:
        model = Officer
        name = "信息员台账"
        fields = (
            "name",
            "phone",
            "gender",
            "county",
            "township",
            "employer",
            "credit_code",
            "category",
            "key_group",
            "recommended_by",
            "vetted_by",
            "status",
            "appointed_on",
        )
        export_order = fields
        import_id_fields = ("phone",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False  # officer_save() runs full_clean()

    # -- export: the ledger shows labels, not stored codes
    def dehydrate_gender(self, officer):
        return officer.get_gender_display()

    def dehydrate_category(self, officer):
        return officer.get_category_display()

    def dehydrate_key_group(self, officer):
        return officer.get_key_group_display()

    def dehydrate_status(self, officer):
        return officer.get_status_display()

    def dehydrate_appointed_on(self, officer):
        return officer.appointed_on.isoformat() if officer.appointed_on else ""

    # -- import
    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # Loaded once per file: the officers the rows name and every township, by (county, name).
        self.existing = {}
        for chunk in self.in_chunks(self.column_values(dataset, "手机号")):
            for officer in Officer.objects.select_related("county", "township", "employer").filter(phone__in=chunk):
                self.existing[officer.phone] = officer
        self.townships = {(t.county_id, t.name): t for t in Township.objects.all()}

    def get_instance(self, instance_loader, row):
        return self.existing.get(cell_text(row.get("手机号")))

    def import_instance(self, officer, row, **kwargs):
        row_number = kwargs.get("row_number", 0)
        errors = {}
        values = officer_row(
            row,
            officer=officer if officer.pk else None,
            county_for=self._county,
            may_act_for=self._may_act_for,
            townships=self.townships,
            seen=lambda key: self.seen_before(key, row_number),
            errors=errors,
        )
        if errors:
            raise ValidationError(errors)
        employer = None
        if values["employer_name"]:
            try:
                employer = enterprise_resolve(
                    county=values["county"],
                    name=values["employer_name"],
                    credit_code=values["credit_code"],
                    township=values["township"],
                )
            except ValidationError as exc:
                raise enterprise_errors(exc) from None
        officer_apply(officer, values, employer)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        return officer_unchanged(instance, original)

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            officer_save(officer=instance, actor=self.actor, reason="台账导入")
        except ValidationError as exc:
            if self.scope is not None and not self.scope.all_counties and "phone" in exc.message_dict:
                # Whose account holds the number (a staff member, an officer elsewhere) is not a
                # county admin's to learn from an import.
                raise ValidationError({"手机号": PHONE_TAKEN}) from None
            raise self.column_errors(exc) from None
