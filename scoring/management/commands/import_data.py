from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from scoring.imports import import_file, kinds


class Command(BaseCommand):
    help = "Validate a whole CSV/XLSX file of one kind, then import all of it or nothing."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=kinds())
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and count, write nothing"
        )

    # docs/formats.md defines what the commands print, in English: without translations the
    # messages render as their English strings.
    @no_translations
    def handle(self, *args, kind: str, file: Path, dry_run: bool, **options):
        try:
            handle = file.open("rb")
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        with handle:
            report = import_file(kind, handle, file.name, dry_run=dry_run)
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
