"""manage.py clean_evidence [--dry-run]: remove the evidence files nothing references.

A file is kept while a score holds it or the audit trail names it (a replaced file stays while
its history shows it); a file written in the last hour is left to the save that may be writing it.
One line per file removed (or, with --dry-run, that would be), then the total.
"""

from django.core.management.base import BaseCommand

from scoring.storage import evidence_storage
from staff.evidence import IN_FLIGHT, unreferenced_files


class Command(BaseCommand):
    help = "Remove evidence files that no score and no audit record references."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list the files, remove nothing")

    def handle(self, *args, dry_run: bool, **options):
        found = unreferenced_files(IN_FLIGHT)
        for name, size in found:
            if not dry_run:
                evidence_storage.delete(name)
            self.stdout.write(f"{name}\t{size}")
        verb = "would remove" if dry_run else "removed"
        total = sum(size for _name, size in found)
        self.stdout.write(f"{verb} {len(found)} file(s), {total} bytes")
