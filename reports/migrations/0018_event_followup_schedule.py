"""The 续报 clock's schedule: every ten minutes, Beijing time, the sweep records each 续报 due time
passed with nothing filed (漏报) and tells the reporting officer, then the county's admins. Safe to
run twice (each notice has its unique outbox key). An admin may change it on the admin site; running
this migration again leaves a changed schedule alone."""

from django.db import migrations

TZ = "Asia/Shanghai"
NAME = "突发事件续报逾期检查"
TASK = "reports.tasks.sweep_event_followups"


def install(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        timezone=TZ, minute="*/10", hour="*", day_of_week="*", day_of_month="*", month_of_year="*"
    )
    PeriodicTask.objects.create(name=NAME, task=TASK, args="[]", crontab=crontab, queue="alerts")


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0017_events_and_leads"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, remove)]
