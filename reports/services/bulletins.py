"""Bulletins (信息专报): publications, draft issues, their items, and signing.

Only the staff of the unit that keeps a publication write to it. An issue is edited while it is a
draft; signing gives it the next number of its year (and the next running total) under a row lock
on the publication, so two issues signed at once never share a number; and every item in it then
counts as that unit's adoption of the original report, through the one adoption service.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from officers.models import User
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry

from ..choices import VALID_GRADES, Grade, Status
from ..models import Adoption, BulletinIssue, BulletinItem, ForwardedItem, Publication, Report
from .adoption import report_adopt

SIGNED_MESSAGE = "该期已签发，不能再修改；如需更正，请另编一期。"


def may_edit_publication(*, user: User, publication: Publication) -> bool:
    """The staff of the unit that keeps it (a superuser too)."""
    if not getattr(user, "is_portal_staff", False):
        return False
    if user.is_superuser and user.county_id is None and user.region_id is None:
        return True
    if publication.county_id is not None:
        return user.county_id == publication.county_id
    return user.region_id == publication.region_id


def _require_editor(user, publication):
    if not may_edit_publication(user=user, publication=publication):
        raise ValidationError(f"只有{publication.unit.name}的工作人员可以编辑{publication}")


@transaction.atomic
def publication_create(*, actor: User, name: str, keeps_total_number: bool = False, total_number_start: int = 0):
    """A new publication of the actor's own unit (admins)."""
    if not getattr(actor, "is_portal_admin", False) or actor.unit is None:
        raise ValidationError("只有本单位的系统管理员可以新建刊物")
    publication = Publication(
        name=name.strip(),
        keeps_total_number=keeps_total_number,
        total_number_start=total_number_start or 0,
        county=actor.county if actor.county_id else None,
        region=actor.region if actor.county_id is None else None,
    )
    publication.full_clean()
    publication.save()
    return publication


@transaction.atomic
def issue_create(*, publication: Publication, actor: User, year: int | None = None) -> BulletinIssue:
    _require_editor(actor, publication)
    if not publication.active:
        raise ValidationError(f"{publication}已停用")
    issue = BulletinIssue(publication=publication, year=year or timezone.localdate().year, created_by=actor)
    issue.full_clean()
    issue.save()
    return issue


HEADER_FIELDS = ("editor_note", "compiler", "signer", "report_to", "send_to", "issue_to")


def _locked_draft(issue: BulletinIssue, actor) -> BulletinIssue:
    locked = BulletinIssue.objects.select_for_update(of=("self",)).select_related("publication").get(pk=issue.pk)
    _require_editor(actor, locked.publication)
    if locked.is_signed:
        raise ValidationError(SIGNED_MESSAGE, code="signed")
    return locked


@transaction.atomic
def issue_update(*, issue: BulletinIssue, actor: User, **values) -> BulletinIssue:
    """编者按, 编辑, 签发人 and the distribution lines (报、送、发) of a draft."""
    locked = _locked_draft(issue, actor)
    for name in HEADER_FIELDS:
        if name in values:
            setattr(locked, name, (values[name] or "").strip())
    locked.full_clean()
    locked.save()
    return locked


def forwarded_to_region(publication: Publication):
    """Items forwarded (上报/转报) to the publication's region and not refused: a city may edit any of
    them into its bulletin, which adopts them when it is signed."""
    return (
        ForwardedItem.objects.filter(to_region_id=publication.region_id)
        .exclude(status=ForwardedItem.Status.REFUSED)
        .values("report_id")
    )


# Where a unit above finds items besides those it adopted: each source takes the publication and
# returns a queryset of report ids.
REGION_SOURCES: list = [forwarded_to_region]


def unit_candidates(*, publication: Publication):
    """The reports a unit may put into its publication: a county's own items graded 合格 or better;
    for a city or province, the items it adopted (an adoption recorded for the region) and those the
    registered sources name (items forwarded to it)."""
    reports = Report.objects.filter(status=Status.REVIEWED, grade__in=VALID_GRADES, merged_at__isnull=True)
    if publication.county_id is not None:
        return reports.filter(county_id=publication.county_id)
    found = Q(pk__in=Adoption.objects.filter(region_id=publication.region_id).values("report_id"))
    for source in REGION_SOURCES:
        found |= Q(pk__in=source(publication))
    return reports.filter(found)


def default_source(report: Report) -> str:
    """Where an item came from, as a bulletin names it: the county union, never the officer."""
    return f"{report.county.name}总工会"


@transaction.atomic
def item_add(*, issue: BulletinIssue, actor: User, report_id: int) -> BulletinItem:
    """Put a copy of an item into a draft: its title and text, to be edited; the source is its county."""
    locked = _locked_draft(issue, actor)
    report = unit_candidates(publication=locked.publication).select_related("county").filter(pk=report_id).first()
    if report is None:
        raise ValidationError("该信息不在本单位可编入刊物的信息中（须为本县区已审核合格的信息，或本单位已采用的信息）")
    if locked.items.filter(report=report).exists():
        raise ValidationError("该信息已在本期中")
    position = (locked.items.aggregate(top=Max("position"))["top"] or 0) + 1
    heading, text = report.title, report.content or report.title
    if locked.publication.region_id is not None:
        # A unit above starts from the copy forwarded to it (edited by the county, checked to name no
        # officer), never from the officer's own words.
        forwarded = (
            ForwardedItem.objects.filter(report=report, to_region_id=locked.publication.region_id)
            .order_by("-forwarded_at")
            .first()
        )
        if forwarded is not None:
            heading, text = forwarded.title, forwarded.content or forwarded.title
    item = BulletinItem(
        issue=locked,
        report=report,
        position=position,
        heading=heading,
        text=text,
        source=default_source(report),
        added_by=actor,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def item_update(*, item: BulletinItem, actor: User, heading: str, text: str, source: str, position=None):
    _locked_draft(item.issue, actor)
    item.heading, item.text, item.source = heading.strip(), text.strip(), source.strip()
    if position:
        item.position = position
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def item_remove(*, item: BulletinItem, actor: User) -> None:
    _locked_draft(item.issue, actor)
    item.delete()


@transaction.atomic
def issue_sign(*, issue: BulletinIssue, actor: User, request=None) -> BulletinIssue:
    """签发: the next number of the year under a lock on the publication, then every item counts as
    the unit's adoption (a county's: 县总工会采用; a city's or province's: 县级以上部门采用)."""
    # The publication's row lock serialises every signing of this publication: the numbers read
    # below cannot be taken by another signing until this transaction ends.
    publication = Publication.objects.select_for_update().get(pk=issue.publication_id)
    locked = _locked_draft(issue, actor)
    if not locked.signer.strip():
        raise ValidationError({"signer": "请填写签发人"})
    items = list(locked.items.select_related("report"))
    if not items:
        raise ValidationError("本期还没有信息条目，不能签发")
    signed = BulletinIssue.objects.filter(publication=publication, state=BulletinIssue.State.SIGNED)
    locked.number = (signed.filter(year=locked.year).aggregate(top=Max("number"))["top"] or 0) + 1
    if publication.keeps_total_number:
        top = signed.aggregate(top=Max("total_number"))["top"]
        locked.total_number = max(top or 0, publication.total_number_start) + 1
    locked.state = BulletinIssue.State.SIGNED
    locked.signed_by = actor
    locked.signed_at = timezone.now()
    locked.full_clean()
    locked.save()
    grade = Grade.COUNTY_ADOPTED if publication.is_county else Grade.ABOVE_ADOPTED
    today = timezone.localdate()
    for item in items:
        adopted_on = max(today, timezone.localdate(item.report.submitted_at))
        report_adopt(
            report=item.report,
            actor=actor,
            body=publication.unit_body,
            publication=publication.name,
            issue=locked.issue_label,
            adopted_on=adopted_on,
            source=Adoption.Source.BULLETIN,
            grade=grade,
            region=publication.region,
            request=request,
        )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.GRADE,
        county=publication.county_id,
        request=request,
        target=f"签发{locked}，{len(items)}条信息"[:200],
    )
    return locked
