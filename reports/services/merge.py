"""Duplicate leads (线索合并): staff merge a report into another report's lead, or into an event's.

Every source report and its officer are kept: merging only links the report to the lead and marks it
已合并. The first report keeps its grade; a merged one is graded on its own merit (合格 when it adds
facts) and is never adopted separately (the grading service refuses it, and a database constraint)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from officers.models import User
from unionportal.core import outbox
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry, Notification

from ..choices import ADOPTED_GRADES, COUNTED_STATUSES
from ..models import EntryKind, Event, EventState, Lead, Report

MERGE_KIND = "merge"


def _lead_of_report(*, target: Report, actor: User) -> Lead:
    if target.lead_id:
        return target.lead
    lead = Lead(county_id=target.county_id, title=target.title, first_report=target, created_by=actor)
    lead.full_clean()
    lead.save()
    target.lead = lead
    target.save(update_fields=["lead", "updated_at"])
    return lead


def _lead_of_event(*, event: Event, actor: User) -> Lead:
    lead = Lead.objects.filter(event=event).first()
    if lead is not None:
        return lead
    initial = Report.objects.select_for_update().get(event_entry__event=event, event_entry__kind=EntryKind.INITIAL)
    lead = _lead_of_report(target=initial, actor=actor)
    if lead.event_id is None:
        lead.event = event
        lead.save(update_fields=["event"])
    elif lead.event_id != event.pk:
        raise ValidationError("该事件的初报信息已属于另一事件的线索，不能合并")
    return lead


@transaction.atomic
def report_merge(
    *,
    report: Report,
    actor: User,
    into_report: Report | None = None,
    into_event: Event | None = None,
    request=None,
    now=None,
) -> Report:
    """Merge ``report`` into the lead of ``into_report`` or of ``into_event`` (one of the two).

    A 突发 report that opened an event of its own with nothing filed after its 初报 folds that event into
    the lead's event (已并入其他事件), or makes it the lead's event when the lead has none."""
    now = now or timezone.now()
    if (into_report is None) == (into_event is None):
        raise ValidationError("请选择要并入的信息或事件")
    if not actor.is_portal_staff:
        raise ValidationError("只有县总工会工作人员可以合并线索")
    report = Report.objects.select_for_update(of=("self",)).select_related("officer__user").get(pk=report.pk)
    if report.county_id != actor.county_id and not actor.is_superuser:
        raise ValidationError("只能合并本县区的信息")
    if report.status not in COUNTED_STATUSES:
        raise ValidationError(f"该信息当前状态为“{report.get_status_display()}”，不能合并")
    if report.merged_at is not None:
        raise ValidationError("该信息已经合并过了")
    if report.grade in ADOPTED_GRADES:
        raise ValidationError("已采用的信息不能并入其他线索（采用归首报信息）；如需合并，请先重新评定")
    if Lead.objects.filter(first_report=report, reports__merged_at__isnull=False).exists():
        raise ValidationError("该信息已是一条线索的首报信息，其他信息已并入它，不能再并入别处")
    if into_report is not None:
        target = Report.objects.select_for_update().get(pk=into_report.pk)
        if target.pk == report.pk:
            raise ValidationError("不能把信息并入它自己")
        if target.county_id != report.county_id:
            raise ValidationError("只能合并同一县区的信息")
        if target.status not in COUNTED_STATUSES:
            raise ValidationError("只能并入已报送的信息")
        lead = target.lead if target.merged_at is not None else _lead_of_report(target=target, actor=actor)
    else:
        event = Event.objects.select_for_update().get(pk=into_event.pk)
        if event.county_id != report.county_id:
            raise ValidationError("只能并入本县区的事件")
        if event.state == EventState.MERGED:
            raise ValidationError("该事件已并入其他事件，请并入那个事件")
        lead = _lead_of_event(event=event, actor=actor)
    if lead.first_report_id == report.pk:
        raise ValidationError("该信息已在这条线索中")
    own_event = Event.objects.select_for_update().filter(entries__report=report).first()
    if own_event is not None:
        if own_event.pk == lead.event_id:
            raise ValidationError("不能把事件的初报信息并入它自己的事件")
        if own_event.entries.exclude(kind=EntryKind.INITIAL).exists():
            raise ValidationError("该信息开启的事件已有续报或终报，不能合并；请在事件中继续报送")
        if lead.event_id is None:
            lead.event = own_event
            lead.save(update_fields=["event"])
        else:
            own_event.state = EventState.MERGED
            own_event.merged_into_id = lead.event_id
            own_event.next_due_at = None
            own_event.full_clean()
            own_event.save()
    report.lead = lead
    report.merged_at = now
    report.merged_by = actor
    report.version += 1  # what a reviewer opened is no longer what is there
    report.full_clean()
    report.save()
    # Who merged what into which lead stays on the audit trail, beside the report's own merged_by.
    audit_record(
        actor=actor,
        action=AuditEntry.Action.MERGE_REPORT,
        report=report,
        request=request,
        target=f"并入线索“{lead.title}”（首报信息 {lead.first_report_id}）"[:200],
    )
    if report.officer.user_id:
        outbox.messages_write_new(
            outbox.person_notices(
                key=f"{MERGE_KIND}:{report.pk}",
                kind=MERGE_KIND,
                user=report.officer.user,
                title=f"您报送的“{report.title}”已合并",
                body=(
                    "县总工会工作人员已将这条信息与其他信息员报送的同一事件合并为一条线索。"
                    "您的信息仍然保留并单独评定：补充了新情况的评为合格，采用计入首报信息。"
                ),
                notification_kind=Notification.Kind.GRADED,
                report=report,
            )
        )
    return report
