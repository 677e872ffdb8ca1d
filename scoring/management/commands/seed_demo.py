from django.core.management.base import BaseCommand, CommandError

from scoring.demo import DemoRefused, seed_demo
from scoring.management import in_english


class Command(BaseCommand):
    help = "Load and publish the illustrative (not official) demo editions, once."

    @in_english
    def handle(self, *args, **options):
        try:
            log = seed_demo()
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from None
        for line in log:
            self.stdout.write(line)
