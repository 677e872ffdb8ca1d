"""Password login for staff. The demo accounts that seed_demo creates have published passwords:
they are refused unless DEBUG is on. Failed sign-ins are counted per client address whatever
the user name, and an address over SIGN_IN_FAILURES_PER_ADDRESS is refused before any password
is hashed: distinct unknown user names are no longer a free CPU sink, and django-axes' lockout
(per user name and address) cannot be dodged by changing the name."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from runtime.cache import safe_get
from runtime.clients import client_address

DEMO_USERNAMES = frozenset({"demo-unit-officer", "demo-appraiser", "demo-admin"})


class StaffBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        if user.get_username() in DEMO_USERNAMES and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)


def _failures_key(request) -> str:
    return f"sign-in-failures:{client_address(request)}"


class AddressThrottleBackend:
    """First of the backends: an address with too many recent failures is refused at once (the
    middleware answers 429, parindex.middleware.SignInThrottleMiddleware). It signs nobody in,
    so it has no get_user (a test's force_login takes the first backend that has one)."""

    def authenticate(self, request, **credentials):
        if request is None:
            return None
        failures = safe_get(_failures_key(request)) or 0
        if failures >= settings.SIGN_IN_FAILURES_PER_ADDRESS:
            request.sign_in_throttled = True
            raise PermissionDenied
        return None


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs) -> None:
    # Refused tries are not counted: the window runs from the failures that filled it.
    if request is None or getattr(request, "sign_in_throttled", False):
        return
    from django.core.cache import cache

    key = _failures_key(request)
    try:
        cache.add(key, 0, settings.SIGN_IN_THROTTLE_SECONDS)
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, settings.SIGN_IN_THROTTLE_SECONDS)
    except Exception:  # noqa: BLE001 - a cache outage must not fail a sign-in page
        pass
