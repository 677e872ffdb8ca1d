"""A first history record for every region and unit loaded from the reference data, so that the
first edit in the admin shows what it changed from (simple-history's populate_history, done
here so a fresh database has it too)."""

from django.db import migrations
from django.utils import timezone


def record_baseline(apps, schema_editor):
    now = timezone.now()
    for name in ("Region", "Unit"):
        model = apps.get_model("provinces", name)
        historical = apps.get_model("provinces", f"Historical{name}")
        recorded = set(historical.objects.values_list("id", flat=True))
        historical.objects.bulk_create(
            historical(
                **{
                    field.attname: getattr(row, field.attname)
                    for field in model._meta.concrete_fields
                },
                history_date=now,
                history_type="+",
                history_change_reason="reference data",
            )
            for row in model.objects.all()
            if row.pk not in recorded
        )


def forget_baseline(apps, schema_editor):
    for name in ("Region", "Unit"):
        apps.get_model("provinces", f"Historical{name}").objects.filter(
            history_change_reason="reference data"
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("provinces", "0005_unit_and_region_history")]

    operations = [migrations.RunPython(record_baseline, forget_baseline)]
