"""A deadline on every wait for PostgreSQL in the web server, kept by the client.

A database that is stopped refuses connections at once, but one that hangs (a frozen process,
a full disk, a lost network) still lets the kernel accept connections and acknowledge queries,
and libpq then waits forever: statement_timeout and TCP keepalives, both answered by the
server's side, cannot end that wait. psycopg2 calls a wait callback whenever it would block;
this one waits at most until the current deadline and then raises OperationalError (psycopg2
then closes the connection), which the site answers as a 503 (or, for the data version, with
the last one known).

Installed only by the web server (parindex/wsgi.py): the task worker and the management commands
run long imports with COPY, which psycopg2 does not allow under a wait callback.
"""

import contextlib
import select
import threading
import time

import psycopg2
from django.conf import settings
from psycopg2 import extensions

_local = threading.local()


def install() -> None:
    extensions.set_wait_callback(wait)


def uninstall() -> None:
    extensions.set_wait_callback(None)


@contextlib.contextmanager
def deadline(seconds: float):
    """Every database wait inside the block ends within `seconds` (the data-version read and
    the readiness check: a reader never waits on a hung database for a cached page)."""
    previous = getattr(_local, "seconds", None)
    _local.seconds = seconds
    try:
        yield
    finally:
        _local.seconds = previous


def wait(connection) -> None:
    seconds = getattr(_local, "seconds", None) or settings.DATABASE_WAIT_SECONDS
    if connection.status == extensions.STATUS_SETUP:
        # Connecting: libpq's own connect_timeout is not applied to a connection made this way.
        options = settings.DATABASES["default"].get("OPTIONS", {})
        seconds = min(seconds, options.get("connect_timeout") or seconds)
    ends = time.monotonic() + seconds
    while True:
        state = connection.poll()
        if state == extensions.POLL_OK:
            return
        left = ends - time.monotonic()
        if left <= 0:
            # psycopg2 closes the connection when its wait callback raises (closing it here,
            # inside the call that holds it, would deadlock).
            raise psycopg2.OperationalError(f"the database did not answer within {seconds:g} s")
        if state == extensions.POLL_READ:
            select.select([connection.fileno()], [], [], left)
        elif state == extensions.POLL_WRITE:
            select.select([], [connection.fileno()], [], left)
        else:
            raise psycopg2.OperationalError(f"unexpected poll state {state}")
