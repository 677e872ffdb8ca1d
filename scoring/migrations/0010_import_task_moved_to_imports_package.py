# The import task moved with the import machinery (scoring/tasks.py -> scoring/imports/tasks.py).
# The task worker finds a queued task by the dotted path stored in its row, so rows written
# before the move are pointed at the new path: a file queued just before an upgrade still runs.

from django.db import migrations

MOVES = [
    ("task_path", "scoring.tasks.import_batch", "scoring.imports.tasks.import_batch"),
    ("exception_class_path", "scoring.batches.Interrupted", "scoring.imports.batches.Interrupted"),
]


def forwards(apps, schema_editor):
    move(apps, {field: (old, new) for field, old, new in MOVES})


def backwards(apps, schema_editor):
    move(apps, {field: (new, old) for field, old, new in MOVES})


def move(apps, paths):
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    for field, (old, new) in paths.items():
        results.objects.filter(**{field: old}).update(**{field: new})


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0009_stage_deadlines_extensions_step_back_reasons_scope"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
