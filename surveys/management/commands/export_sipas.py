from pathlib import Path

from django.core.management.base import CommandError, no_translations

from scoring.downloads import render
from scoring.management.download_command import DownloadCommand
from surveys.exports import COLUMNS, sipas_rows


class Command(DownloadCommand):
    help = "Write a year's SIPAS results per province and for the country as CSV, XLSX or JSON."

    # docs/formats.md defines what the commands print, in English.
    @no_translations
    def handle(self, *args, year: int, format: str, output: Path | None, **options):
        rows = sipas_rows(year)
        if not rows:
            raise CommandError(f"there are no SIPAS results for {year}")
        self.write_download(render(COLUMNS, rows, format), format, output)
