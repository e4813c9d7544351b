"""The daily run that turns a case's flags (调解期满未告知, 可申请支付令/强制执行) into supervision items
and closes those whose cause is cured. Beijing time, three times a day (a run after the first opens
only what is still missing); an admin may change it on the admin site."""

from django.db import migrations

NAME = "争议案件督办（期满未告知、分期逾期）"
TASK = "disputes.tasks.supervise_cases"


def install_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="15", hour="0,8,14", day_of_month="*", month_of_year="*", day_of_week="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.create(name=NAME, task=TASK, args="[]", crontab=crontab)


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("disputes", "0006_agreement_and_court_confirmation"),
    ]

    operations = [migrations.RunPython(install_schedule, remove_schedule)]
