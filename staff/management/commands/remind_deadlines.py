"""manage.py remind_deadlines [--days N]: queue the reminders of a stage deadline near (the
self-assessment, reply and appraisal deadlines: staff.notifications.remind_deadlines); run once a
day (docs/deployment.md), the task worker sends them."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from staff.notifications import REMIND_DAYS, remind_deadlines


class Command(BaseCommand):
    help = (
        "Queue reminders when a stage's deadline is near: to units that have not submitted, "
        "units with deductions not replied to, and appraisers of units not fully appraised."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=REMIND_DAYS)

    def handle(self, *args, days: int, **options):
        queued = remind_deadlines(timezone.localdate(), days=days)
        self.stdout.write(f"{queued} reminders queued")
