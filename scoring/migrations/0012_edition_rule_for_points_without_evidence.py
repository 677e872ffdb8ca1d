from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0011_several_evidence_files_and_addresses_per_score"),
    ]

    operations = [
        migrations.AddField(
            model_name="edition",
            name="evidence_rule",
            field=models.CharField(
                choices=[
                    ("warn", "Warn, and let the unit submit anyway"),
                    ("refuse", "Refuse the submission"),
                ],
                default="warn",
                max_length=8,
                verbose_name="points claimed without evidence",
            ),
        ),
        migrations.AddField(
            model_name="historicaledition",
            name="evidence_rule",
            field=models.CharField(
                choices=[
                    ("warn", "Warn, and let the unit submit anyway"),
                    ("refuse", "Refuse the submission"),
                ],
                default="warn",
                max_length=8,
                verbose_name="points claimed without evidence",
            ),
        ),
    ]
