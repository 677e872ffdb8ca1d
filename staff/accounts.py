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

from files.problems import Message, Refused, register
from provinces.models import Unit
from scoring.models import Edition, UnitAssignment
from scoring.permissions import ADMIN, APPRAISER, ROLES, UNIT_OFFICER, role_of, unit_of

register(
    # Translators: %(role)s is the role name as typed; %(roles)s lists the valid ones.
    unknown_role=gettext_noop("%(role)s is not a role; the roles are %(roles)s"),
    officer_needs_unit=gettext_noop("a unit officer needs the unit they write for"),
    # Translators: %(role)s is a role name (appraiser, admin), kept as written.
    only_officers_have_units=gettext_noop("only a unit officer is bound to a unit, not %(role)s"),
    no_such_unit=gettext_noop("no unit with the code or slug '%(text)s'"),
    # Translators: %(when)s says which year, e.g. "2024 (the year of the open edition)";
    # %(units)s lists units as "slug (name, code, valid dates)"; a slug picks one.
    unit_ambiguous=gettext_noop(
        "'%(text)s' names %(count)s units that exist in %(when)s: %(units)s; give the slug of one"
    ),
    year_of_open_edition=gettext_noop("%(year)s (the year of the open edition)"),
    current_year=gettext_noop("%(year)s (the current year; no edition is open)"),
    unit_not_in_year=gettext_noop(
        "'%(text)s' names no unit that exists in %(when)s, only %(units)s; give the slug of the "
        "unit meant or its code in that year"
    ),
)

# Stages in which an edition is being worked on (a draft is set up by admins only).
OPEN_STAGES = [Edition.Status.SELF_ASSESSMENT, Edition.Status.APPRAISAL, Edition.Status.REVIEW]

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


def working_year(level: str) -> tuple[int, bool]:
    """The year whose units an officer of this level is bound among: that of the latest edition
    being worked on (self-assessment, appraisal or review), else the current year; and whether
    it is an edition's."""
    open_years = Edition.objects.filter(level=level, status__in=OPEN_STAGES).order_by("-year")
    year = open_years.values_list("year", flat=True).first()
    return (year, True) if year is not None else (timezone.localdate().year, False)


def officer_unit(text: str) -> Unit:
    """The unit an officer is bound to, named by its code or slug (`staff_user --unit`).

    Codes were reused by the 2025 merger (01 is Hà Nội before and after it, two units): a code
    binds to the unit it names in the working year of its level, and is refused, naming the
    candidates, when it names none or several there. A slug names one unit, which must exist in
    that year too: an officer writes for a unit that takes part in the edition.
    """
    text = text.strip()
    units = list(Unit.objects.filter(slug=text)) or list(
        Unit.objects.filter(code__iexact=text).prefetch_related("former_names")
    )
    if not units:
        raise Refused([Message("no_such_unit", {"text": text})])
    years = {level: working_year(level) for level in {unit.level for unit in units}}
    valid = [unit for unit in units if unit.exists_in(years[unit.level][0])]
    if len(valid) == 1:
        return valid[0]
    year, of_edition = years[units[0].level]
    params = {
        "text": text,
        "count": len(valid),
        "when": Message("year_of_open_edition" if of_edition else "current_year", {"year": year}),
        "units": "; ".join(_candidate(unit) for unit in (valid or units)),
    }
    raise Refused([Message("unit_ambiguous" if valid else "unit_not_in_year", params)])


def _candidate(unit: Unit) -> str:
    dates = f"{unit.valid_from or '…'} – {unit.valid_until or '…'}"
    return f"{unit.slug} ({unit.name_vi}, {unit.level} {unit.code}, {dates})"


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
