"""Commissions (约稿): sending one to its recipients, answering 无相关情况, reminding the day before.

Every notice goes through the one outbox with a key per commission, officer and purpose, so a
service run twice (a retried task, a second worker) sends nothing twice: in the portal's bell (and
email when the officer has one) and by SMS through the county's gateway (else settings.SMS_BACKEND).
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from officers.channels import selectors as channel_selectors
from officers.models import County, Officer
from unionportal.core import outbox
from unionportal.core.models import Notification, OutboxMessage

from .. import rules
from ..models import COUNTED_STATUSES, Audience, Commission, CommissionRecipient, Report

COMMISSION_KIND = "commission"
NO_RECIPIENTS = "没有符合约稿对象条件的在岗信息员，约稿未发出"


def _audience_officers(*, county, audience, township, officer_category, key_group, officers):
    qs = Officer.objects.filter(county=county, status=Officer.Status.ACTIVE)
    if audience == Audience.TOWNSHIP:
        return qs.filter(township=township)
    if audience == Audience.CATEGORY:
        return qs.filter(category=officer_category)
    if audience == Audience.KEY_GROUP:
        return qs.filter(key_group=key_group)
    if audience == Audience.NAMED:
        return qs.filter(pk__in=[o.pk for o in officers])
    return qs


def _notices(*, commission, officer, purpose: str, title: str, body: str, gateway) -> list:
    key = f"{COMMISSION_KIND}:{commission.pk}:{officer.pk}:{purpose}"
    notices = []
    if officer.user_id:
        notices += outbox.person_notices(
            key=key,
            kind=COMMISSION_KIND,
            user=officer.user,
            title=title,
            body=body,
            notification_kind=Notification.Kind.REMINDER,
        )
    notices.append(
        outbox.Notice(
            key=f"{key}:sms",
            kind=COMMISSION_KIND,
            channel=OutboxMessage.Channel.SMS,
            recipient=officer.user,
            address=officer.phone,
            title=title,
            body=body,
            channel_setting=gateway.pk if gateway else None,
            params=(("topic", commission.topic), ("due", f"{commission.due_on.month}月{commission.due_on.day}日")),
        )
    )
    return notices


def _sent_text(commission) -> tuple[str, str]:
    body = (
        f"{commission.sent_by}约稿：{commission.topic}。请于{commission.due_on.year}年{commission.due_on.month}月"
        f"{commission.due_on.day}日前报送相关信息（报送时选择该约稿），没有相关情况请在“我的约稿”中答复“无相关情况”。"
    )
    return f"约稿：{commission.topic}"[:200], body


@transaction.atomic
def commission_create(
    *,
    county: County,
    actor,
    topic: str,
    due_on: date,
    guidance: str = "",
    audience: str = Audience.ALL,
    township=None,
    officer_category: str = "",
    key_group: str = "",
    officers=(),
    region=None,
    today: date | None = None,
) -> Commission:
    """Send a commission to the county's 在岗 officers its audience names; the recipients are fixed now
    and told in the bell and by SMS (through the outbox, queued once the transaction commits)."""
    today = today or timezone.localdate()
    problem = rules.commission_due_problem(due_on=due_on, today=today)
    if problem:
        raise ValidationError({"due_on": problem})
    commission = Commission(
        county=county,
        topic=topic,
        guidance=guidance,
        audience=audience,
        township=township if audience == Audience.TOWNSHIP else None,
        officer_category=officer_category if audience == Audience.CATEGORY else "",
        key_group=key_group if audience == Audience.KEY_GROUP else "",
        due_on=due_on,
        created_by=actor,
        region=region,
    )
    if audience == Audience.NAMED and not officers:
        raise ValidationError({"officers": "请选择约稿的信息员"})
    commission.full_clean()
    chosen = list(
        _audience_officers(
            county=county,
            audience=audience,
            township=township,
            officer_category=officer_category,
            key_group=key_group,
            officers=officers,
        )
        .select_related("user")
        .order_by("sort_key", "pk")
    )
    if audience == Audience.NAMED and len(chosen) != len({o.pk for o in officers}):
        raise ValidationError({"officers": "所选信息员须为本县区在岗信息员"})
    if not chosen:
        raise ValidationError(NO_RECIPIENTS)
    commission.save()
    CommissionRecipient.objects.bulk_create([CommissionRecipient(commission=commission, officer=o) for o in chosen])
    gateway = channel_selectors.reminder_gateway(county_id=county.pk)
    title, body = _sent_text(commission)
    notices = []
    for officer in chosen:
        notices += _notices(
            commission=commission, officer=officer, purpose="sent", title=title, body=body, gateway=gateway
        )
    outbox.enqueue_on_commit(outbox.messages_write(notices))
    return commission


DOWN_AUDIENCES = (Audience.ALL, Audience.CATEGORY, Audience.KEY_GROUP)


@transaction.atomic
def commission_send_down(*, region, actor, **fields) -> list[Commission]:
    """A city or province sends a commission down through the unit tree: one commission for each
    county under it (a province's cities' counties and its own), each naming the unit that sent it,
    to the 在岗 officers its audience names there; all or none. A county with no such officer is
    left out; none anywhere is refused. Townships and named officers are a county's own choice."""
    if fields.get("audience", Audience.ALL) not in DOWN_AUDIENCES:
        raise ValidationError({"audience": "市、省下达的约稿只能发给全体信息员、某人员类别或某重点群体"})
    counties = list(County.objects.filter(region_id__in=region.subtree_ids()).order_by("code"))
    if not counties:
        raise ValidationError("所辖范围内还没有县区，约稿未发出")
    sent = []
    for county in counties:
        try:
            with transaction.atomic():
                sent.append(commission_create(county=county, actor=actor, region=region, **fields))
        except ValidationError as exc:
            if exc.messages != [NO_RECIPIENTS]:
                raise
    if not sent:
        raise ValidationError(NO_RECIPIENTS)
    return sent


@transaction.atomic
def commission_answer_nothing(*, commission: Commission, officer: Officer, note: str, now=None) -> CommissionRecipient:
    """The officer answers 无相关情况 with a line of explanation."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请简要说明情况（如：本单位近期未发现相关情况）"})
    recipient = CommissionRecipient.objects.select_for_update().filter(commission=commission, officer=officer).first()
    if recipient is None:
        raise ValidationError("该约稿没有发给您")
    if recipient.nothing_at is not None:
        raise ValidationError("您已答复过“无相关情况”")
    if Report.objects.filter(commission=commission, officer=officer, status__in=COUNTED_STATUSES).exists():
        raise ValidationError("您已报送了答复该约稿的信息，无需再答复“无相关情况”")
    recipient.nothing_note = note
    recipient.nothing_at = now or timezone.now()
    recipient.full_clean()
    recipient.save(update_fields=["nothing_note", "nothing_at"])
    return recipient


def commissions_due_tomorrow(*, today: date) -> list[int]:
    return list(Commission.objects.filter(due_on=today + timedelta(days=1)).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def commission_remind(*, commission_id: int, today: date) -> int:
    """The day before the due date: remind each recipient who has not answered (once: keyed)."""
    commission = Commission.objects.select_related("county").filter(pk=commission_id).first()
    if commission is None or commission.due_on != today + timedelta(days=1):
        return 0
    answered = set(
        Report.objects.filter(commission=commission, status__in=COUNTED_STATUSES).values_list("officer_id", flat=True)
    )
    waiting = [
        r.officer
        for r in commission.recipients.select_related("officer", "officer__user").filter(nothing_at__isnull=True)
        if r.officer_id not in answered
    ]
    gateway = channel_selectors.reminder_gateway(county_id=commission.county_id)
    title = f"约稿明日截止：{commission.topic}"[:200]
    body = (
        f"约稿“{commission.topic}”将于明天（{commission.due_on.month}月{commission.due_on.day}日）截止，"
        "请及时报送；没有相关情况请在“我的约稿”中答复“无相关情况”。"
    )
    notices = []
    for officer in waiting:
        notices += _notices(
            commission=commission, officer=officer, purpose="due", title=title, body=body, gateway=gateway
        )
    return outbox.messages_write_new(notices) if notices else 0
