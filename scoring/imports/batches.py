"""The record of every import (scoring.models.ImportBatch): opened before the file is read,
closed with its counts and outcome, and kept up to date while a long import runs.

Every write here happens outside the import's own transaction, so that a refused or failed import
still leaves its row and a watcher sees the progress of one that is still running.
"""

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from scoring.models import ImportBatch

logger = logging.getLogger(__name__)

# Problems kept on a batch as text; the batch also counts all of them.
KEPT_PROBLEMS = 50
# How often a running import writes its progress and proves it is alive.
BEAT_SECONDS = 1.0


def stale_seconds() -> int:
    """A running import with no sign of life for this long was interrupted (its worker died)."""
    return getattr(settings, "IMPORT_STALE_SECONDS", 60)


def open_batch(
    kind: str,
    filename: str,
    *,
    user=None,
    via: str = ImportBatch.Source.COMMAND,
    dry_run: bool = False,
    size: int | None = None,
    sha256: str = "",
    batch: ImportBatch | None = None,
) -> ImportBatch | None:
    """The running batch for this import: a new row, or the queued one the worker picked up.

    None when the database cannot be reached or is not migrated yet: a file refused as a whole
    is still refused (and said so) without one, and any import that needs the database fails on
    its own.
    """
    try:
        with transaction.atomic():
            return _open_batch(kind, filename, user, via, dry_run, size, sha256, batch)
    except DatabaseError as error:
        logger.info("import batch not recorded: %s", error)
        return None


def _open_batch(kind, filename, user, via, dry_run, size, sha256, batch) -> ImportBatch:
    now = timezone.now()
    fields = {
        "size": size,
        "sha256": sha256,
        "outcome": ImportBatch.Outcome.RUNNING,
        "heartbeat_at": now,
    }
    if batch is None:
        return ImportBatch.objects.create(
            kind=kind,
            filename=filename[:255],
            user=user if getattr(user, "pk", None) else None,
            source=via,
            dry_run=dry_run,
            **fields,
        )
    for name, value in fields.items():
        setattr(batch, name, value)
    batch.save(update_fields=[*fields])
    return batch


def close_batch(batch: ImportBatch | None, report, *, seconds: float) -> None:
    """Record how the import ended: counts, outcome and the first problems in English."""
    if batch is None:
        return
    batch.outcome = ImportBatch.Outcome.SUCCEEDED if report.ok else ImportBatch.Outcome.REFUSED
    batch.created, batch.updated, batch.unchanged = report.created, report.updated, report.unchanged
    batch.problem_count = report.problem_count
    with translation.override("en"):
        batch.problems = "\n".join(str(problem) for problem in report.problems[:KEPT_PROBLEMS])
    _finish(batch, seconds)


def fail_batch(batch: ImportBatch | None, error: BaseException, *, seconds: float) -> None:
    """An import that raised: nothing was written (its transaction was rolled back)."""
    if batch is None:
        return
    batch.outcome = ImportBatch.Outcome.FAILED
    batch.problems = f"{type(error).__name__}: {error}"[:2000]
    _finish(batch, seconds)


def _finish(batch: ImportBatch, seconds: float) -> None:
    batch.finished_at = timezone.now()
    batch.duration = timedelta(seconds=seconds)
    if batch.outcome == ImportBatch.Outcome.SUCCEEDED and batch.total:
        batch.done = batch.total
    # The file's bytes are kept for a worker or a re-run only; a finished import needs them
    # no more, except a dry run, whose bytes the confirmation imports.
    if not batch.dry_run or batch.outcome != ImportBatch.Outcome.SUCCEEDED:
        batch.data = None
    with transaction.atomic():
        batch.save()


def state(batch: ImportBatch, now=None) -> str:
    """The outcome as shown: a running import whose worker stopped beating is interrupted."""
    if batch.outcome == ImportBatch.Outcome.RUNNING:
        beat = batch.heartbeat_at or batch.started_at
        if (now or timezone.now()) - beat > timedelta(seconds=stale_seconds()):
            return ImportBatch.Outcome.INTERRUPTED
    return batch.outcome


IMPORT_TASK = "scoring.imports.tasks.import_batch"


def reap_interrupted(now=None) -> list[int]:
    """Imports whose worker died (killed, its machine lost): each running batch silent for
    longer than stale_seconds() is recorded as interrupted, and the task that ran it as failed,
    instead of both staying "running" forever. Called by every worker as it starts a task.
    The ids of the batches recorded so."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    silent = ImportBatch.objects.filter(
        outcome=ImportBatch.Outcome.RUNNING,
        heartbeat_at__lt=now - timedelta(seconds=stale_seconds()),
    )
    with transaction.atomic():
        ids = list(silent.select_for_update(skip_locked=True).values_list("pk", flat=True))
        ImportBatch.objects.filter(pk__in=ids).update(
            outcome=ImportBatch.Outcome.INTERRUPTED, finished_at=now
        )
        interrupted = set(
            ImportBatch.objects.filter(outcome=ImportBatch.Outcome.INTERRUPTED).values_list(
                "pk", flat=True
            )
        )
        running = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, task_path=IMPORT_TASK
        )
        dead = [
            result.pk
            for result in running.only("pk", "args_kwargs")
            if (result.args_kwargs.get("args") or [None])[0] in interrupted
        ]
        DBTaskResult.objects.filter(pk__in=dead).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path="scoring.imports.batches.Interrupted",
            traceback="The worker running this import stopped; its batch is interrupted.",
        )
    return ids


def percent(batch: ImportBatch) -> int | None:
    if batch.outcome == ImportBatch.Outcome.SUCCEEDED:
        return 100
    if not batch.total:
        return None
    return min(100, batch.done * 100 // batch.total)


class ProgressWriter:
    """Writes an import's progress to its batch from a thread of its own.

    The import holds one transaction open until it has written everything, and what it writes
    on its connection nobody else sees before it commits. Django gives each thread its own
    database connection, so this thread's updates commit at once (autocommit) on PostgreSQL and
    SQLite alike, with the full ORM and no second database alias in the settings (a per-process
    cache would not do: the worker and the web server are different processes). An update
    that fails is dropped, as progress is only advice, and the next beat tries again.

    SQLite has one writer at a time, and a transaction that has read and then wants to write
    fails at once if another connection holds the write lock, so a thread beating beside an
    import could make the import fail. There the import's own thread writes the progress,
    only between its transactions (SIPAS files are read and checked outside one); a long
    write phase then goes without a beat, and IMPORT_STALE_SECONDS must outlast it.
    """

    def __init__(self, batch: ImportBatch | None, *, interval: float | None = None):
        self.batch_id = batch.pk if batch is not None else None
        self.interval = interval or BEAT_SECONDS
        self.latest = {"done": 0, "total": 0, "phase": ""}
        self.written: dict | None = None
        self.threaded = connection.vendor != "sqlite"
        self._last = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True, name="import-progress")

    def __call__(self, done: int, total: int) -> None:
        with self._lock:
            self.latest.update(done=done, total=total)
        if self.threaded or self.batch_id is None or connection.in_atomic_block:
            return
        if time.monotonic() - self._last >= self.interval:
            self._last = time.monotonic()
            self.write()

    def phase(self, name: str) -> None:
        with self._lock:
            self.latest["phase"] = name

    def __enter__(self) -> "ProgressWriter":
        if self.batch_id is not None and self.threaded:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def write(self) -> None:
        """One beat: the latest progress and the time, committed at once."""
        with self._lock:
            latest = dict(self.latest)
        try:
            ImportBatch.objects.filter(
                pk=self.batch_id, outcome=ImportBatch.Outcome.RUNNING
            ).update(heartbeat_at=timezone.now(), **latest)
        except DatabaseError:
            return
        self.written = latest

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                self.write()
        finally:
            connection.close()
