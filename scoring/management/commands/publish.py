from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from provinces.models import Level
from scoring.management import in_english
from scoring.models import Edition
from scoring.publish import PublishRefused, publish_edition


class Command(BaseCommand):
    help = "Compute and store the results of an edition and publish it, or list what is missing."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--level", required=True, choices=Level.values)

    @in_english
    def handle(self, *args, year: int, level: str, **options):
        edition = Edition.objects.filter(year=year, level=level).first()
        if edition is None:
            raise CommandError(
                _("there is no %(year)s %(level)s edition") % {"year": year, "level": level}
            )
        if edition.is_published:
            # Publishing is idempotent: a published edition changes only through a correction.
            self.stdout.write(
                _("the %(year)s %(level)s edition is already published; nothing changed")
                % {"year": year, "level": level}
            )
            return
        try:
            edition = publish_edition(edition)
        except PublishRefused as refusal:
            for problem in refusal.problems:
                self.stderr.write(problem)
            raise CommandError(
                _("the %(year)s %(level)s edition was not published")
                % {"year": year, "level": level}
            ) from None
        count = edition.results.count()
        self.stdout.write(
            _("published the %(year)s %(level)s edition: %(count)s results")
            % {"year": year, "level": level, "count": count}
        )
