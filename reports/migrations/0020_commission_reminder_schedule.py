"""The day-before reminder of commissions (约稿), in Beijing time: every day at 09:00 and 15:00 (the
second run sends only what the first could not: every reminder is keyed in the outbox). An admin
changes the schedule on the admin site (Periodic tasks); running this again leaves it alone."""

from django.db import migrations

TZ = "Asia/Shanghai"
NAME = "约稿截止前一天提醒未答复的信息员"
TASK = "reports.tasks.remind_commissions"


def install_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        timezone=TZ, minute="0", hour="9,15", day_of_week="*", day_of_month="*", month_of_year="*"
    )
    PeriodicTask.objects.create(name=NAME, task=TASK, args="[]", crontab=crontab)


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0019_commissions_and_points"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install_schedule, remove_schedule)]
