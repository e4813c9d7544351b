"""Officer codes (320922-0042): a serial per county, given to the officers already registered in a
stable order (their county, then when they were registered, then their id), then required."""

from django.db import migrations, models


def give_codes(apps, schema_editor):
    Officer = apps.get_model("officers", "Officer")
    serial, county_id = 0, None
    batch = []
    for officer in Officer.objects.select_related("county").order_by("county_id", "created_at", "pk").only(
        "pk", "county_id", "county__code", "created_at"
    ):
        if officer.county_id != county_id:
            serial, county_id = 0, officer.county_id
        serial += 1
        officer.serial = serial
        officer.code = f"{officer.county.code}-{serial:04d}"
        batch.append(officer)
        if len(batch) >= 2000:
            Officer.objects.bulk_update(batch, ["serial", "code"])
            batch = []
    if batch:
        Officer.objects.bulk_update(batch, ["serial", "code"])


class Migration(migrations.Migration):
    dependencies = [
        ("officers", "0012_three_administrators_security_policy_privacy"),
    ]

    operations = [
        migrations.AddField(
            model_name="officer",
            name="serial",
            field=models.PositiveIntegerField(editable=False, null=True, verbose_name="县内编号"),
        ),
        migrations.AddField(
            model_name="officer",
            name="code",
            field=models.CharField(editable=False, max_length=16, null=True, verbose_name="信息员代码"),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="officer",
            name="serial",
            field=models.PositiveIntegerField(editable=False, verbose_name="县内编号"),
        ),
        migrations.AlterField(
            model_name="officer",
            name="code",
            field=models.CharField(editable=False, max_length=16, verbose_name="信息员代码"),
        ),
        migrations.AddConstraint(
            model_name="officer",
            constraint=models.UniqueConstraint(fields=("county", "serial"), name="officer_serial_unique_per_county"),
        ),
        migrations.AddConstraint(
            model_name="officer",
            constraint=models.UniqueConstraint(fields=("county", "code"), name="officer_code_unique_per_county"),
        ),
        migrations.AddConstraint(
            model_name="officer",
            constraint=models.CheckConstraint(
                condition=models.Q(("code__regex", "^[0-9]{6}-[0-9]{4,}$")), name="officer_code_format"
            ),
        ),
    ]
