"""Staff accounts: who has which role and, for a unit officer, which unit.

A role is one of the groups of scoring.permissions.ROLES; a unit officer is bound to exactly one
unit (a UnitAssignment), the other roles to none. The command (`manage.py staff_user`) and the
Django admin both go through assign_role, so neither can leave an officer without a unit or an
appraiser with one. django-simple-history keeps every change to a user, their groups and their
unit assignment; each change carries the acting user and where it came from ("command",
"admin", "demo") as its change reason.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from scoring.models import UnitAssignment
from scoring.permissions import ADMIN, APPRAISER, ROLES, UNIT_OFFICER, role_of, unit_of
from scoring.problems import Message, Refused, register

register(
    # Translators: %(role)s is the role name as typed; %(roles)s lists the valid ones.
    unknown_role=gettext_noop("%(role)s is not a role; the roles are %(roles)s"),
    officer_needs_unit=gettext_noop("a unit officer needs the unit they write for"),
    # Translators: %(role)s is a role name (appraiser, admin), kept as written.
    only_officers_have_units=gettext_noop("only a unit officer is bound to a unit, not %(role)s"),
)

COMMAND = "command"
ADMIN_SITE = "admin"
DEMO = "demo"

# The roles as people read them; the group names stay the code's.
ROLE_NAMES = {
    UNIT_OFFICER: gettext_lazy("Unit officer"),
    APPRAISER: gettext_lazy("Appraiser"),
    ADMIN: gettext_lazy("Admin"),
}


def role_name(role: str) -> str:
    """A role's name in the active language; an unknown group name as it is."""
    return str(ROLE_NAMES.get(role, role))


def role_problems(role: str | None, unit) -> list[Message]:
    """What is wrong with giving an account this role and unit (None: no role, no unit)."""
    if role is not None and role not in ROLES:
        return [Message("unknown_role", {"role": role, "roles": ", ".join(ROLES)})]
    if role == UNIT_OFFICER and unit is None:
        return [Message("officer_needs_unit")]
    if role != UNIT_OFFICER and unit is not None:
        return [Message("only_officers_have_units", {"role": role or "-"})]
    return []


def assign_role(user, role: str | None, *, unit=None, by=None, reason: str) -> None:
    """Give `user` exactly this role (and unit), recording the change as made by `by`.

    Raises Refused, writing nothing, when the role and unit break the rules of role_problems.
    Unchanged groups and assignments are left alone, so their history only shows changes.
    """
    problems = role_problems(role, unit)
    if problems:
        raise Refused(problems)
    _record_as(user, by, reason)
    wanted = [role] if role else []
    with transaction.atomic():
        held = list(user.groups.all())
        stale = [group for group in held if group.name not in wanted]
        missing = list(Group.objects.filter(name__in=wanted).exclude(pk__in=[g.pk for g in held]))
        if stale and missing:
            # A change of role is one row of history: the removal is recorded with the addition.
            user.skip_history_when_saving = True
            try:
                user.groups.remove(*stale)
            finally:
                del user.skip_history_when_saving
        elif stale:
            user.groups.remove(*stale)
        if missing:
            user.groups.add(*missing)
        assignment = UnitAssignment.objects.filter(user=user).first()
        if unit is None and assignment is not None:
            _record_as(assignment, by, reason)
            assignment.delete()
        elif unit is not None and assignment is None:
            assignment = UnitAssignment(user=user, unit=unit)
            _record_as(assignment, by, reason)
            assignment.save()
        elif unit is not None and assignment.unit_id != unit.pk:
            assignment.unit = unit
            _record_as(assignment, by, reason)
            assignment.save()
    # The user object may hold its old assignment in its relation cache.
    user._state.fields_cache.pop("unit_assignment", None)


def save_user(user, *, by=None, reason: str) -> None:
    """Save the user's own fields (name, email, active, password) with the change recorded."""
    _record_as(user, by, reason)
    user.save()


def set_password(user, password: str) -> None:
    """Set a password that passes the project's validators (settings.AUTH_PASSWORD_VALIDATORS);
    raises ValidationError with their messages otherwise. The caller saves the user."""
    validate_password(password, user)
    user.set_password(password)


def new_user(username: str, *, email: str = ""):
    """A new, active account, not yet saved, without a usable password until one is set."""
    user = get_user_model()(username=username, email=email)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    return user


def role_in_groups(user) -> str | None:
    """The role group the account holds, active or not (role_of answers None for an inactive
    account and admin for a superuser: who may act, not what was assigned)."""
    names = {group.name for group in user.groups.all()}
    return next((role for role in ROLES if role in names), None)


def describe(user) -> str:
    """One line per account, as `staff_user --list` prints it."""
    role = role_of(user) if user.is_active else None
    unit = unit_of(user)
    parts = [user.get_username(), role or "-"]
    if unit is not None:
        parts.append(f"{unit.level} {unit.code}")
    if user.is_superuser:
        parts.append("superuser")
    if not user.is_active:
        parts.append("inactive")
    return " ".join(parts)


def _record_as(instance, by, reason: str) -> None:
    # django-simple-history reads these two attributes when it writes the history row (of a
    # save and of a change to the groups alike); a web request's user is taken from the
    # request when `by` is None.
    if by is not None:
        instance._history_user = by
    instance._change_reason = reason


def record_last_login(sender, user, **kwargs) -> None:
    """Django's update_last_login without a save: the time of a sign-in is not a change to the
    account, and history is kept for changes (last_login is left out of it)."""
    user.last_login = timezone.now()
    type(user).objects.filter(pk=user.pk).update(last_login=user.last_login)
