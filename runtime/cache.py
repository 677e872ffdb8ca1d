"""The cache as the pages use it: never a reason for an error page, and bounded in bytes.

A cache that cannot be reached (Redis restarting) is a miss when read and nothing when written,
so a page is computed instead of failing; the local-memory backend of a single process is
bounded in bytes as well as in entries.
"""

import contextlib

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


def safe_get(key: str):
    # A cache that cannot be reached (Redis restarting) is a miss, never an error page.
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001
        return None


def safe_set(key: str, value, timeout) -> None:
    with contextlib.suppress(Exception):
        cache.set(key, value, timeout)


class BoundedLocMemCache(LocMemCache):
    """Django's local-memory cache, bounded in bytes (OPTIONS MAX_BYTES) as well as in entries:
    the least recently read entries go first once the stored (pickled) bytes pass the bound."""

    def __init__(self, name, params):
        super().__init__(name, params)
        self._max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES") or 0)

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        super()._set(key, value, timeout)
        if not self._max_bytes:
            return
        # Under the cache's lock (every caller of _set holds it); the newest entry is first.
        total = sum(map(len, self._cache.values()))
        while total > self._max_bytes and len(self._cache) > 1:
            oldest = next(reversed(self._cache))
            total -= len(self._cache[oldest])
            self._delete(oldest)
