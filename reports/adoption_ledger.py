"""Adoption receipts (采用回执), contract section 7: ``import_adoptions`` and the admin's import page.

Each row names a report (报送人手机号 + 报送时间 + 标题, as in section 2) and the body that used it;
it goes through the one adoption service (``report_adopt``, source 批量导入回执), which raises the
report to 县级以上部门采用. The file is checked in bulk: the reports its phones sent and their
adoptions are loaded once per file, not once per row.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export.fields import Field

from officers.resources import CountyBulkLedger, CountyLedgerResource
from unionportal.core.audit import audit_record_many
from unionportal.core.cells import cell_date, cell_datetime, cell_reader, cell_text
from unionportal.core.imports.bulk import Item
from unionportal.core.imports.writing import update_rows
from unionportal.core.models import AuditEntry, Notification

from .models import Adoption, Grade, Report, ReviewEvent, Status
from .selectors.back_pay import locked_month
from .services import report_adopt
from .services.adoption import adoption_apply, adoption_outcome, adoption_problem

COLUMNS = ("报送人手机号", "报送时间", "标题", "采用单位", "刊物", "期号", "采用日期")

# What a raising adoption changes on its report (adoption_apply).
RAISED_FIELDS = [
    "grade",
    "status",
    "adopted_by",
    "adopted_on",
    "adoption_doc_no",
    "version",
    "reviewed_at",
    "updated_at",
]
NO_REPORT = "找不到对应的报送信息（报送人手机号、报送时间和标题须与平台中的一条信息完全一致）"


def _minute(moment):
    return timezone.localtime(moment).replace(second=0, microsecond=0)


def adoption_row(row, *, reports_for, may_act_for, seen, errors: dict) -> dict:
    """The values of one receipt row, every reason it is bad in ``errors`` (the rules of the admin's
    resource and of the bulk ledger, written once). ``reports_for(phone, title, minute)``: the reports
    that key names, as loaded by the caller; ``seen(key)``: the row where ``key`` appeared before."""

    read = cell_reader(row, errors)

    phone = cell_text(row.get("报送人手机号"))
    title = cell_text(row.get("标题"))
    submitted_at = read("报送时间", cell_datetime)
    adopted_on = read("采用日期", cell_date)
    body = cell_text(row.get("采用单位"))
    publication = cell_text(row.get("刊物"))
    issue = cell_text(row.get("期号"))
    if not phone:
        errors["报送人手机号"] = "报送人手机号不能为空"
    if not title:
        errors["标题"] = "标题不能为空"
    if "报送时间" not in errors and submitted_at is None:
        errors["报送时间"] = "报送时间不能为空"
    if not body:
        errors["采用单位"] = "采用单位不能为空"
    elif len(body) > 100:
        errors["采用单位"] = "采用单位不能超过100个字"
    if len(publication) > 100:
        errors["刊物"] = "刊物不能超过100个字"
    if len(issue) > 50:
        errors["期号"] = "期号不能超过50个字"
    if "采用日期" not in errors and adopted_on is None:
        errors["采用日期"] = "采用日期不能为空"
    elif adopted_on is not None and adopted_on > timezone.localdate():
        errors["采用日期"] = "采用日期不能晚于今天"
    report = None
    if phone and title and submitted_at:
        found = reports_for(phone, title, submitted_at.replace(second=0, microsecond=0))
        if not found:
            errors["标题"] = NO_REPORT
        else:
            report = found[0]
            if not may_act_for(report.county_id):
                errors["标题"] = f"该信息属于{report.county.name}，不能导入其他县区信息的采用回执"
                report = None
            elif report.status == Status.WITHDRAWN:
                errors["标题"] = "该信息已撤回，不能登记采用"
            elif adopted_on and adopted_on < timezone.localdate(report.submitted_at):
                errors["采用日期"] = f"采用日期不能早于报送日期（{timezone.localdate(report.submitted_at):%Y-%m-%d}）"
    if report and body and adopted_on:
        earlier = seen((report.pk, body, publication, issue, adopted_on))
        if earlier:
            errors["采用单位"] = f"与第{earlier}行是同一份采用回执"
    return {"report": report, "body": body, "publication": publication, "issue": issue, "adopted_on": adopted_on}


class AdoptionLedgerResource(CountyLedgerResource):
    phone = Field(attribute="report__officer__phone", column_name="报送人手机号")
    submitted_at = Field(attribute="report__submitted_at", column_name="报送时间")
    title = Field(attribute="report__title", column_name="标题")
    body = Field(attribute="body", column_name="采用单位")
    publication = Field(attribute="publication", column_name="刊物")
    issue = Field(attribute="issue", column_name="期号")
    adopted_on = Field(attribute="adopted_on", column_name="采用日期")

    required_headers = ("报送人手机号", "报送时间", "标题", "采用单位", "采用日期")
    column_for_field = {
        "report": "标题",
        "body": "采用单位",
        "publication": "刊物",
        "issue": "期号",
        "adopted_on": "采用日期",
    }

    class Meta:
        model = Adoption
        name = "采用回执"
        fields = ("phone", "submitted_at", "title", "body", "publication", "issue", "adopted_on")
        export_order = fields
        import_id_fields = ("phone", "submitted_at", "title")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def before_import(self, dataset, **kwargs):
        """Load once: every report the file's phones sent (with its county) and their adoptions."""
        super().before_import(dataset, **kwargs)
        phones = {cell_text(value) for value in dataset["报送人手机号"]} - {""}
        self.reports = defaultdict(list)  # (phone, title, minute) -> [report]
        rows = (
            Report.objects.filter(officer__phone__in=phones)
            .exclude(status=Status.DRAFT)
            .select_related("county", "officer")
        )
        for report in rows:
            self.reports[(report.officer.phone, report.title, _minute(report.submitted_at))].append(report)
        report_ids = [r.pk for found in self.reports.values() for r in found]
        self.adoptions = {
            (a.report_id, a.body, a.publication, a.issue, a.adopted_on): a
            for a in Adoption.objects.filter(report_id__in=report_ids)
        }
        self.parsed = {}

    def _parse(self, row, row_number):
        errors = {}
        values = adoption_row(
            row,
            reports_for=lambda *key: self.reports.get(key, []),
            may_act_for=self._may_act_for,
            seen=lambda key: self.seen_before(key, row_number),
            errors=errors,
        )
        if errors:
            raise ValidationError(errors)
        return values

    def get_instance(self, instance_loader, row):
        """The adoption this row already recorded, from the file's preloaded adoptions (no query)."""
        try:
            submitted_at = cell_datetime(row.get("报送时间"))
            adopted_on = cell_date(row.get("采用日期"))
        except ValueError:
            return None
        phone, title = cell_text(row.get("报送人手机号")), cell_text(row.get("标题"))
        if not (phone and title and submitted_at and adopted_on):
            return None
        found = self.reports.get((phone, title, submitted_at.replace(second=0, microsecond=0)), [])
        if not found:
            return None
        key = (found[0].pk, cell_text(row.get("采用单位")), cell_text(row.get("刊物")), cell_text(row.get("期号")))
        return self.adoptions.get((*key, adopted_on))

    def import_instance(self, adoption, row, **kwargs):
        values = self._parse(row, kwargs.get("row_number", 0))
        if adoption.pk and not self._may_act_for(adoption.report.county_id):
            raise ValidationError({"标题": "无权导入其他县区信息的采用回执"})
        for name, value in values.items():
            setattr(adoption, name, value)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # A receipt already recorded (the same report, body, publication, issue and date) is unchanged.
        return not import_validation_errors and original is not None and original.pk is not None

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            adoption, _ = report_adopt(
                report=instance.report,
                actor=self.actor,
                body=instance.body,
                publication=instance.publication,
                issue=instance.issue,
                adopted_on=instance.adopted_on,
                source=Adoption.Source.IMPORT,
                grade=Grade.ABOVE_ADOPTED,
            )
        except ValidationError as exc:
            raise self.column_errors(exc) from None
        instance.pk = adoption.pk

    # export: the contract's cells
    def dehydrate_submitted_at(self, adoption):
        return timezone.localtime(adoption.report.submitted_at).strftime("%Y-%m-%d %H:%M")


class AdoptionLedger(CountyBulkLedger):
    """采用回执 at bulk speed: the rows judged by ``adoption_row`` and the one adoption rule
    (``adoption_problem``, ``adoption_outcome``, ``adoption_apply``) that ``report_adopt`` runs, against
    the reports and adoptions one batch's queries load; the adoptions, the grade history, the raised
    reports, the officers' notices and the audit rows written a batch at a time."""

    name = "采用回执"
    required_headers = AdoptionLedgerResource.required_headers
    columns = COLUMNS

    def prepare(self):
        super().prepare()
        self.actor_id = self.actor.pk if getattr(self.actor, "is_authenticated", False) else None
        self.today = timezone.localdate()

    def parse(self, row, number, errors):
        # Every rule needs the report the row names: checked in judge(), once its batch's are loaded.
        return Item(number, {"row": row})

    def match(self, items):
        """The reports the batch's phones sent under its titles, and their adoptions: two queries."""
        phones = {cell_text(item.values["row"].get("报送人手机号")) for item in items} - {""}
        titles = {cell_text(item.values["row"].get("标题")) for item in items} - {""}
        self.reports = defaultdict(list)  # (phone, title, minute) -> [report], in Report's order
        rows = (
            Report.objects.filter(officer__phone__in=phones, title__in=titles)
            .exclude(status=Status.DRAFT)
            .select_related("county", "officer__user")
        )
        for report in rows:
            self.reports[(report.officer.phone, report.title, _minute(report.submitted_at))].append(report)
        report_ids = [r.pk for found in self.reports.values() for r in found]
        self.adoptions = set(
            Adoption.objects.filter(report_id__in=report_ids).values_list(
                "report_id", "body", "publication", "issue", "adopted_on"
            )
        )

    def judge(self, item, errors):
        values = adoption_row(
            item.values["row"],
            reports_for=lambda *key: self.reports.get(key, []),
            may_act_for=self._may_act_for,
            seen=lambda key: self.seen_before(key, item.number),
            errors=errors,
        )
        if errors:
            return ""
        report = values["report"]
        if (report.pk, values["body"], values["publication"], values["issue"], values["adopted_on"]) in self.adoptions:
            return "skip"
        problem = adoption_problem(
            report=report, body=values["body"], adopted_on=values["adopted_on"], today=self.today
        )
        adoption = Adoption(
            report=report,
            grade=Grade.ABOVE_ADOPTED,
            source=Adoption.Source.IMPORT,
            recorded_by_id=self.actor_id,
            **{name: values[name] for name in ("body", "publication", "issue", "adopted_on")},
        )
        if problem is None:
            try:
                adoption.clean_fields(exclude=["report", "region", "recorded_by", "receipt"])
            except ValidationError as exc:
                problem = exc
        if problem is not None:
            errors.update(self.column_errors(problem))
            return ""
        outcome = adoption_outcome(
            report=report,
            grade=Grade.ABOVE_ADOPTED,
            body=values["body"],
            publication=values["publication"],
            issue=values["issue"],
            adopted_on=values["adopted_on"],
            frozen=lambda: locked_month(county_id=report.county_id, moment=report.submitted_at),
        )
        adoption.raised_grade = outcome.raises
        from_grade = report.grade
        if outcome.raises:
            # On the batch's one copy of the report: a later row of the file sees the raised grade.
            adoption_apply(report=report, outcome=outcome, now=timezone.now())
        item.extra = {
            "adoption": adoption,
            "outcome": outcome,
            "from_grade": from_grade,
            "notice_body": f"评定等级：{report.get_grade_display()}",
        }
        return "new"

    @staticmethod
    def column_errors(error: ValidationError) -> dict:
        columns = AdoptionLedgerResource.column_for_field
        if not hasattr(error, "error_dict"):
            return {"__all__": error.messages}
        return {columns.get(field, field): msgs for field, msgs in error.message_dict.items()}

    def write(self, new, updated):
        now = timezone.now()
        adoptions = [item.extra["adoption"] for item in new]
        Adoption.objects.bulk_create(adoptions)
        events, raised = [], {}
        for item in new:
            adoption, outcome = item.extra["adoption"], item.extra["outcome"]
            if outcome.raises:
                events.append(
                    ReviewEvent(
                        report=adoption.report,
                        action=ReviewEvent.Action.GRADE,
                        from_grade=item.extra["from_grade"],
                        to_grade=outcome.grade,
                        comment=outcome.event_comment,
                        actor_id=self.actor_id,
                    )
                )
                raised[adoption.report.pk] = adoption.report
        if events:
            ReviewEvent.objects.bulk_create(events)
        if raised:
            for report in raised.values():
                report.updated_at = now
            update_rows(Report, list(raised.values()), RAISED_FIELDS)
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=item.extra["adoption"].report.officer.user,
                    kind=Notification.Kind.GRADED,
                    title=f"您报送的“{item.extra['adoption'].report.title}”{item.extra['outcome'].notice_title}",
                    body=item.extra["notice_body"],
                    report=item.extra["adoption"].report,
                )
                for item in new
            ]
        )
        audit_record_many(
            [
                {
                    "actor": self.actor,
                    "action": AuditEntry.Action.GRADE,
                    "report": item.extra["adoption"].report,
                    "target": item.extra["outcome"].audit_target,
                }
                for item in new
            ]
        )
