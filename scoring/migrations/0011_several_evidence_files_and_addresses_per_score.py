import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import scoring.storage


def _move_files(apps, schema_editor):
    """Each score's one evidence file becomes its first EvidenceFile row; its SHA-256 is read
    from the audit row that recorded the upload ("<name> sha256=<digest>"), where there is one."""
    Score = apps.get_model("scoring", "Score")
    EvidenceFile = apps.get_model("scoring", "EvidenceFile")
    ScoreChange = apps.get_model("scoring", "ScoreChange")
    rows = []
    for score in Score.objects.exclude(evidence_file="").iterator():
        name = score.evidence_file.name
        recorded = (
            ScoreChange.objects.filter(
                score=score, column="evidence_file", new_value__startswith=f"{name} sha256="
            )
            .order_by("-changed_at", "-id")
            .values_list("new_value", flat=True)
            .first()
        )
        rows.append(
            EvidenceFile(
                score=score,
                file=name,
                name=score.evidence_name or "evidence",
                content_type=score.evidence_type or "application/octet-stream",
                sha256=recorded.split("sha256=", 1)[1] if recorded else "",
            )
        )
    EvidenceFile.objects.bulk_create(rows, batch_size=500)


def _move_files_back(apps, schema_editor):
    """The first file of each score back in its columns (the others cannot be)."""
    Score = apps.get_model("scoring", "Score")
    EvidenceFile = apps.get_model("scoring", "EvidenceFile")
    for item in EvidenceFile.objects.filter(reply__isnull=True).order_by("-added_at", "-id"):
        Score.objects.filter(pk=item.score_id).update(
            evidence_file=item.file.name, evidence_name=item.name, evidence_type=item.content_type
        )


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0010_import_task_moved_to_imports_package"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EvidenceFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "file",
                    models.FileField(
                        max_length=300, storage=scoring.storage.EvidenceStorage(), upload_to=""
                    ),
                ),
                ("name", models.CharField(max_length=255)),
                ("content_type", models.CharField(max_length=100)),
                ("sha256", models.CharField(blank=True, max_length=64)),
                ("added_at", models.DateTimeField(auto_now_add=True)),
                (
                    "added_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "reply",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="files",
                        to="scoring.reply",
                    ),
                ),
                (
                    "score",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evidence_files",
                        to="scoring.score",
                    ),
                ),
            ],
            options={
                "ordering": ["added_at", "id"],
            },
        ),
        migrations.AlterField(
            model_name="score",
            name="evidence_url",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(_move_files, _move_files_back),
        migrations.RemoveField(
            model_name="score",
            name="evidence_file",
        ),
        migrations.RemoveField(
            model_name="score",
            name="evidence_name",
        ),
        migrations.RemoveField(
            model_name="score",
            name="evidence_type",
        ),
    ]
