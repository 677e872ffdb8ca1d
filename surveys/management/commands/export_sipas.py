import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from scoring.downloads import FORMATS, render
from surveys.exports import COLUMNS, sipas_rows


class Command(BaseCommand):
    help = "Write a year's SIPAS results per province and for the country as CSV, XLSX or JSON."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--format", default="csv", choices=FORMATS)
        parser.add_argument("--output", type=Path, help="file to write (default: standard output)")

    # docs/formats.md defines what the commands print, in English.
    @no_translations
    def handle(self, *args, year: int, format: str, output: Path | None, **options):
        rows = sipas_rows(year)
        if not rows:
            raise CommandError(f"there are no SIPAS results for {year}")
        data = render(COLUMNS, rows, format)
        if output is None and format == "xlsx":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        elif output is None:
            self.stdout.write(data.decode("utf-8"), ending="")
        else:
            output.write_bytes(data)
            self.stderr.write(f"wrote {output}")
