"""The monthly summary jobs moved from reports.tasks to unionportal.overview.tasks: point the stored
schedules at the new names (an admin's changes to the schedule itself are kept)."""

from django.db import migrations

RENAMED = {
    "reports.tasks.build_monthly_summaries": "unionportal.overview.tasks.build_monthly_summaries",
}


def forward(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in RENAMED.items():
        PeriodicTask.objects.filter(task=old).update(task=new)


def backward(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in RENAMED.items():
        PeriodicTask.objects.filter(task=new).update(task=old)


class Migration(migrations.Migration):
    dependencies = [
        ("overview", "0002_meeting_and_action_authors"),
        ("reports", "0007_default_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forward, backward)]
