"""Staff accounts for tests: plain helpers, imported where needed (not registered as a plugin).

    from tests.staff_fixtures import staff_user, verified_client, staff_client

    officer = staff_user("unit_officer", unit=unit)          # bound to that unit
    appraiser = staff_user("appraiser")
    client = verified_client(client, appraiser)              # signed in, second factor passed
    client = staff_client(client, "admin")                   # both at once

A user made here has exactly one role group (and, for a unit officer, one UnitAssignment);
appraisers and admins also have a confirmed TOTP device (a unit officer has none unless
verified_client gives them one: an officer who has a device must pass it, staff.access).
verified_client signs the user in on the test client and marks the session
as having passed that device, as staff:second_factor does after a correct code. For an admin
superuser (the Django admin tests), make the user with create_superuser, then call
verified_client on it: a device is added when the user has none.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from scoring.models import UnitAssignment
from scoring.permissions import UNIT_OFFICER

PASSWORD = "correct horse battery staple 42"


def staff_user(role: str, *, unit=None, username: str | None = None, password: str = PASSWORD):
    """A user with this role (a Group name of scoring.permissions.ROLES); a unit officer needs
    `unit`, the unit they write for; an appraiser or admin gets a confirmed TOTP device."""
    if (role == UNIT_OFFICER) != (unit is not None):
        raise ValueError("a unit officer needs a unit; other roles have none")
    user = get_user_model().objects.create_user(
        username or f"{role.replace('_', '-')}-{get_user_model().objects.count() + 1}",
        password=password,
    )
    user.groups.add(Group.objects.get(name=role))
    if unit is not None:
        UnitAssignment.objects.create(user=user, unit=unit)
    else:
        totp_device(user)
    return user


def totp_device(user) -> TOTPDevice:
    """The user's confirmed TOTP device, made if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def verified_client(client, user):
    """The test client signed in as `user`, the second factor passed in this session."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    return client


def staff_client(client, role: str, *, unit=None):
    """The test client signed in (second factor passed) as a new user of this role."""
    return verified_client(client, staff_user(role, unit=unit))


def notified_team(edition, *, appraisers=("tham", "dinh")) -> dict:
    """The people the notification tests tell: two officers of Hà Nội, one of Hải Phòng, one of
    Lào Cai without an address, an inactive officer of Lào Cai, the named appraisers ("dinh"
    without an address) and an admin, by user name."""
    unit = {p.unit.code: p.unit for p in edition.participants.select_related("unit")}
    people = {
        "lan": staff_user(UNIT_OFFICER, unit=unit["01"], username="lan"),
        "minh": staff_user(UNIT_OFFICER, unit=unit["01"], username="minh"),
        "hoa": staff_user(UNIT_OFFICER, unit=unit["31"], username="hoa"),
        "khong-thu": staff_user(UNIT_OFFICER, unit=unit["10"], username="khong-thu"),
        "nghi": staff_user(UNIT_OFFICER, unit=unit["10"], username="nghi"),
        **{name: staff_user("appraiser", username=name) for name in appraisers},
        "quantri": staff_user("admin", username="quantri"),
    }
    for name, user in people.items():
        user.email = "" if name in ("khong-thu", "dinh") else f"{name}@example.vn"
        user.is_active = name != "nghi"
        user.save()
    return people
