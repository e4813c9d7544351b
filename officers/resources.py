"""The officer ledger (信息员台账), contract section 1: one resource for admin and command."""

from functools import partial

from django.core.exceptions import ValidationError
from import_export.fields import Field

from unionportal.core.imports.bulk import BulkLedger
from unionportal.core.ledger import LedgerResource, cell_date, cell_text, choice_value

from . import rules
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


PHONE_TAKEN = "该手机号已被其他账号使用，不能登记为本县区的信息员"


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
    column_for_field = {
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
    compared_fields = (
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

        read = partial(self.read_cell, row, errors)

        name = cell_text(row.get("姓名"))
        if not name:
            errors["姓名"] = "姓名不能为空"
        elif len(name) > 50:
            errors["姓名"] = "姓名不能超过50个字"

        phone = cell_text(row.get("手机号"))
        if not rules.is_valid_phone(phone):
            errors["手机号"] = f"“{phone}”不是有效的手机号：应为以1开头的11位大陆手机号" if phone else "手机号不能为空"
        else:
            earlier = self.seen_before(phone, row_number)
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
            county = self._county(code)
            if county is None:
                errors["县区代码"] = f"县区代码 {code} 不存在，请先创建该县区"
            elif not self._may_act_for(county.pk):
                errors["县区代码"] = "无权导入或修改其他县区的信息员"
                county = None
        if officer.pk and not self._may_act_for(officer.county_id) and "手机号" not in errors:
            # Another county's officer has this phone: say what is said of any number already taken,
            # without confirming that an officer of another county holds it.
            errors["手机号"] = PHONE_TAKEN

        township = None
        township_name = cell_text(row.get("镇区街道"))
        if township_name and county is not None:
            township = self.townships.get((county.pk, township_name))
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
            status = officer.status if officer.pk else Officer.Status.ACTIVE
        if officer.pk and status and status != officer.status and not rules.status_move_allowed(officer.status, status):
            labels = dict(Officer.Status.choices)
            errors["状态"] = f"不能从“{labels[officer.status]}”改为“{labels[status]}”（解聘后不能恢复，候选须先聘任）"
        appointed_on = read("聘任日期", cell_date)
        for column in ("推荐单位", "把关单位"):
            if len(cell_text(row.get(column))) > 100:
                errors[column] = f"{column}不能超过100个字"

        if errors:
            raise ValidationError(errors)

        employer = None
        if employer_name:
            try:
                employer = enterprise_resolve(
                    county=county, name=employer_name, credit_code=credit_code, township=township
                )
            except ValidationError as exc:
                columns = {"credit_code": "统一社会信用代码", "name": "工作单位"}
                raise ValidationError(
                    {columns.get(field, "工作单位"): msgs for field, msgs in exc.message_dict.items()}
                ) from None
        officer.name = name
        officer.phone = phone
        officer.gender = gender or ""
        officer.county = county
        officer.township = township
        officer.employer = employer
        officer.category = category
        officer.key_group = key_group or ""
        officer.recommended_by = cell_text(row.get("推荐单位"))
        officer.vetted_by = cell_text(row.get("把关单位"))
        officer.status = status
        officer.appointed_on = appointed_on

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        return all(getattr(instance, f) == getattr(original, f) for f in self.compared_fields)

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            officer_save(officer=instance, actor=self.actor, reason="台账导入")
        except ValidationError as exc:
            if self.scope is not None and not self.scope.all_counties and "phone" in exc.message_dict:
                # Whose account holds the number (a staff member, an officer elsewhere) is not a
                # county admin's to learn from an import.
                raise ValidationError({"手机号": PHONE_TAKEN}) from None
            raise self.column_errors(exc) from None
