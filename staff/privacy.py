"""Which staff account names a staff screen shows its reader (docs/rules.md, "Privacy").

A unit officer reads the user names of their own unit's accounts (their own and their
colleagues'); every other account (an appraiser, an admin, another unit's officer) is shown to
them as "MoHA staff", so the list of the ministry's accounts never leaves the ministry.
Appraisers and admins read every name, as the audit trail is theirs to follow.
"""

from django.utils.translation import gettext_lazy as _

from scoring.models import UnitAssignment
from scoring.permissions import UNIT_OFFICER, unit_of
from staff.access import staff_role

MINISTRY_STAFF = _("MoHA staff")


def names_shown(request) -> frozenset[int] | None:
    """The ids of the accounts whose names this reader may see, or None for every account;
    read once per request."""
    if not hasattr(request, "_names_shown"):
        user = getattr(request, "user", None)
        role = getattr(request, "staff_role", None) or staff_role(user)
        if role != UNIT_OFFICER:
            request._names_shown = None
        else:
            unit = unit_of(user)
            colleagues = (
                UnitAssignment.objects.filter(unit=unit).values_list("user_id", flat=True)
                if unit is not None
                else []
            )
            request._names_shown = frozenset({user.pk, *colleagues})
    return request._names_shown


def account_name(user, request) -> str:
    """The name a reader sees for an account."""
    shown = names_shown(request)
    if shown is None or user.pk in shown:
        return user.get_username()
    return str(MINISTRY_STAFF)


def visible_accounts(request, accounts):
    """The accounts a reader may pick by name (a Person filter): all, or their unit's."""
    shown = names_shown(request)
    return accounts if shown is None else accounts.filter(pk__in=shown)
