from pathlib import Path

from django.core.management.base import CommandError, no_translations

from provinces.models import Level
from scoring.downloads import render, result_rows
from scoring.management.download_command import DownloadCommand
from scoring.models import Edition


class Command(DownloadCommand):
    help = "Write the published results of an edition as CSV, XLSX or JSON."

    def add_arguments(self, parser):
        # Before the shared options, so that --help lists them in the order it always has.
        parser.add_argument("--level", required=True, choices=Level.values)
        super().add_arguments(parser)

    # docs/formats.md defines what the commands print, in English.
    @no_translations
    def handle(self, *args, year: int, level: str, format: str, output: Path | None, **options):
        edition = Edition.objects.published().filter(year=year, level=level).first()
        if edition is None:
            raise CommandError(f"there is no published {year} {level} edition")
        self.write_download(render(*result_rows(edition), format), format, output)
