"""Adoption receipts (采用回执), contract section 7: ``import_adoptions`` and the admin's import page.

Each row names a report (报送人手机号 + 报送时间 + 标题, as in section 2) and the body that used it;
it goes through the one adoption service (``report_adopt``, source 批量导入回执), which raises the
report to 县级以上部门采用. The file is checked in bulk: the reports its phones sent and their
adoptions are loaded once per file, not once per row.
"""

from collections import defaultdict
from functools import partial

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export.fields import Field

from officers.resources import CountyLedgerResource
from unionportal.core.ledger import cell_date, cell_datetime, cell_text

from .models import Adoption, Grade, Report, Status
from .services import report_adopt

COLUMNS = ("报送人手机号", "报送时间", "标题", "采用单位", "刊物", "期号", "采用日期")

NO_REPORT = "找不到对应的报送信息（报送人手机号、报送时间和标题须与平台中的一条信息完全一致）"


def _minute(moment):
    return timezone.localtime(moment).replace(second=0, microsecond=0)


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
        read = partial(self.read_cell, row, errors)
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
            found = self.reports.get((phone, title, submitted_at.replace(second=0, microsecond=0)), [])
            if not found:
                errors["标题"] = NO_REPORT
            else:
                report = found[0]
                if not self._may_act_for(report.county_id):
                    errors["标题"] = f"该信息属于{report.county.name}，不能导入其他县区信息的采用回执"
                    report = None
                elif report.status == Status.WITHDRAWN:
                    errors["标题"] = "该信息已撤回，不能登记采用"
                elif adopted_on and adopted_on < timezone.localdate(report.submitted_at):
                    errors["采用日期"] = (
                        f"采用日期不能早于报送日期（{timezone.localdate(report.submitted_at):%Y-%m-%d}）"
                    )
        if report and body and adopted_on:
            earlier = self.seen_before((report.pk, body, publication, issue, adopted_on), row_number)
            if earlier:
                errors["采用单位"] = f"与第{earlier}行是同一份采用回执"
        if errors:
            raise ValidationError(errors)
        return {"report": report, "body": body, "publication": publication, "issue": issue, "adopted_on": adopted_on}

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
