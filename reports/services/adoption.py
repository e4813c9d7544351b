"""Adoption (采用) recorded from any path: a unit above grading a forwarded item, an item put into a
signed bulletin, a receipt entered by hand or imported (contract §7).

One rule for all of them: the adoption is kept as its own record, and the report's grade is raised
to the adoption's level when that is higher; a grade never goes down this way. Whether the raise
is paid now or as 补发 on a later stipend sheet is the stipend sheet's business (it reads
``Adoption.recorded_at``), not this module's.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from officers.models import Region, User
from unionportal.core.attachments import check_uploads, clean_name
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry, Notification

from .. import rules
from ..choices import COUNTED_STATUSES, Grade, Status
from ..models import Adoption, Report, ReviewEvent
from ..selectors.back_pay import locked_month

# How far each grade goes: an adoption raises a report only to a grade further along.
GRADE_RANK = {
    Grade.PENDING: 0,
    Grade.REJECTED: 1,
    Grade.QUALIFIED: 2,
    Grade.COUNTY_ADOPTED: 3,
    Grade.ABOVE_ADOPTED: 4,
}


@dataclass(frozen=True)
class AdoptionOutcome:
    """What recording an adoption does to its report, decided without a query (``adoption_outcome``):
    whether the grade is raised, and the texts of the history, the notice and the audit row."""

    grade: str
    body: str
    adopted_on: date
    raises: bool
    where: str  # 《刊物》期号

    @property
    def event_comment(self) -> str:
        return f"{self.body}{self.where}采用（{self.adopted_on:%Y-%m-%d}）"

    @property
    def notice_title(self) -> str:
        return f"被{self.body}采用" + (f"（{self.where}）" if self.where else "")

    @property
    def audit_target(self) -> str:
        return f"{Grade(self.grade).label}：{self.body}{self.where}"


def adoption_problem(*, report: Report, body: str, adopted_on, today: date) -> ValidationError | None:
    """Why ``report`` cannot be recorded as adopted by ``body`` on ``adopted_on``, or None. No query."""
    if report.status not in COUNTED_STATUSES or report.submitted_at is None:
        return ValidationError(f"该信息当前状态为“{report.get_status_display()}”，不能登记采用")
    if report.merged_at is not None:
        return ValidationError(rules.MERGED_NOT_ADOPTED)
    if not body:
        return ValidationError({"body": "请填写采用单位"})
    if adopted_on is None:
        return ValidationError({"adopted_on": "请填写采用日期"})
    reported_on = timezone.localdate(report.submitted_at)
    if adopted_on < reported_on:
        return ValidationError({"adopted_on": f"采用日期不能早于报送日期（{reported_on:%Y-%m-%d}）"})
    if adopted_on > today:
        return ValidationError({"adopted_on": "采用日期不能晚于今天"})
    return None


def adoption_outcome(*, report: Report, grade: str, body: str, publication: str, issue: str, adopted_on, frozen):
    """The one rule of every adoption path: the grade is raised to ``grade`` only when that is further
    along, and in a month whose sheet is approved (``frozen()``, asked only when it matters) only by an
    adoption above the county. Returns an ``AdoptionOutcome``."""
    raises = GRADE_RANK[grade] > GRADE_RANK[Grade(report.grade)]
    if raises and grade != Grade.ABOVE_ADOPTED and frozen():
        # An approved month is frozen; only an adoption above the county still raises it (paid as
        # 补发 on the next sheet). A county bulletin's use of an old item is kept as a record only.
        raises = False
    where = "".join(part for part in (publication and f"《{publication}》", issue) if part)
    return AdoptionOutcome(grade=grade, body=body, adopted_on=adopted_on, raises=raises, where=where)


def adoption_apply(*, report: Report, outcome: AdoptionOutcome, now) -> None:
    """Set on ``report`` (unsaved) the grade and provenance a raising adoption gives it."""
    report.grade = outcome.grade
    report.status = Status.REVIEWED
    report.adopted_by = outcome.body
    report.adopted_on = outcome.adopted_on
    report.adoption_doc_no = outcome.where[:50]
    report.version += 1
    if report.reviewed_at is None:
        report.reviewed_at = now


@transaction.atomic
def report_adopt(
    *,
    report: Report,
    actor: User | None,
    body: str,
    adopted_on,
    source: str,
    grade: str = Grade.ABOVE_ADOPTED,
    publication: str = "",
    issue: str = "",
    region: Region | None = None,
    receipt=None,
    request=None,
) -> tuple[Adoption, bool]:
    """Record that ``body`` used ``report`` and raise its grade to ``grade`` if that is higher.

    Returns (adoption, created): the same notice recorded again returns the first record, unchanged.
    """
    if grade not in (Grade.COUNTY_ADOPTED, Grade.ABOVE_ADOPTED):
        raise ValidationError({"grade": "采用层级只能是县总工会采用或县级以上部门采用"})
    body, publication, issue = body.strip(), publication.strip(), issue.strip()
    locked = Report.objects.select_for_update(of=("self",)).select_related("officer__user").get(pk=report.pk)
    problem = adoption_problem(report=locked, body=body, adopted_on=adopted_on, today=timezone.localdate())
    if problem is not None:
        raise problem

    same = {"body": body, "publication": publication, "issue": issue, "adopted_on": adopted_on}
    existing = Adoption.objects.filter(report=locked, **same).first()
    if existing is not None:
        return existing, False

    outcome = adoption_outcome(
        report=locked,
        grade=grade,
        body=body,
        publication=publication,
        issue=issue,
        adopted_on=adopted_on,
        frozen=lambda: locked_month(county_id=locked.county_id, moment=locked.submitted_at),
    )
    adoption = Adoption(
        report=locked,
        grade=grade,
        source=source,
        region=region,
        raised_grade=outcome.raises,
        recorded_by=actor,
        **same,
    )
    if receipt is not None:
        # A scanned receipt, judged by its bytes like every attachment (images re-encoded).
        [(content, found)] = check_uploads([receipt])
        adoption.receipt.save(f"receipt{found.extension}", content, save=False)
        adoption.receipt_name, adoption.receipt_type = clean_name(receipt.name), found.content_type
    adoption.full_clean()
    try:
        with transaction.atomic():
            adoption.save()
    except IntegrityError:  # the same notice recorded at the same moment by another request
        return Adoption.objects.get(report=locked, **same), False

    if outcome.raises:
        ReviewEvent.objects.create(
            report=locked,
            action=ReviewEvent.Action.GRADE,
            from_grade=locked.grade,
            to_grade=grade,
            comment=outcome.event_comment,
            actor=actor,
        )
        adoption_apply(report=locked, outcome=outcome, now=timezone.now())
        locked.full_clean()
        locked.save()
    Notification.objects.create(
        recipient=locked.officer.user,
        kind=Notification.Kind.GRADED,
        title=f"您报送的“{locked.title}”{outcome.notice_title}",
        body=f"评定等级：{locked.get_grade_display()}",
        report=locked,
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.GRADE,
        report=locked,
        request=request,
        target=outcome.audit_target,
    )
    return adoption, True
