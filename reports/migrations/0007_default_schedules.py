"""The jobs' default schedules, in Beijing time. An admin changes them on the admin site
(Periodic tasks); running this migration again leaves changed schedules alone.

Each daily or monthly job runs more than once on its day: a run after the first sends only what is
still missing (every reminder is a unique row), so a run lost to a Redis or worker outage is made
good the same day without anyone being reminded twice."""

from django.db import migrations

TZ = "Asia/Shanghai"
# name: (task, args, crontab fields or None for an interval)
SCHEDULES = {
    "提醒未完成报送任务的信息员（20日）": ("reports.tasks.remind_officers", '["quota_20"]',
                                  {"minute": "0", "hour": "9,12,16", "day_of_month": "20"}),
    "提醒未完成报送任务的信息员（27日）": ("reports.tasks.remind_officers", '["quota_27"]',
                                  {"minute": "0", "hour": "9,12,16", "day_of_month": "27"}),
    "每日待审核信息汇总（审核人员）": ("reports.tasks.send_review_digests", "[]", {"minute": "30", "hour": "8,12"}),
    "生成上月分析研判材料（每月1日）": ("reports.tasks.build_monthly_summaries", "[]",
                                {"minute": "0", "hour": "6,12", "day_of_month": "1"}),
    "补发未送达的突发信息提醒": ("reports.tasks.sweep_alerts", "[]", None),
}


def install(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, args, cron) in SCHEDULES.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        if cron is None:
            interval, _ = IntervalSchedule.objects.get_or_create(every=30, period="seconds")
            PeriodicTask.objects.create(name=name, task=task, args=args, interval=interval, queue="alerts")
        else:
            fields = {"minute": "0", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
            crontab, _ = CrontabSchedule.objects.get_or_create(timezone=TZ, **(fields | cron))
            PeriodicTask.objects.create(name=name, task=task, args=args, crontab=crontab)


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=list(SCHEDULES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_reminders_summaries"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, remove)]
