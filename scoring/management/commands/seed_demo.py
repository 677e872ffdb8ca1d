from django.core.management.base import BaseCommand, CommandError, no_translations

from scoring.demo import DemoRefused, seed_demo


class Command(BaseCommand):
    help = "Load and publish the illustrative (not official) demo editions, once."

    # docs/formats.md defines what the commands print, in English.
    @no_translations
    def handle(self, *args, **options):
        try:
            log = seed_demo()
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from None
        for line in log:
            self.stdout.write(line)
