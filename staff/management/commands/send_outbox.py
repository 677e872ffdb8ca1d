from django.core.management.base import BaseCommand, CommandError, no_translations

from staff.outbox import send_pending


class Command(BaseCommand):
    help = (
        "Send the email notifications waiting in the outbox now, including those the task "
        "worker gave up on after repeated failures; prints how many were sent and how many failed."
    )

    # docs/formats.md: the commands print English.
    @no_translations
    def handle(self, *args, **options):
        sent, failed = send_pending(retry_all=True)
        self.stdout.write(f"{sent} sent, {failed} failed")
        if failed:
            # A failure is the exit status too, for cron and monitoring.
            raise CommandError("some messages were not sent; their last_error says why")
