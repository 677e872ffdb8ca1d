from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, no_translations
from django_otp.oath import totp

from staff.demo import demo_totp_device


class Command(BaseCommand):
    help = (
        "Print the current second-factor code of a demo account (demo-appraiser, demo-admin); "
        "only while DEBUG is on, as the demo accounts themselves."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    @no_translations
    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("the demo accounts work only while DEBUG is on")
        device = demo_totp_device(username)
        if device is None:
            raise CommandError(f"{username} is not a demo account with a second factor")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
