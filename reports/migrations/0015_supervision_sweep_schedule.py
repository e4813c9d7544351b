"""The supervision colour sweep's schedule (every 10 minutes). An admin may change it on the admin
site (Periodic tasks); running this again leaves a changed schedule alone."""

from django.db import migrations

NAME = "督办事项颜色巡检（蓝、黄、红）"
TASK = "reports.tasks.sweep_supervision"


def install(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    interval, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.create(name=NAME, task=TASK, args="[]", interval=interval)


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("reports", "0014_risk_levels_and_supervision"),
    ]

    operations = [migrations.RunPython(install, remove)]
