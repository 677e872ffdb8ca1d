"""What the commands that write a download (export_results, export_sipas) share: the --format
and --output options and where the bytes go."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from scoring.downloads import FORMATS


class DownloadCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--format", default="csv", choices=FORMATS)
        parser.add_argument("--output", type=Path, help="file to write (default: standard output)")

    def write_download(self, data: bytes, format: str, output: Path | None) -> None:
        """The file to `output`, or to standard output: an .xlsx as raw bytes, since the
        command's text stream would try to decode it."""
        if output is None and format == "xlsx":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        elif output is None:
            self.stdout.write(data.decode("utf-8"), ending="")
        else:
            output.write_bytes(data)
            self.stderr.write(f"wrote {output}")
