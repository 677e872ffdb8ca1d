"""Load the public record (fixtures/public_record/, docs/formats.md): the official PAR Index and
SIPAS figures that could be read on public pages, each with its source.

Every file goes through the import path any file takes (scoring.imports.import_file), all of
them in one transaction: the PAR files as `published` (each year and level a partial summary-only
edition), then `averages`, `field_figures` and `sipas_published`; then every record edition not
yet published is published, oldest first, so that each year's changes are measured against the
year before. A second run finds everything unchanged and says so.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import transaction
from django.db.models import Count, Q

from scoring.imports import import_file
from scoring.models import Edition
from scoring.publish import PublishRefused, publish_edition

RECORD = Path(settings.BASE_DIR) / "fixtures" / "public_record"
# The files beside the PAR files, in the order they are loaded, with their kinds.
OTHER_FILES = (
    ("averages.csv", "averages"),
    ("field_indices.csv", "field_figures"),
    ("sipas.csv", "sipas_published"),
)


def par_files(folder: Path) -> list[tuple[int, str, Path]]:
    """(year, level, path) of every par_<year>_<level>.csv, oldest first."""
    found = []
    for path in folder.glob("par_*_*.csv"):
        _par, year, level = path.stem.split("_", 2)
        found.append((int(year), level, path))
    return sorted(found, key=lambda item: (item[0], item[1]))


class Command(BaseCommand):
    help = "Load the public record of PAR Index and SIPAS figures (fixtures/public_record/)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--folder", type=Path, default=RECORD, help="the record's folder (default: %(default)s)"
        )

    @no_translations
    def handle(self, *args, folder: Path, **options):
        files = par_files(folder)
        if not files:
            raise CommandError(f"no par_<year>_<level>.csv file in {folder}")
        created = updated = unchanged = 0
        with transaction.atomic():
            loads = [("published", path) for _year, _level, path in files]
            loads += [(kind, folder / name) for name, kind in OTHER_FILES]
            for kind, path in loads:
                report = self._import(kind, path)
                created += report.created
                updated += report.updated
                unchanged += report.unchanged
            published = self._publish({(year, level) for year, level, _path in files})
        self._print_coverage(files)
        if created or updated or published:
            self.stdout.write(
                f"loaded: {created} created, {updated} updated, {unchanged} unchanged; "
                f"{published} edition(s) published"
            )
        else:
            self.stdout.write(
                f"nothing changed: the public record was already loaded ({unchanged} unchanged)"
            )

    def _import(self, kind: str, path: Path):
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        report = import_file(kind, data, path.name)
        for warning in report.warnings:
            self.stderr.write(f"warning: {path.name}: {warning}")
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"{path.name}: {problem}")
            # Raised inside the transaction: nothing of the record is written.
            raise CommandError(
                f"{report.problem_count} problem(s) in {path.name}; nothing was loaded"
            )
        return report

    def _publish(self, keys: set[tuple[int, str]]) -> int:
        count = 0
        editions = Edition.objects.filter(
            year__in={year for year, _level in keys}, summary_only=True
        ).order_by("year", "level")
        for edition in editions:
            if (edition.year, edition.level) not in keys or edition.is_published:
                continue
            try:
                publish_edition(edition)
            except PublishRefused as refused:
                raise CommandError(
                    f"the {edition.year} {edition.level} edition could not be published: "
                    + "; ".join(refused.problems)
                ) from None
            count += 1
        return count

    def _print_coverage(self, files) -> None:
        """Per year and level, what the database now holds: the README's coverage table."""
        counts = {
            (row["year"], row["level"]): row
            for row in Edition.objects.filter(summary_only=True)
            .values("year", "level")
            .annotate(
                rows=Count("participants__summary"),
                indexed=Count(
                    "participants__summary", filter=Q(participants__summary__index__isnull=False)
                ),
                ranked=Count(
                    "participants__summary", filter=Q(participants__summary__rank__isnull=False)
                ),
            )
        }
        self.stdout.write(f"{'year':<6}{'level':<10}{'rows':>6}{'with index':>12}{'with rank':>11}")
        for year, level, _path in files:
            row = counts.get((year, level), {"rows": 0, "indexed": 0, "ranked": 0})
            self.stdout.write(
                f"{year:<6}{level:<10}{row['rows']:>6}{row['indexed']:>12}{row['ranked']:>11}"
            )
