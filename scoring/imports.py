"""Importing a file of one kind: the one entry point shared by the command and the admin.

The kinds are registered per app (`register_kind` in each AppConfig.ready), so that `surveys`
adds its own without `scoring` importing it.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

import tablib
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_noop
from import_export.exceptions import ImportError as ImportExportError

from scoring.problems import Message, Refused, register
from scoring.resources.base import FileResource
from scoring.tabular import FileProblem, Limits, read_table

KINDS: dict[str, type[FileResource]] = {}
# Kinds with an importer of their own (respondent-level SIPAS files: hundreds of thousands of rows,
# read and checked in bulk rather than row by row through a Resource).
IMPORTERS: dict[str, "Importer"] = {}
_CHUNK = 1 << 20

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


def register_importer(kind: str, importer: Importer) -> None:
    if kind in KINDS or IMPORTERS.get(kind, importer) is not importer:
        raise ValueError(f"the import kind {kind!r} is registered twice")
    IMPORTERS[kind] = importer


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
) -> ImportReport:
    """Check the whole file, then write all of it in one transaction, or nothing.

    The transaction also holds the lock on each edition the file names (taken as the file is
    checked, the same row lock publishing takes), so checking and writing see one state.
    """
    if kind not in KINDS and kind not in IMPORTERS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(kinds())}")
    source, digest = _fingerprinted(source)
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
        table = read_table(source, filename, sheet=kind, limits=limits())
        with transaction.atomic():
            checked = resource.check(table)
            report.warnings = checked.warnings
            if checked.problems:
                report.problems = checked.problems.listed()
                report.problem_count = checked.problems.count
                return report
            try:
                resource.import_data(
                    tablib.Dataset(), dry_run=dry_run, use_transactions=True, raise_errors=True
                )
            except ImportExportError as error:
                if isinstance(error.error, Refused):
                    raise error.error from None
                raise
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


def _fingerprinted(source: bytes | BinaryIO) -> tuple[bytes | BinaryIO, str]:
    """The source to read and its SHA-256 for the audit trail. A stream that cannot seek (a pipe)
    is read into memory, at most one byte past the size limit (the reader refuses it then); a file
    over the limit is refused unread, so it is not hashed."""
    limit = settings.IMPORT_MAX_BYTES
    if not isinstance(source, bytes | bytearray) and not source.seekable():
        source = source.read(limit + 1)
    if isinstance(source, bytes | bytearray):
        return source, hashlib.sha256(source).hexdigest()
    start = source.tell()
    if source.seek(0, 2) - start > limit:
        source.seek(start)
        return source, ""
    source.seek(start)
    digest = hashlib.sha256()
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
    source.seek(start)
    return source, digest.hexdigest()
