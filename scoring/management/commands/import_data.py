from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring.imports import import_file
from scoring.resources import RESOURCES


class Command(BaseCommand):
    help = "Validate a whole CSV/XLSX file of one kind, then import all of it or nothing."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(RESOURCES))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and count, write nothing"
        )

    def handle(self, *args, kind: str, file: Path, dry_run: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        report = import_file(kind, data, file.name, dry_run=dry_run)
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(report.problems)} problem(s) in {file.name}; nothing was imported"
            )
        for note in report.notes:
            self.stdout.write(note)
        self.stdout.write(report.summary())
