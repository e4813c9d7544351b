"""Reports brought in from past ledgers."""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from officers.models import Officer
from officers.resources import CountyBulkLedger
from unionportal.core.imports.bulk import Item
from unionportal.core.imports.writing import RowWriter, update_rows

from .. import rules
from ..ledger_rows import report_row
from ..models import (
    Grade,
    Report,
    ReviewEvent,
    Status,
    TimelinessRule,
)
from .submission import emergency_minutes_for

logger = logging.getLogger(__name__)


@transaction.atomic
def report_record_imported(*, report: Report, actor=None) -> Report:
    """Store a report brought in from a past ledger: its status follows its grade, its timeliness
    is computed as for a report made in the portal, and a grade on a new row is kept in history."""
    is_new = report.pk is None
    previous_grade = None if is_new else Report.objects.values_list("grade", flat=True).get(pk=report.pk)
    report.county_id = report.county_id or report.officer.county_id
    if is_new and report.township_id is None:
        report.township_id = report.officer.township_id
    report.status = Status.SUBMITTED if report.grade == Grade.PENDING else Status.REVIEWED
    report.on_time = rules.is_on_time(
        urgency=report.urgency,
        occurred_at=report.occurred_at,
        submitted_at=report.submitted_at,
        emergency_minutes=emergency_minutes_for(report.county_id),
    )
    if report.grade != previous_grade:
        report.version += 1
    report.full_clean()
    report.save()
    if report.grade != (previous_grade or Grade.PENDING):
        ReviewEvent.objects.create(
            report=report,
            action=ReviewEvent.Action.GRADE,
            from_grade=previous_grade or Grade.PENDING,
            to_grade=report.grade,
            comment="台账导入",
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
    return report


# ---- the report history ledger at bulk speed (contract section 2) ------------------------------

MINUTE = timedelta(minutes=1)
# What decides "unchanged" on re-import (as ReportLedgerResource.compared_fields).
COMPARED_FIELDS = (
    "content",
    "category",
    "urgency",
    "occurred_at",
    "workers_involved",
    "amount_involved",
    "grade",
    "adopted_by",
)
# Field validators a row's text must pass (what full_clean() ran per row), by ledger column.
VALIDATED = (("title", "标题"), ("content", "内容"), ("adopted_by", "采用单位"))
NEW_REPORT_FIELDS = (
    "officer_id",
    "county_id",
    "township_id",
    "title",
    "content",
    "category",
    "urgency",
    "occurred_at",
    "submitted_at",
    "workers_involved",
    "amount_involved",
    "status",
    "on_time",
    "grade",
    "adopted_by",
    "version",
)
EVENT_FIELDS = ("report_id", "action", "from_grade", "to_grade", "comment", "actor_id")


class ReportLedger(CountyBulkLedger):
    """信息报送记录 in bulk: officers and timeliness rules loaded once per file, existing reports found
    one query per batch, new reports and their grade history written with COPY, changed ones with
    ``bulk_update``. The same rules and messages as ``ReportLedgerResource`` (the admin's page)."""

    name = "信息报送记录"
    required_headers = ("报送人手机号", "标题", "内容", "信息类别", "紧急程度", "发生时间", "报送时间")
    columns = (
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

    def prepare(self):
        super().prepare()
        # (pk, county, township, county name) by phone: a province's 50,000 officers are a few MB.
        county_names = {county.pk: county.name for county in self.counties.values()}
        self.officers = {
            phone: (pk, county_id, township_id, county_names.get(county_id, ""))
            for phone, pk, county_id, township_id in Officer.objects.values_list(
                "phone", "pk", "county_id", "township_id"
            )
        }
        self.minutes = dict(TimelinessRule.objects.values_list("county_id", "emergency_minutes"))
        self.validators = [(Report._meta.get_field(name), column) for name, column in VALIDATED]
        self.actor_id = self.actor.pk if getattr(self.actor, "is_authenticated", False) else None
        self.report_writer = RowWriter(Report, NEW_REPORT_FIELDS, self.background)
        self.event_writer = RowWriter(ReviewEvent, EVENT_FIELDS, self.background)

    def parse(self, row, number, errors):
        values = report_row(
            row,
            officer_for=lambda phone: (o, o[1], o[3]) if (o := self.officers.get(phone)) else None,
            may_act_for=self._may_act_for,
            seen=lambda key: self.seen_before(key, number),
            errors=errors,
        )
        return None if errors else Item(number, values)

    def match(self, items):
        """The report each row names (the same officer, title and minute: the ledger has minutes, the
        portal keeps seconds), one query for the batch."""
        keys = [
            (i, item.values["officer"][0], item.values["title"], item.values["submitted_at"])
            for i, item in enumerate(items)
        ]
        found = {}
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT DISTINCT ON (k.i) k.i, r.id FROM unnest(%s::int[], %s::bigint[], %s::text[], "
                    "%s::timestamptz[]) AS k(i, officer_id, title, minute) JOIN reports_report r "
                    "ON r.officer_id = k.officer_id AND r.title = k.title AND r.submitted_at >= k.minute "
                    "AND r.submitted_at < k.minute + interval '1 minute' "
                    "ORDER BY k.i, r.submitted_at DESC, r.id DESC",
                    [list(column) for column in zip(*keys, strict=True)],
                )
                found = dict(cursor.fetchall())
        else:
            candidates = sorted(
                Report.objects.filter(officer_id__in={k[1] for k in keys}, title__in={k[2] for k in keys}).values_list(
                    "pk", "officer_id", "title", "submitted_at"
                ),
                key=lambda c: (c[3], c[0]),
                reverse=True,
            )
            for i, officer_id, title, minute in keys:
                for pk, o, t, at in candidates:
                    if (o, t) == (officer_id, title) and minute <= at < minute + MINUTE:
                        found[i] = pk
                        break
        if found:
            reports = Report.objects.in_bulk(found.values())
            for i, pk in found.items():
                items[i].existing = reports[pk]

    def judge(self, item, errors):
        values, report = item.values, item.existing
        if report is not None:
            if not self._may_act_for(report.county_id):
                errors["报送人手机号"] = "无权修改其他县区的报送记录"
                return ""
            if report.status not in (Status.SUBMITTED, Status.REVIEWED):
                errors["审核结果"] = f"该信息在平台中为“{report.get_status_display()}”，不能通过台账修改"
                return ""
            for name in ("occurred_at", "submitted_at"):
                # Keep the portal's seconds when the ledger's minute agrees.
                if values[name] == getattr(report, name).replace(second=0, microsecond=0):
                    values[name] = getattr(report, name)
            if all(getattr(report, name) == values[name] for name in COMPARED_FIELDS):
                return "skip"
        for model_field, column in self.validators:
            try:
                model_field.run_validators(values[model_field.name])
            except ValidationError as exc:
                errors[column] = exc.messages
        if errors:
            return ""
        return "new" if report is None else "update"

    def _on_time(self, county_id, values) -> bool:
        return rules.is_on_time(
            urgency=values["urgency"],
            occurred_at=values["occurred_at"],
            submitted_at=values["submitted_at"],
            emergency_minutes=self.minutes.get(county_id) or rules.DEFAULT_EMERGENCY_MINUTES,
        )

    def write(self, new, updated):
        rows, graded = [], []
        for item in new:
            v = item.values
            officer_id, county_id, township_id, _ = v["officer"]
            rows.append(
                (
                    officer_id,
                    county_id,
                    township_id,
                    v["title"],
                    v["content"],
                    v["category"],
                    v["urgency"],
                    v["occurred_at"],
                    v["submitted_at"],
                    v["workers_involved"],
                    v["amount_involved"],
                    Status.SUBMITTED if v["grade"] == Grade.PENDING else Status.REVIEWED,
                    self._on_time(county_id, v),
                    v["grade"],
                    v["adopted_by"],
                    1,
                )
            )
            graded.append(v["grade"])
        pks = self.report_writer.allocate(len(rows)) if self.report_writer.postgres else None
        if pks is None:
            pks = self.report_writer.insert(rows)
        events = [
            (pk, ReviewEvent.Action.GRADE, Grade.PENDING, grade, "台账导入", self.actor_id)
            for pk, grade in zip(pks, graded, strict=True)
            if grade != Grade.PENDING
        ]
        changed = []
        for item in updated:
            report, v = item.existing, item.values
            previous_grade = report.grade
            for name in COMPARED_FIELDS + ("submitted_at",):
                setattr(report, name, v[name])
            report.status = Status.SUBMITTED if report.grade == Grade.PENDING else Status.REVIEWED
            report.on_time = self._on_time(report.county_id, v)
            report.updated_at = self.report_writer.now
            if report.grade != previous_grade:
                report.version += 1
                events.append(
                    (report.pk, ReviewEvent.Action.GRADE, previous_grade, report.grade, "台账导入", self.actor_id)
                )
            changed.append(report)
        if changed:
            self.background.wait()  # the rows COPY is sending are not ours to update under it
            update_rows(
                Report, changed, [*COMPARED_FIELDS, "submitted_at", "status", "on_time", "version", "updated_at"]
            )
        event_pks = self.event_writer.allocate(len(events)) if self.event_writer.postgres else None
        if self.report_writer.postgres:
            # Both keys taken first: the two COPYs then go out one after the other in the background.
            self.report_writer.insert(rows, pks)
        self.event_writer.insert(events, event_pks)
