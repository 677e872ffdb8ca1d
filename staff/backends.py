"""Password login for staff. The demo accounts that seed_demo creates have published passwords:
they are refused unless DEBUG is on."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

DEMO_USERNAMES = frozenset({"demo-unit-officer", "demo-appraiser", "demo-admin"})


class StaffBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        if user.get_username() in DEMO_USERNAMES and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)
