"""The report history ledger (信息报送记录), contract section 2."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export.fields import Field

from officers.models import Officer
from officers.resources import CountyLedgerResource
from unionportal.core.ledger import cell_datetime, cell_text

from .ledger_rows import report_row
from .models import Report, Status
from .services import report_record_imported

COLUMNS = (
    "报送人手机号",
    "标题",
    "内容",
    "信息类别",
    "紧急程度",
    "发生时间",
    "报送时间",
    "涉及人数",
    "涉及金额",
    "审核结果",
    "采用单位",
)


class ReportLedgerResource(CountyLedgerResource):
    phone = Field(attribute="officer__phone", column_name="报送人手机号")
    title = Field(attribute="title", column_name="标题")
    content = Field(attribute="content", column_name="内容")
    category = Field(attribute="category", column_name="信息类别")
    urgency = Field(attribute="urgency", column_name="紧急程度")
    occurred_at = Field(attribute="occurred_at", column_name="发生时间")
    submitted_at = Field(attribute="submitted_at", column_name="报送时间")
    workers_involved = Field(attribute="workers_involved", column_name="涉及人数")
    amount_involved = Field(attribute="amount_involved", column_name="涉及金额")
    grade = Field(attribute="grade", column_name="审核结果")
    adopted_by = Field(attribute="adopted_by", column_name="采用单位")

    required_headers = ("报送人手机号", "标题", "内容", "信息类别", "紧急程度", "发生时间", "报送时间")
    column_for_field = {
        "officer": "报送人手机号",
        "title": "标题",
        "content": "内容",
        "category": "信息类别",
        "urgency": "紧急程度",
        "occurred_at": "发生时间",
        "submitted_at": "报送时间",
        "workers_involved": "涉及人数",
        "amount_involved": "涉及金额",
        "grade": "审核结果",
        "adopted_by": "采用单位",
    }
    compared_fields = (
        "content",
        "category",
        "urgency",
        "occurred_at",
        "workers_involved",
        "amount_involved",
        "grade",
        "adopted_by",
    )

    class Meta:
        model = Report
        name = "信息报送记录"
        fields = (
            "phone",
            "title",
            "content",
            "category",
            "urgency",
            "occurred_at",
            "submitted_at",
            "workers_involved",
            "amount_involved",
            "grade",
            "adopted_by",
        )
        export_order = fields
        import_id_fields = ("phone", "title", "submitted_at")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.officers = {}

    def _officer(self, phone):
        if phone not in self.officers:
            self.officers[phone] = Officer.objects.select_related("county", "township").filter(phone=phone).first()
        return self.officers[phone]

    def _parse(self, row, row_number):
        errors = {}
        values = report_row(
            row,
            officer_for=lambda phone: (o, o.county_id, o.county.name) if (o := self._officer(phone)) else None,
            may_act_for=self._may_act_for,
            seen=lambda key: self.seen_before(key, row_number),
            errors=errors,
        )
        if errors:
            raise ValidationError(errors)
        return values

    def get_instance(self, instance_loader, row):
        try:
            submitted_at = cell_datetime(row.get("报送时间"))
        except ValueError:
            return None
        phone, title = cell_text(row.get("报送人手机号")), cell_text(row.get("标题"))
        if not (phone and title and submitted_at):
            return None
        # The ledger has minutes; the portal keeps seconds: the same minute is the same report.
        return (
            Report.objects.select_related("officer")
            .filter(
                officer__phone=phone,
                title=title,
                submitted_at__gte=submitted_at,
                submitted_at__lt=submitted_at + timedelta(minutes=1),
            )
            .first()
        )

    def import_instance(self, report, row, **kwargs):
        values = self._parse(row, kwargs.get("row_number", 0))
        if report.pk:
            if not self._may_act_for(report.county_id):
                raise ValidationError({"报送人手机号": "无权修改其他县区的报送记录"})
            if report.status not in (Status.SUBMITTED, Status.REVIEWED):
                raise ValidationError(
                    {"审核结果": f"该信息在平台中为“{report.get_status_display()}”，不能通过台账修改"}
                )
            for field in ("occurred_at", "submitted_at"):
                # Keep the portal's seconds when the ledger's minute agrees.
                if values[field] == getattr(report, field).replace(second=0, microsecond=0):
                    values[field] = getattr(report, field)
        for field, value in values.items():
            setattr(report, field, value)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        return all(getattr(instance, f) == getattr(original, f) for f in self.compared_fields)

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            report_record_imported(report=instance, actor=self.actor)
        except ValidationError as exc:
            raise self.column_errors(exc) from None

    # export: labels and contract times, as the ledger has them
    def dehydrate_category(self, report):
        return report.get_category_display()

    def dehydrate_urgency(self, report):
        return report.get_urgency_display()

    def dehydrate_grade(self, report):
        return report.get_grade_display()

    def dehydrate_occurred_at(self, report):
        return _local(report.occurred_at)

    def dehydrate_submitted_at(self, report):
        return _local(report.submitted_at)


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
