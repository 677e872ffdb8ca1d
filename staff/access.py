"""Who may open a staff screen: a signed-in, active user with a staff role, and, for appraisers
and admins, a second factor verified in this session (django-otp). What they may *write* is
scoring.permissions' matrix, checked again by every writer."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django_otp import user_has_device

from scoring.permissions import ADMIN, APPRAISER, ROLES, role_of

# The roles whose accounts must pass a second factor before any staff screen opens.
SECOND_FACTOR_ROLES = frozenset({APPRAISER, ADMIN})


def staff_role(user) -> str | None:
    """The role of a signed-in user, or None (anonymous users have none: role_of(None) is the
    system, which no web request is)."""
    if user is None or not user.is_authenticated:
        return None
    return role_of(user)


def needs_second_factor(user) -> bool:
    """Whether this session must pass a second factor first: always for appraisers and admins
    (superusers included), and for a unit officer who chose to set up a device."""
    role = staff_role(user)
    if role is None or _verified(user):
        return False
    return role in SECOND_FACTOR_ROLES or user_has_device(user)


def _verified(user) -> bool:
    # OTPMiddleware gives request.user is_verified(); a user fresh from authenticate() has none.
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def staff_required(*roles: str):
    """A view for signed-in staff of these roles (all staff roles when none are given)."""
    allowed_roles = frozenset(roles or ROLES)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if needs_second_factor(user):
                return redirect_to_login(
                    request.get_full_path(), login_url=reverse("staff:second_factor")
                )
            if staff_role(user) not in allowed_roles:
                raise PermissionDenied
            request.staff_role = staff_role(user)
            response = view(request, *args, **kwargs)
            # Staff pages show drafts: no browser, proxy or CDN may keep them.
            add_never_cache_headers(response)
            return response

        return wrapper

    return decorator
