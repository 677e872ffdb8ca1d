import getpass
import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import transaction

from files.problems import Refused
from provinces.models import Unit
from scoring.permissions import ROLES, UNIT_OFFICER, unit_of
from staff.accounts import (
    COMMAND,
    assign_role,
    describe,
    new_user,
    officer_unit,
    role_in_groups,
    save_user,
    set_password,
)


class Command(BaseCommand):
    help = (
        "Create or change a staff account: its role (one of the groups unit_officer, appraiser, "
        "admin), a unit officer's unit, email, password, active or not; or list the accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("--role", choices=ROLES)
        parser.add_argument(
            "--unit",
            help=(
                "a unit officer's unit: its slug, or its code in the year of the open edition "
                "of its level (the current year if none is open)"
            ),
        )
        parser.add_argument("--email")
        password = parser.add_mutually_exclusive_group()
        password.add_argument(
            "--password-from-stdin",
            action="store_true",
            help="read the new password from the first line of standard input",
        )
        password.add_argument(
            "--set-password", action="store_true", help="ask for a new password (twice)"
        )
        active = parser.add_mutually_exclusive_group()
        active.add_argument(
            "--deactivate", action="store_true", help="the account can no longer sign in"
        )
        active.add_argument("--activate", action="store_true")
        parser.add_argument("--list", action="store_true", help="list the accounts and their roles")

    # docs/formats.md: the commands print English.
    @no_translations
    def handle(self, *args, **options):
        if options["list"]:
            for user in get_user_model().objects.order_by("username"):
                self.stdout.write(describe(user))
            return
        username = options["username"]
        if not username:
            raise CommandError("give a username, or --list")
        user = get_user_model().objects.filter(username=username).first()
        created = user is None
        if created and options["role"] is None:
            raise CommandError("a new account needs a --role")
        role = options["role"] or (None if created else role_in_groups(user))
        unit = self._unit(options["unit"]) if options["unit"] else None
        if options["unit"] is None and not created and role == UNIT_OFFICER:
            unit = unit_of(user)  # a unit officer keeps their unit unless told otherwise
        password = self._password(options, needed=created)
        try:
            with transaction.atomic():
                if created:
                    user = new_user(username)
                if self._details(user, options, password) or created:
                    save_user(user, reason=COMMAND)  # an unchanged account gets no history row
                if options["role"] is not None or options["unit"] is not None:
                    assign_role(user, role, unit=unit, reason=COMMAND)
        except Refused as refusal:
            raise CommandError(str(refusal)) from None
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(("created " if created else "updated ") + describe(user))

    def _details(self, user, options, password: str | None) -> bool:
        """Sets the e-mail, the active flag and the password asked for; whether any changed."""
        changed = password is not None
        if options["email"] is not None and options["email"] != user.email:
            user.email, changed = options["email"], True
        if (options["deactivate"] or options["activate"]) and (
            user.is_active != options["activate"]
        ):
            user.is_active, changed = options["activate"], True
        if password is not None:
            set_password(user, password)
        return changed

    def _unit(self, text: str) -> Unit:
        try:
            return officer_unit(text)
        except Refused as refusal:
            raise CommandError(str(refusal)) from None

    def _password(self, options, *, needed: bool) -> str | None:
        if options["password_from_stdin"]:
            line = sys.stdin.readline().rstrip("\r\n")
            if not line:
                raise CommandError("no password on standard input")
            return line
        if options["set_password"] or (needed and sys.stdin.isatty()):
            first = getpass.getpass("Password: ")
            if first != getpass.getpass("Password (again): "):
                raise CommandError("the two passwords differ")
            return first
        if needed:
            raise CommandError(
                "a new account needs a password: --password-from-stdin or --set-password"
            )
        return None
