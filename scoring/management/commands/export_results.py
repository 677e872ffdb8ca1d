import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from provinces.models import Level
from scoring.downloads import FORMATS, render, result_rows
from scoring.models import Edition


class Command(BaseCommand):
    help = "Write the published results of an edition as CSV, XLSX or JSON."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--level", required=True, choices=Level.values)
        parser.add_argument("--format", default="csv", choices=FORMATS)
        parser.add_argument("--output", type=Path, help="file to write (default: standard output)")

    # docs/formats.md defines what the commands print, in English.
    @no_translations
    def handle(self, *args, year: int, level: str, format: str, output: Path | None, **options):
        edition = Edition.objects.published().filter(year=year, level=level).first()
        if edition is None:
            raise CommandError(f"there is no published {year} {level} edition")
        data = render(*result_rows(edition), format)
        if output is None and format == "xlsx":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        elif output is None:
            self.stdout.write(data.decode("utf-8"), ending="")
        else:
            output.write_bytes(data)
            self.stderr.write(f"wrote {output}")
