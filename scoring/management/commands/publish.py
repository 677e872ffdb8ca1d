from django.core.management.base import BaseCommand, CommandError, no_translations

from provinces.models import Level
from scoring.models import Edition
from scoring.publish import PublishRefused, publish_edition


class Command(BaseCommand):
    help = "Compute and store the results of an edition and publish it, or list what is missing."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--level", required=True, choices=Level.values)

    # docs/formats.md defines what the commands print, in English.
    @no_translations
    def handle(self, *args, year: int, level: str, **options):
        edition = Edition.objects.filter(year=year, level=level).first()
        if edition is None:
            raise CommandError(f"there is no {year} {level} edition")
        if edition.is_published:
            # Publishing is idempotent: a published edition changes only through a correction.
            self.stdout.write(f"the {year} {level} edition is already published; nothing changed")
            return
        try:
            edition = publish_edition(edition)
        except PublishRefused as refusal:
            for problem in refusal.problems:
                self.stderr.write(problem)
            raise CommandError(f"the {year} {level} edition was not published") from None
        count = edition.results.count()
        self.stdout.write(f"published the {year} {level} edition: {count} results")
