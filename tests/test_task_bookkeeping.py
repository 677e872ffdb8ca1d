"""A task whose worker died does not stay "running" forever: the next worker to start a task
records the silent import's batch as interrupted and its task as failed; a live import (its
heartbeat recent) is left alone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_started
from django_tasks_db.models import DBTaskResult

from scoring.imports.tasks import queue_file
from scoring.models import ImportBatch

pytestmark = pytest.mark.django_db


def running_import(django_capture_on_commit_callbacks, beat_seconds_ago: int):
    """A batch a worker took: its task running, its heartbeat this many seconds old."""
    with django_capture_on_commit_callbacks(execute=True):
        batch = queue_file("scores", b"year,level\n", "diem.csv", user=None, dry_run=False)
    result = DBTaskResult.objects.get(args_kwargs__args=[batch.pk])
    DBTaskResult.objects.filter(pk=result.pk).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now(), worker_ids=["dead"]
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        outcome=ImportBatch.Outcome.RUNNING,
        heartbeat_at=timezone.now() - timedelta(seconds=beat_seconds_ago),
    )
    return batch, result


def a_worker_starts_a_task(result: DBTaskResult):
    """As django-tasks-db's worker says it, once it has taken a task (here: another one)."""
    task_started.send(sender=DBTaskResult, task_result=result.task_result)


def test_the_task_of_a_dead_worker_ends_failed_with_its_batch_interrupted(
    django_capture_on_commit_callbacks, settings
):
    settings.IMPORT_STALE_SECONDS = 60
    batch, result = running_import(django_capture_on_commit_callbacks, beat_seconds_ago=120)

    a_worker_starts_a_task(result)

    batch.refresh_from_db()
    result.refresh_from_db()
    assert batch.outcome == "interrupted"
    assert batch.finished_at is not None
    assert result.status == TaskResultStatus.FAILED
    assert result.finished_at is not None
    assert result.traceback == "The worker running this import stopped; its batch is interrupted."


def test_a_live_import_is_left_running(django_capture_on_commit_callbacks, settings):
    settings.IMPORT_STALE_SECONDS = 60
    batch, result = running_import(django_capture_on_commit_callbacks, beat_seconds_ago=5)

    a_worker_starts_a_task(result)

    batch.refresh_from_db()
    result.refresh_from_db()
    assert batch.outcome == "running"
    assert result.status == TaskResultStatus.RUNNING
