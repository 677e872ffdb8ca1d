"""The demo accounts of a first run: one per role, with published passwords (README.md, "Demo
accounts"). staff.backends.StaffBackend refuses them unless DEBUG is on, so a production database
that was once seeded cannot be entered with them.

The appraiser and the admin must pass a second factor like everyone of their role: they get TOTP
devices with a published secret, and `manage.py demo_totp <username>` prints the current code
(with DEBUG on only).
"""

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from provinces.models import Unit
from scoring.models import Edition, Participant
from scoring.permissions import ADMIN, APPRAISER, UNIT_OFFICER
from staff.accounts import DEMO, assign_role, role_in_groups
from staff.backends import DEMO_USERNAMES

# username → (role, password). Published in README.md: never use them outside a demo.
ACCOUNTS = {
    "demo-unit-officer": (UNIT_OFFICER, "demo-officer-par-2024"),
    "demo-appraiser": (APPRAISER, "demo-appraiser-par-2024"),
    "demo-admin": (ADMIN, "demo-admin-par-2024"),
}
assert set(ACCOUNTS) == DEMO_USERNAMES
# The published TOTP secret of the demo appraiser and admin: base32 for an authenticator app,
# hex as django-otp stores it.
TOTP_SECRET_BASE32 = "OBQXELLJNZSGK6BNMRSW23ZNORXXI4BB"
TOTP_KEY_HEX = "7061722d696e6465782d64656d6f2d746f747021"  # b"par-index-demo-totp!"
# Hà Nội, when no demo edition is open.
FALLBACK_UNIT = ("province", "01")


def seed_demo_accounts(**_signal) -> list[str]:
    """Make the demo accounts, or put them back as documented; returns the accounts it made."""
    made = []
    for username, (role, password) in ACCOUNTS.items():
        user, created = get_user_model().objects.get_or_create(username=username)
        if created or not user.check_password(password) or not user.is_active:
            user.set_password(password)
            user.is_active = True
            user._change_reason = DEMO
            user.save()
        unit = demo_unit() if role == UNIT_OFFICER else None
        current_unit = getattr(getattr(user, "unit_assignment", None), "unit", None)
        if role_in_groups(user) != role or current_unit != unit:
            assign_role(user, role, unit=unit, reason=DEMO)
        if role != UNIT_OFFICER:
            TOTPDevice.objects.update_or_create(
                user=user, name="demo", defaults={"key": TOTP_KEY_HEX, "confirmed": True}
            )
        if created:
            made.append(f"created the demo account {username} ({role})")
    return made


def demo_unit() -> Unit:
    """A unit of the demo's open edition (the latest, its first unit by code), so the demo
    officer has something to self-assess; Hà Nội when no demo edition is open."""
    open_ones = Participant.objects.filter(edition__is_demo=True).exclude(
        edition__status__in=[Edition.Status.PUBLISHED, Edition.Status.DRAFT]
    )
    participant = open_ones.select_related("unit").order_by("-edition__year", "unit__code").first()
    if participant is not None:
        return participant.unit
    level, code = FALLBACK_UNIT
    return Unit.objects.filter(level=level, code=code).order_by("-valid_from").first()


def demo_totp_device(username: str) -> TOTPDevice | None:
    if username not in DEMO_USERNAMES:
        return None
    return TOTPDevice.objects.filter(user__username=username, name="demo").first()
