"""Copy the two old delivery machines into the one outbox, so nothing pending is lost and nothing sent
is sent again: every emergency alert delivery (reports.AlertDelivery) and every reminder channel
(reports.Reminder.email_state / sms_state, plus its in-app notice, already delivered) becomes an
OutboxMessage with the key the new code writes. The alert sweep's schedule now runs the outbox sweep.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

REMINDER_TITLES = {
    "quota_20": "信息报送提醒",
    "quota_27": "信息报送提醒",
    "review_digest": "待审核信息汇总",
    "summary_ready": "月度分析研判材料已生成",
}
CATEGORIES = {
    "wage_arrears": "欠薪讨薪",
    "labour_dispute": "劳动争议",
    "mass_incident": "群体性事件苗头",
    "worker_sentiment": "职工思想动态",
    "new_form_rights": "新就业形态劳动者权益",
    "work_safety": "安全生产",
    "online_opinion": "网络舆情",
    "other": "其他",
}


def _alert_texts(report):
    # The texts of reports.services.alerts.alert_texts at the time of this migration.
    place = report.township.name if report.township_id else report.county.name
    when = timezone.localtime(report.submitted_at).strftime("%m月%d日 %H:%M") if report.submitted_at else ""
    category = CATEGORIES.get(report.category, report.category)
    title = f"【突发信息】{report.title}"[:200]
    body = f"{report.officer.name}于{when}报送突发信息（{category}，{place}），请尽快查看处置。"
    link = f"{settings.PORTAL_BASE_URL}/reports/{report.pk}/"
    email = (
        f"{when}，{place}有一条新的突发信息（{category}）报送到信息员工作平台，"
        f"请尽快登录查看处置：\n{link}\n\n此邮件不含信息内容，请勿转发。"
    )
    return title, body, email


def forward(apps, schema_editor):
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    AlertDelivery = apps.get_model("reports", "AlertDelivery")
    Reminder = apps.get_model("reports", "Reminder")
    Officer = apps.get_model("officers", "Officer")
    rows = []
    deliveries = AlertDelivery.objects.select_related(
        "report__officer", "report__township", "report__county", "recipient"
    ).order_by("pk")
    for d in deliveries.iterator(chunk_size=500):
        title, body, email = _alert_texts(d.report)
        is_email = d.channel == "email"
        rows.append(
            OutboxMessage(
                key=f"alert:{d.report_id}:{d.recipient_id}:{d.channel}",
                kind="alert",
                channel=d.channel,
                urgent=True,
                recipient_id=d.recipient_id,
                address=d.recipient.email if is_email else "",
                title="【信息员工作平台】有一条新的突发信息" if is_email else title,
                body=email if is_email else body,
                notification_kind="" if is_email else "emergency",
                report_id=d.report_id,
                state=d.state,
                attempts=d.attempts,
                last_error=d.last_error,
                created_at=d.created_at,
                claimed_at=d.claimed_at,
                sent_at=d.sent_at or (d.created_at if d.state == "sent" else None),
            )
        )
    phones = dict(Officer.objects.exclude(user_id=None).values_list("user_id", "phone"))
    for r in Reminder.objects.select_related("recipient").order_by("pk").iterator(chunk_size=500):
        title = REMINDER_TITLES.get(r.kind, "提醒")
        base = {
            "kind": "reminder",
            "recipient_id": r.recipient_id,
            "title": title,
            "body": r.text,
            "created_at": r.created_at,
        }
        # The in-app notice was written with the reminder: already delivered.
        rows.append(
            OutboxMessage(
                key=f"reminder:{r.pk}:in_app",
                channel="in_app",
                notification_kind="reminder",
                state="sent",
                attempts=1,
                sent_at=r.created_at,
                **base,
            )
        )
        for channel, state, address in (
            ("email", r.email_state, r.recipient.email),
            ("sms", r.sms_state, phones.get(r.recipient_id, "")),
        ):
            if state == "none" or not address:
                continue
            rows.append(
                OutboxMessage(
                    key=f"reminder:{r.pk}:{channel}",
                    channel=channel,
                    address=address,
                    state=state,
                    attempts=0 if state == "pending" else 1,
                    claimed_at=r.created_at if state == "sending" else None,
                    sent_at=r.created_at if state == "sent" else None,
                    **base,
                )
            )
    OutboxMessage.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    sweep_schedule_renamed(apps, schema_editor)


SWEEP_NAME = "补发未送达的消息（突发信息提醒、提醒）"


def sweep_schedule_renamed(apps, schema_editor):
    """The alert sweep's schedule runs the outbox sweep; run again, it leaves one schedule."""
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    old = PeriodicTask.objects.filter(task="reports.tasks.sweep_alerts")
    if PeriodicTask.objects.filter(name=SWEEP_NAME).exists():
        old.delete()
    else:
        old.update(task="unionportal.core.tasks.sweep_outbox", name=SWEEP_NAME)


def backward(apps, schema_editor):
    apps.get_model("core", "OutboxMessage").objects.all().delete()
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task="unionportal.core.tasks.sweep_outbox"
    ).update(task="reports.tasks.sweep_alerts", name="补发未送达的突发信息提醒")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_outboxmessage"),
        ("reports", "0008_move_to_core_and_overview"),
        ("officers", "0004_user_username_is_phone"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forward, backward)]
