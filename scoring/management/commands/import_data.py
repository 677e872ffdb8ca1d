from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import OperationalError

from scoring.imports import import_file, kinds

WIDTH = 30


class ProgressBar:
    """`[#######.......]  45 %  12000/26000 rows` redrawn in place; rows only when the total
    is not known yet."""

    def __init__(self, stream):
        self.stream = stream
        self.shown = ""

    def __call__(self, done: int, total: int) -> None:
        if total:
            filled = WIDTH * done // total
            line = f"[{'#' * filled}{'.' * (WIDTH - filled)}] {100 * done // total:3d} %  "
            line += f"{done}/{total} rows"
        else:
            line = f"{done} rows read"
        if line != self.shown:
            self.stream.write(f"\r{line}")
            self.stream.flush()
            self.shown = line

    def end(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "Validate a whole CSV/XLSX file of one kind, then import all of it or nothing."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=kinds())
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and count, write nothing"
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="show a progress bar on stderr (shown anyway when stderr is a terminal)",
        )

    # docs/formats.md defines what the commands print, in English: without translations the
    # messages render as their English strings.
    @no_translations
    def handle(self, *args, kind: str, file: Path, dry_run: bool, progress: bool, **options):
        try:
            handle = file.open("rb")
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        # Only on stderr, and only for a person watching (or asking): stdout stays the
        # documented counts, and a script reading stderr sees only the problems.
        bar = ProgressBar(self.stderr._out) if progress or self.stderr.isatty() else None
        with handle:
            try:
                report = import_file(kind, handle, file.name, dry_run=dry_run, progress=bar)
            except OperationalError as error:
                # The embedded SQLite's one writer (another import) outlasted the busy timeout.
                if "locked" not in str(error):
                    raise
                raise CommandError(
                    f"the database is busy with another import; nothing of {file.name} was "
                    "imported: run it again once that import has finished"
                ) from None
        if bar is not None:
            bar.end()
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{report.problem_count} problem(s) in {file.name}; nothing was imported"
            )
        for note in report.notes:
            self.stdout.write(str(note))
        self.stdout.write(str(report.summary()))
