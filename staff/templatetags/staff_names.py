"""{{ account|account_name:request }}: an account's user name, or "MoHA staff" where the reader
may not see it (staff/privacy.py)."""

from django import template

from staff import privacy

register = template.Library()


@register.filter
def account_name(user, request) -> str:
    # No account (a row of the system's): empty, for the template's own default.
    return privacy.account_name(user, request) if user is not None else ""
