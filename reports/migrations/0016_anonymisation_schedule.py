"""The nightly anonymisation of officers dismissed longer ago than the retention period (PIPL), at
02:30 Beijing time; running this migration again leaves a changed schedule alone."""

from django.db import migrations

TZ = "Asia/Shanghai"
NAME = "匿名化解聘超过保存期限的信息员"
TASK = "reports.tasks.anonymise_dismissed_officers"


def install(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        timezone=TZ, minute="30", hour="2", day_of_week="*", day_of_month="*", month_of_year="*"
    )
    PeriodicTask.objects.create(name=NAME, task=TASK, args="[]", crontab=crontab)


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0015_supervision_sweep_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, remove)]
