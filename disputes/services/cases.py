"""Cases: registration, corrections of their facts, status moves, follow-ups, papers, linked reports."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from officers.models import Enterprise
from officers.services import enterprise_resolve
from reports.models import Report
from unionportal.core.attachments import check_uploads, clean_name
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry

from .. import rules, selectors
from ..models import CaseAttachment, CaseCounter, CaseStatus, DisputeCase, FollowUp
from .supervision import case_supervision_refresh

STATUS_LABELS = dict(CaseStatus.choices)


def case_number_next(*, county, year: int) -> str:
    """The next number of the county's year. The counter row is locked until the caller's
    transaction ends, so two registrations at once never share a number, and none is reused."""
    CaseCounter.objects.get_or_create(county=county, year=year)
    counter = CaseCounter.objects.select_for_update().get(county=county, year=year)
    while True:
        counter.last += 1
        number = rules.case_number(county.code, year, counter.last)
        # A ledger may already hold this number (imported cases keep theirs): never give it twice.
        if not DisputeCase.objects.filter(county=county, number=number).exists():
            break
    counter.save(update_fields=["last"])
    return number


def foreign_credit_code_message(credit_code: str) -> str:
    """What staff are told when a credit code is another county's enterprise: the same as for a code
    the county does not have, without naming that enterprise or its county."""
    return f"本县区没有统一社会信用代码为 {credit_code} 的单位，该代码也不能用于新登记单位：请核对代码，或不填代码"


def employer_resolve(*, county, name: str, credit_code: str = "", township=None) -> Enterprise:
    """The employer of a case, matched or created in ``county`` (officers.services.enterprise_resolve);
    a credit code held by another county's enterprise is refused without saying whose it is."""
    if credit_code and Enterprise.objects.filter(credit_code=credit_code).exclude(county=county).exists():
        raise ValidationError({"credit_code": foreign_credit_code_message(credit_code)})
    return enterprise_resolve(county=county, name=name, credit_code=credit_code, township=township)


def _employer(*, county, enterprise: Enterprise | None, enterprise_name: str, credit_code: str, township):
    if enterprise is not None:
        if enterprise.county_id != county.pk:
            raise ValidationError({"enterprise": "用人单位不属于该县区"})
        return enterprise
    if not enterprise_name.strip():
        raise ValidationError({"enterprise": "请选择用人单位，或填写新单位名称"})
    try:
        return employer_resolve(county=county, name=enterprise_name.strip(), credit_code=credit_code, township=township)
    except ValidationError as exc:
        raise ValidationError({"new_enterprise_credit_code": exc.messages}) from None


@transaction.atomic
def case_register(
    *,
    county,
    actor,
    dispute_type: str,
    workers_involved: int,
    enterprise: Enterprise | None = None,
    enterprise_name: str = "",
    credit_code: str = "",
    amount_claimed=None,
    description: str = "",
    township=None,
    registered_on: date | None = None,
    reports=(),
) -> DisputeCase:
    if township is not None and township.county_id != county.pk:
        raise ValidationError({"township": "镇区街道不属于该县区"})
    registered_on = registered_on or timezone.localdate()
    if registered_on > timezone.localdate():
        # The year of the date starts the case number: a typo would open next decade's numbering.
        raise ValidationError({"registered_on": "登记日期不能晚于今天"})
    case = DisputeCase(
        county=county,
        enterprise=_employer(
            county=county,
            enterprise=enterprise,
            enterprise_name=enterprise_name,
            credit_code=credit_code,
            township=township,
        ),
        dispute_type=dispute_type,
        workers_involved=workers_involved,
        amount_claimed=amount_claimed,
        description=description,
        township=township,
        registered_on=registered_on,
        created_by=actor,
        number="(pending)",
    )
    case.full_clean(exclude=["number"])
    case.number = case_number_next(county=county, year=registered_on.year)
    case.save()
    if actor is not None:
        case.handlers.add(actor)
    for report in reports:
        _link(case, report)
    return case


def _link(case: DisputeCase, report: Report):
    if report.county_id != case.county_id:
        raise ValidationError("该信息不属于本县区，不能关联")
    if report.status in (Report.Status.DRAFT, Report.Status.WITHDRAWN):
        raise ValidationError("草稿或已撤回的信息不能关联")
    if case.pk and case.reports.filter(pk=report.pk).exists():
        raise ValidationError("该信息已关联本案件")
    case.reports.add(report)


CORRECTABLE = {
    "enterprise": "用人单位",
    "dispute_type": "争议类型",
    "workers_involved": "涉及人数",
    "amount_claimed": "诉求金额",
    "township": "镇区街道",
    "description": "案情",
}


@transaction.atomic
def case_correct(
    *,
    case: DisputeCase,
    actor,
    dispute_type: str,
    workers_involved: int,
    enterprise: Enterprise | None = None,
    enterprise_name: str = "",
    credit_code: str = "",
    amount_claimed=None,
    description: str = "",
    township=None,
    seen: str | None = None,
) -> DisputeCase:
    """Correct a case's registered facts (the employer, type, headcount, claim, place, narrative).
    Its number, date and status are not facts to correct: the number is the ledger's key and the
    status moves by case_move. What changed is written to the case's timeline. ``seen``: the
    case_facts_token the form was filled from; a case corrected since is refused."""
    case = DisputeCase.objects.select_for_update().get(pk=case.pk)
    if seen is not None and seen != case_facts_token(case):
        raise ValidationError("案件信息刚被他人更正过，请查看最新内容后再修改", code="stale")
    if township is not None and township.county_id != case.county_id:
        raise ValidationError({"township": "镇区街道不属于该县区"})
    new = {
        "enterprise": _employer(
            county=case.county,
            enterprise=enterprise,
            enterprise_name=enterprise_name,
            credit_code=credit_code,
            township=township,
        ),
        "dispute_type": dispute_type,
        "workers_involved": workers_involved,
        "amount_claimed": amount_claimed,
        "township": township,
        "description": description,
    }
    new["description"] = description.replace("\r\n", "\n")  # as browsers send a textarea
    changed = [CORRECTABLE[name] for name, value in new.items() if getattr(case, name) != value]
    if not changed:
        return case
    for name, value in new.items():
        setattr(case, name, value)
    case.full_clean()
    case.last_activity_at = timezone.now()
    case.save()
    FollowUp.objects.create(case=case, action=f"更正案件信息：{'、'.join(changed)}", author=actor)
    return case


def case_facts_token(case: DisputeCase) -> str:
    return rules.facts_token(
        {name: getattr(case, f"{name}_id" if name in ("enterprise", "township") else name) for name in CORRECTABLE}
    )


def case_facts_from_report(report: Report) -> dict:
    """What a report says about the dispute: the case form starts from these, for the reviewer to check."""
    return {
        "dispute_type": rules.type_for_category(report.category),
        "workers_involved": report.workers_involved or 1,
        "enterprise": report.enterprise,
        "enterprise_name": "" if report.enterprise_id else report.enterprise_name,
        "amount_claimed": report.amount_involved,
        "description": f"{report.title}\n\n{report.content}",
        "township": report.township,
    }


@transaction.atomic
def case_from_report(*, report: Report, actor, **facts) -> DisputeCase:
    """Register the case a report describes, with the report's facts as corrected by the reviewer
    (``facts``: the keyword arguments of case_register). A report becomes a case once: the report row
    is locked, so a double click or two reviewers at once cannot make two."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status in (Report.Status.DRAFT, Report.Status.WITHDRAWN):
        raise ValidationError("草稿或已撤回的信息不能登记为争议案件", code="not_reported")
    numbers = selectors.case_numbers_of(report=report)
    if numbers:
        raise ValidationError(f"该信息已登记为争议案件 {'、'.join(numbers)}，不能重复登记", code="exists")
    return case_register(
        county=report.county, actor=actor, reports=[report], **(case_facts_from_report(report) | facts)
    )


@transaction.atomic
def case_link_report(*, case: DisputeCase, report: Report, actor) -> DisputeCase:
    _link(case, report)
    _touch(case)
    FollowUp.objects.create(case=case, action=f"关联信息：{report.title}", author=actor)
    return case


def _touch(case: DisputeCase):
    DisputeCase.objects.filter(pk=case.pk).update(last_activity_at=timezone.now())


@transaction.atomic
def case_move(
    *,
    case: DisputeCase,
    to_status: str,
    actor,
    on: date | None = None,
    transferred_to: str = "",
    note: str = "",
    request=None,
) -> DisputeCase:
    """Move a case along 登记 → 调解中 → 调解成功/失败 → (移交) → 结案; other moves are refused."""
    case = DisputeCase.objects.select_for_update().get(pk=case.pk)
    on = on or timezone.localdate()
    if not rules.status_move_allowed(case.status, to_status):
        allowed = "、".join(STATUS_LABELS[s] for s in sorted(rules.STATUS_MOVES.get(case.status, ())))
        raise ValidationError(
            {
                "to_status": f"不能从“{STATUS_LABELS[case.status]}”改为“{STATUS_LABELS.get(to_status, to_status)}”"
                + (f"；可改为：{allowed}" if allowed else "；案件已结案")
            }
        )
    if on > timezone.localdate():
        raise ValidationError({"on": "日期不能晚于今天"})
    if on < case.registered_on:
        raise ValidationError({"on": "日期不能早于登记日期"})
    result = rules.result_for_status(to_status)
    if result:
        case.mediation_result, case.result_on = result, on
    if to_status == CaseStatus.TRANSFERRED:
        if not transferred_to:
            raise ValidationError({"transferred_to": "请选择移交到哪个机构"})
        case.transferred_to, case.transferred_on = transferred_to, on
    if to_status == CaseStatus.CLOSED:
        case.closed_on = on
    if to_status == CaseStatus.MEDIATING:
        # Accepting a case for mediation starts the law's 15-day clock (rules.mediation_deadline).
        case.mediation_accepted_on, case.mediation_deadline = on, rules.mediation_deadline(on)
    previous = case.status
    case.status = to_status
    case.last_activity_at = timezone.now()
    case.full_clean()
    case.save()
    text = f"状态：{STATUS_LABELS[previous]} → {STATUS_LABELS[to_status]}"
    if to_status == CaseStatus.TRANSFERRED:
        text += f"（移交{case.get_transferred_to_display()}）"
    FollowUp.objects.create(case=case, happened_on=on, action=f"{text}。{note}" if note else text, author=actor)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CHANGE_CASE,
        county=case.county_id,
        target=f"{case.number} {text}",
        request=request,
    )
    case_supervision_refresh(case=case)  # a case moved on needs no 告知 any more
    return case


@transaction.atomic
def follow_up_add(*, case: DisputeCase, actor, action: str, happened_on: date | None = None, next_step: str = ""):
    follow_up = FollowUp(
        case=case, author=actor, action=action, next_step=next_step, happened_on=happened_on or timezone.localdate()
    )
    follow_up.full_clean()
    if follow_up.happened_on > timezone.localdate():
        raise ValidationError({"happened_on": "日期不能晚于今天"})
    follow_up.save()
    _touch(case)
    return follow_up


@transaction.atomic
def case_attach(*, case: DisputeCase, files, actor) -> list[CaseAttachment]:
    """Mediation agreements, receipts: the same rules as report attachments."""
    try:
        checked = check_uploads(list(files), existing=case.attachments.count())
    except ValidationError as exc:
        raise ValidationError({"files": exc.messages}) from None
    saved = []
    for upload, found in checked:
        attachment = CaseAttachment(
            case=case,
            original_name=clean_name(upload.name),
            content_type=found.content_type,
            kind=found.kind,
            size=upload.size,
            uploaded_by=actor,
        )
        attachment.file.save(f"upload{found.extension}", upload, save=False)
        attachment.save()
        saved.append(attachment)
    _touch(case)
    return saved
