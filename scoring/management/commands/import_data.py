from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from scoring.imports import import_file
from scoring.management import in_english
from scoring.resources import RESOURCES


class Command(BaseCommand):
    help = "Validate a whole CSV/XLSX file of one kind, then import all of it or nothing."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(RESOURCES))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and count, write nothing"
        )

    @in_english
    def handle(self, *args, kind: str, file: Path, dry_run: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                # Translators: %(error)s is the system's explanation, e.g. "No such file or
                # directory".
                _("cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        report = import_file(kind, data, file.name, dry_run=dry_run)
        for warning in report.warnings:
            self.stderr.write(_("warning: %(warning)s") % {"warning": warning})
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(
                _("%(count)s problem(s) in %(file)s; nothing was imported")
                % {"count": len(report.problems), "file": file.name}
            )
        for note in report.notes:
            self.stdout.write(note)
        self.stdout.write(report.summary())
