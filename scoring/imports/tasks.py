"""Imports that run in the background: a file too large to check and write within one web
request (and every SIPAS file) is kept in its ImportBatch row and imported by the task worker
(`manage.py db_worker`, django-tasks-db), which records the progress on that row for the page
that watches it.

The bytes live in the database rather than in a directory: the web server and the worker may
run on different machines, the size is bounded by IMPORT_MAX_BYTES, and the bytes go when the
import is done. The import itself is scoring.imports.import_file, as for the command and the
admin: the whole file is checked first and nothing is written on any problem; a worker that
dies half-way leaves its transaction uncommitted, so the database drops it, and the batch
stops beating and shows as interrupted, to be run again.
"""

import hashlib
import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.dispatch import receiver
from django_tasks import task
from django_tasks.signals import task_started

from scoring.imports import IMPORTERS, batches, import_file
from scoring.models import ImportBatch

logger = logging.getLogger(__name__)

# Files larger than this go to the worker; so does every kind with an importer of its own
# (respondent-level files of hundreds of thousands of rows).
BACKGROUND_BYTES = 5 * 1024 * 1024


def in_background(kind: str, size: int) -> bool:
    threshold = getattr(settings, "IMPORT_BACKGROUND_BYTES", BACKGROUND_BYTES)
    return kind in IMPORTERS or size > threshold


def queue_file(
    kind: str,
    data: bytes,
    filename: str,
    *,
    user,
    dry_run: bool,
    preview: ImportBatch | None = None,
) -> ImportBatch:
    """Keep the file in a queued batch and hand that batch to the worker."""
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=kind,
            filename=filename[:255],
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            user=user,
            source=ImportBatch.Source.TASK,
            dry_run=dry_run,
            outcome=ImportBatch.Outcome.QUEUED,
            data=data,
            preview=preview,
        )
        # Enqueued once the batch is committed: the worker may pick the task up at once.
        transaction.on_commit(lambda: import_batch.enqueue(batch.pk))
    return batch


def confirm(preview: ImportBatch, *, user) -> ImportBatch:
    """Import for real the bytes that this dry run checked."""
    with transaction.atomic():
        preview = ImportBatch.objects.select_for_update().get(pk=preview.pk)
        data = bytes(preview.data)
        if hashlib.sha256(data).hexdigest() != preview.sha256:
            raise ValueError("the stored file is not the one that was checked")
        batch = queue_file(
            preview.kind, data, preview.filename, user=user, dry_run=False, preview=preview
        )
        ImportBatch.objects.filter(pk=preview.pk).update(data=None)
    return batch


def rerun(batch: ImportBatch, *, user) -> ImportBatch:
    """Run an interrupted (or failed) import again, from the bytes it kept, as a new batch."""
    with transaction.atomic():
        again = queue_file(
            batch.kind,
            bytes(batch.data),
            batch.filename,
            user=user,
            dry_run=batch.dry_run,
            preview=batch.preview,
        )
        ImportBatch.objects.filter(pk=batch.pk).update(
            outcome=ImportBatch.Outcome.INTERRUPTED
            if batch.outcome == ImportBatch.Outcome.RUNNING
            else batch.outcome,
            data=None,
        )
    return again


@task()
def import_batch(batch_id: int) -> str:
    """The worker's side: import a queued batch's bytes, recording into that batch."""
    batch = ImportBatch.objects.select_related("user").get(pk=batch_id)
    if batch.outcome != ImportBatch.Outcome.QUEUED:
        return batch.outcome  # already taken (a task enqueued twice)
    report = import_file(
        batch.kind,
        bytes(batch.data),
        batch.filename,
        user=batch.user,
        dry_run=batch.dry_run,
        via=ImportBatch.Source.TASK,
        batch=batch,
    )
    return report.batch.outcome if report.batch else ""


@receiver(task_started, dispatch_uid="scoring.imports.tasks.reap_when_worker_starts")
def reap_when_worker_starts(sender, **kwargs) -> None:
    """A worker starting a task first records the imports of workers that died as interrupted
    (and their tasks as failed): a restarted worker clears what its predecessor left running."""
    try:
        batches.reap_interrupted()
    except DatabaseError as error:  # never a reason to fail the task about to run
        logger.warning("interrupted imports not recorded: %s", error)
