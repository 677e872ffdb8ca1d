"""The data version as the page cache reads it, and what it does when the database is down.

Every public page is stored under a key holding the data version (bumped by every publish and
reopening), so a publish refreshes everything at once. Reading that number is itself a query:
it is remembered for DATA_VERSION_SECONDS in the cache, and the last number ever read is kept
without expiry, so that while the database is unreachable the pages of that version are still
served.
"""

import contextlib

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils.http import http_date

FRESH = "data-version:fresh"
LAST = "data-version:last"


class Version(tuple):
    """(number, Last-Modified as an HTTP date or None)."""

    @property
    def number(self) -> int:
        return self[0]

    @property
    def last_modified(self) -> str | None:
        return self[1]


def data_version() -> Version | None:
    """The current data version, or the last one known while the database cannot be asked;
    None when neither is known (a fresh process during an outage)."""
    found = safe_get(FRESH)
    if found is not None:
        return Version(found)
    from scoring.models import DataVersion

    try:
        row = DataVersion.objects.filter(pk=1).values_list("number", "changed_at").first()
    except DatabaseError:
        found = safe_get(LAST)
        if found is not None:
            # Asked again after a short while, not by every request of the outage.
            safe_set(FRESH, found, settings.DATA_VERSION_SECONDS)
            return Version(found)
        return None
    found = (row[0], http_date(row[1].timestamp())) if row else (0, None)
    safe_set(FRESH, found, settings.DATA_VERSION_SECONDS)
    safe_set(LAST, found, None)
    return Version(found)


def forget_data_version() -> None:
    # A cache outage must not fail a publish.
    with contextlib.suppress(Exception):
        cache.delete(FRESH)


def safe_get(key: str):
    # A cache that cannot be reached (Redis restarting) is a miss, never an error page.
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001
        return None


def safe_set(key: str, value, timeout) -> None:
    with contextlib.suppress(Exception):
        cache.set(key, value, timeout)
