"""Importing a file of one kind: the one entry point shared by the command and the admin.

The kinds are registered per app (`register_kind` in each AppConfig.ready), so that `surveys`
adds its own without `scoring` importing it.
"""

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

import tablib
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_noop
from import_export.exceptions import ImportError as ImportExportError
from import_export.results import Result

from files.problems import Message, Refused, register
from files.tabular import FileProblem, Limits, read_table
from runtime.logs import audit_log
from scoring.imports import batches
from scoring.imports.resources.base import FileResource
from scoring.models import ImportBatch

KINDS: dict[str, type[FileResource]] = {}
# Kinds with an importer of their own (respondent-level SIPAS files: hundreds of thousands of rows,
# read and checked in bulk rather than row by row through a Resource).
IMPORTERS: dict[str, "Importer"] = {}
# Each such kind's (required, optional) columns, given when it is registered.
IMPORTER_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
_CHUNK = 1 << 20
_PROGRESS_EVERY = 500

# progress(done, total): rows handled so far of the file's rows, for progress bars.
Progress = Callable[[int, int], None]


class Importer(Protocol):
    def __call__(
        self,
        source: bytes | BinaryIO,
        filename: str,
        *,
        user,
        source_line: str,
        dry_run: bool,
        progress: Progress | None,
    ) -> "ImportReport": ...


register(
    import_counts=gettext_noop("%(created)s created, %(updated)s updated, %(unchanged)s unchanged"),
    # Translators: %(kind)s is the file kind (methodology, scores...), not translated.
    import_dry_run=gettext_noop("%(kind)s (dry run, nothing written): %(counts)s"),
    import_done=gettext_noop("%(kind)s: %(counts)s"),
)


def register_kind(resource: type[FileResource]) -> None:
    if KINDS.get(resource.kind, resource) is not resource:
        raise ValueError(f"the import kind {resource.kind!r} is registered twice")
    KINDS[resource.kind] = resource


def register_importer(
    kind: str, importer: Importer, *, required: tuple[str, ...], optional: tuple[str, ...]
) -> None:
    """`required` and `optional` are the file's columns, as docs/formats.md lists them (what a
    Resource kind says with its own `required` and `optional`)."""
    if kind in KINDS or IMPORTERS.get(kind, importer) is not importer:
        raise ValueError(f"the import kind {kind!r} is registered twice")
    IMPORTERS[kind] = importer
    IMPORTER_COLUMNS[kind] = (tuple(required), tuple(optional))


def kinds() -> list[str]:
    return sorted({*KINDS, *IMPORTERS})


def limits() -> Limits:
    return Limits(
        max_bytes=settings.IMPORT_MAX_BYTES, max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES
    )


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    problems: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    # All problems found, also those beyond the ones listed ("and N more").
    problem_count: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # import-export's row-by-row result (a Resource kind's preview) and the batch recorded.
    result: Result | None = field(default=None, repr=False, compare=False)
    batch: ImportBatch | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> Message:
        counts = Message(
            "import_counts",
            {"created": self.created, "updated": self.updated, "unchanged": self.unchanged},
        )
        code = "import_dry_run" if self.dry_run else "import_done"
        return Message(code, {"kind": self.kind, "counts": counts})


def import_file(
    kind: str,
    source: bytes | BinaryIO,
    filename: str,
    *,
    user=None,
    dry_run: bool = False,
    progress: Progress | None = None,
    via: str = ImportBatch.Source.COMMAND,
    batch: ImportBatch | None = None,
    rows_shown: bool = False,
) -> ImportReport:
    """Check the whole file, then write all of it in one transaction, or nothing.

    The transaction also holds the lock on each edition the file names (taken as the file is
    checked, the same row lock publishing takes), so checking and writing see one state.

    Every call is recorded as an ImportBatch (`via`: command, admin or task), opened before the
    file is read and closed, in a transaction of its own, with the counts and the outcome;
    `batch` is the queued row a background worker fills instead of a new one. While the import
    runs, its progress and a heartbeat go to the batch from another connection.

    `rows_shown`: the report keeps import-export's row-by-row result, for a preview that shows
    each row (the admin's); it costs about a quarter of a large import, so others go without.
    """
    if kind not in KINDS and kind not in IMPORTERS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(kinds())}")
    source, digest, size = _fingerprinted(source)
    batch = batches.open_batch(
        kind, filename, user=user, via=via, dry_run=dry_run, size=size, sha256=digest, batch=batch
    )
    started = time.monotonic()
    writer = batches.ProgressWriter(batch)

    def reported(done: int, total: int) -> None:
        writer(done, total)
        if progress is not None:
            progress(done, total)

    try:
        with writer:
            report = _import(
                kind, source, filename, digest, user, dry_run, reported, writer, rows_shown
            )
    except BaseException as error:
        _from_writer(batch, writer)
        batches.fail_batch(batch, error, seconds=time.monotonic() - started)
        audit_log("import", kind=kind, file=filename, sha256=digest, outcome="failed", via=via)
        raise
    _from_writer(batch, writer)
    batches.close_batch(batch, report, seconds=time.monotonic() - started)
    report.batch = batch
    audit_log(
        "import",
        kind=kind,
        file=filename,
        sha256=digest,
        size=size,
        dry_run=dry_run,
        outcome="imported" if report.ok else "refused",
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        problems=report.problem_count,
        user=user.get_username() if user is not None else None,
        via=via,
    )
    return report


def _from_writer(batch: ImportBatch | None, writer: batches.ProgressWriter) -> None:
    if batch is None:
        return
    for name, value in writer.latest.items():
        setattr(batch, name, value)


def _import(
    kind, source, filename, digest, user, dry_run, progress, writer, rows_shown
) -> ImportReport:
    source_line = f"import {kind} {filename[:100]} sha256={digest}"
    if kind in IMPORTERS:
        return IMPORTERS[kind](
            source,
            filename,
            user=user,
            source_line=source_line,
            dry_run=dry_run,
            progress=progress,
        )
    report = ImportReport(kind=kind, dry_run=dry_run)
    resource = KINDS[kind](user=user, source=source_line)
    try:
        # A file refused as a whole is refused before any query.
        writer.phase("checking")
        table = read_table(source, filename, sheet=kind, limits=limits())
        table.rows = _counted(table.rows, progress)
        with transaction.atomic():
            checked = resource.check(table)
            report.warnings = checked.warnings
            if checked.problems:
                report.problems = checked.problems.listed()
                report.problem_count = checked.problems.count
                return report
            writer.phase("writing")
            if rows_shown:
                report.result = _rows_imported(resource, dry_run)
            else:
                resource.store(checked)
            if dry_run:
                transaction.set_rollback(True)
    except FileProblem as problem:
        report.problems = [problem.message.in_file(filename)]
        report.problem_count = 1
        return report
    except Refused as refusal:
        report.problems = refusal.problems
        report.problem_count = len(refusal.problems)
        return report
    report.notes = checked.notes
    report.created, report.updated, report.unchanged = resource.written.counts()
    return report


def _rows_imported(resource: FileResource, dry_run: bool) -> Result:
    """import-export's row-by-row import, each row keeping its instance so that the admin's
    preview can show what an update changes (before → after); the writer runs at its end."""
    try:
        return resource.import_data(
            tablib.Dataset(),
            dry_run=dry_run,
            use_transactions=True,
            raise_errors=True,
            retain_instance_in_row_result=True,
        )
    except ImportExportError as error:
        if isinstance(error.error, Refused):
            raise error.error from None
        raise


def _counted(rows, progress: Progress):
    """The rows, reporting how many were read (the total is not known before the end)."""
    number = 0
    for number, row in enumerate(rows, start=1):
        if number % _PROGRESS_EVERY == 0:
            progress(number, 0)
        yield row
    progress(number, number)


def _fingerprinted(source: bytes | BinaryIO) -> tuple[bytes | BinaryIO, str, int]:
    """The source to read, its SHA-256 for the audit trail, and its size. A stream that cannot
    seek (a pipe) is read into memory, at most one byte past the size limit (the reader refuses
    it then); a file over the limit is refused unread, so it is not hashed."""
    limit = settings.IMPORT_MAX_BYTES
    if not isinstance(source, bytes | bytearray) and not source.seekable():
        source = source.read(limit + 1)
    if isinstance(source, bytes | bytearray):
        return source, hashlib.sha256(source).hexdigest(), len(source)
    start = source.tell()
    size = source.seek(0, 2) - start
    source.seek(start)
    if size > limit:
        return source, "", size
    digest = hashlib.sha256()
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
    source.seek(start)
    return source, digest.hexdigest(), size
