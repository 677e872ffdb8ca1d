"""The data version as the page cache reads it, and what it does when the database is down.

Every public page is stored under a key holding the data version (bumped by every publish and
reopening), so a publish refreshes everything at once. Reading that number is itself a query:
it is remembered for DATA_VERSION_SECONDS by the process and in the cache (a publish forgets
both at once in its own process and in a shared cache; other processes follow within those
seconds), and the last number ever read is kept without expiry, so that while the database is
unreachable the pages of that version are still served.
"""

import contextlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils.http import http_date

from runtime.cache import safe_get, safe_set
from runtime.deadlines import deadline
from scoring.models import DataVersion

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


# This process's copy of FRESH: most requests read neither the database nor the cache for it.
_remembered: tuple[Version, float] | None = None


def data_version() -> Version | None:
    """The current data version, or the last one known while the database cannot be asked;
    None when neither is known (a fresh process during an outage)."""
    global _remembered
    if _remembered is not None and _remembered[1] > time.monotonic():
        return _remembered[0]
    version = _read_data_version()
    if version is not None:
        _remembered = (version, time.monotonic() + settings.DATA_VERSION_SECONDS)
    return version


def data_version_number() -> int:
    """The number every cache key holds: the remembered version above, asked of the database
    only when none is known (it then raises while the database cannot be asked, as the work
    the key is for would)."""
    version = data_version()
    return version.number if version is not None else DataVersion.current()


def _read_data_version() -> Version | None:
    found = safe_get(FRESH)
    if found is not None:
        return Version(found)
    try:
        # A hung database is given under a second here: the page cache answers meanwhile.
        with deadline(settings.DATABASE_QUICK_WAIT_SECONDS):
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
    global _remembered
    _remembered = None
    # A cache outage must not fail a publish.
    with contextlib.suppress(Exception):
        cache.delete(FRESH)
