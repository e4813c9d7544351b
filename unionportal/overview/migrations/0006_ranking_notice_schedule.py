"""The monthly ranking notice's draft, built on the 2nd at 06:00 and again at 12:00 Beijing time (the
second run rebuilds the draft and tells no admin twice; a published notice is left alone). An admin
changes the schedule on the admin site (Periodic tasks); running this again leaves it alone."""

from django.db import migrations

TZ = "Asia/Shanghai"
NAME = "生成上月信息报送通报草稿（每月2日）"
TASK = "unionportal.overview.tasks.build_ranking_notices"


def install_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        timezone=TZ, minute="0", hour="6,12", day_of_week="*", day_of_month="2", month_of_year="*"
    )
    PeriodicTask.objects.create(name=NAME, task=TASK, args="[]", crontab=crontab)


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("overview", "0005_ranking_notice"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install_schedule, remove_schedule)]
