"""A database outage, on a PostgreSQL server of the test's own that it stops and starts: pages
already cached keep answering 200, others answer the friendly 503 in both languages, a staff
form's values come back on that page, liveness stays up while readiness says 503, and service
resumes by itself when the database returns, without restarting the app. The same server frozen
(SIGSTOP: it accepts connections and never answers): cached pages still answer at once, /readyz
says 503 within 2 s, other pages a 503 once the web server's deadline passes."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.postgres_instance import BIN, SEEDED_DATABASE, PostgresInstance, seeded_data

PROJECT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.skipif(BIN is None, reason="no PostgreSQL server binaries"),
    pytest.mark.server,
]

CACHED = ["/vi/rankings/2019/province/", "/en/rankings/2019/province/"]
CACHED_CHART = "/en/charts/ranking/2019/province.svg"
UNCACHED = {"vi": "/vi/units/ha-noi/", "en": "/en/units/ha-noi/"}


def request(port: int, path: str, data: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) of one request; an HTTP error is an answer too."""
    call = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(call, timeout=15) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def wait_until(check, attempts: int = 120) -> bool:
    for _attempt in range(attempts):
        if check():
            return True
        time.sleep(0.5)
    return False


def _site(tmp_path_factory, **extra_env: str):
    """A gunicorn serving the demo from a PostgreSQL of its own: (database, port)."""
    database = PostgresInstance(copy_of=seeded_data(tmp_path_factory))
    database.start()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)},
        "DEBUG": "0",
        "SECRET_KEY": "outage-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database.url(SEEDED_DATABASE),
        "DATABASE_CONNECT_TIMEOUT": "2",
        "DATA_VERSION_SECONDS": "1",
        "DATABASE_WAIT_SECONDS": "3",
        "PAGE_CACHE": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        # One worker: its local-memory cache holds what the test made it cache.
        "GUNICORN_WORKERS": "1",
        **extra_env,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "parindex.wsgi"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_until(lambda: _status(port, "/healthz") == 200)
        yield database, port
    finally:
        server.terminate()
        server.wait(timeout=30)
        database.remove()


@pytest.fixture(scope="module")
def outage_site(tmp_path_factory):
    yield from _site(tmp_path_factory)


@pytest.fixture(scope="module")
def shared_cache_site(tmp_path_factory):
    """Three workers sharing Redis, the documented production cache (.ci/run starts a Redis;
    a prefix of the test's own keeps other runs' pages apart)."""
    yield from _site(
        tmp_path_factory,
        GUNICORN_WORKERS="3",
        CACHE_URL="redis://127.0.0.1:6379/11",
        CACHE_KEY_PREFIX=f"outage-{os.getpid()}-{time.time_ns()}",
    )


def _status(port: int, path: str) -> int:
    try:
        return request(port, path)[0]
    except OSError:
        return 0


def test_the_site_survives_a_database_outage_and_resumes_by_itself(outage_site):
    database, port = outage_site
    before = {path: request(port, path) for path in [*CACHED, CACHED_CHART]}
    assert {path: answer[0] for path, answer in before.items()} == dict.fromkeys(before, 200)
    status, headers, login = request(port, "/en/staff/login/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
    cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)

    database.stop()

    # Pages read before the outage: the same 200 and bytes, from the cache.
    for path, (_status_before, _headers, body) in before.items():
        status, _headers, again = request(port, path)
        assert (path, status, again == body) == (path, 200, True)
    # Pages never read: the 503 page in the reader's language, with a time to retry.
    for language, path in UNCACHED.items():
        status, headers, body = request(port, path)
        assert (status, headers["Retry-After"]) == (503, "30")
        assert f'<html lang="{language}">' in body
    # A staff form sent during the outage: refused cleanly, its values shown back to copy.
    status, _headers, body = request(
        port,
        "/en/staff/login/",
        data=f"csrfmiddlewaretoken={token}&username=officer-7&password=not-shown".encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
        },
    )
    assert status == 503
    assert "<dt>username</dt><dd><pre>officer-7</pre></dd>" in body
    assert "not-shown" not in body
    assert _status(port, "/healthz") == 200
    assert _status(port, "/readyz") == 503

    database.start()

    assert wait_until(lambda: _status(port, "/readyz") == 200)
    status, _headers, body = request(port, UNCACHED["en"])
    assert status == 200
    assert "Ha Noi" in body or "Hà Nội" in body


def _server_processes(database: PostgresInstance) -> list[int]:
    """The postmaster and every process it started (the backends holding connections)."""
    postmaster = int((database.directory / "data" / "postmaster.pid").read_text().split()[0])
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == postmaster:
            children.append(int(stat.parent.name))
    return [postmaster, *children]


def _timed(port: int, path: str):
    started = time.monotonic()
    status, headers, body = request(port, path)
    return status, body, time.monotonic() - started


def test_a_frozen_database_leaves_cached_pages_up_and_readiness_answers_at_once(outage_site):
    database, port = outage_site
    assert wait_until(lambda: _status(port, "/readyz") == 200)
    before = {path: request(port, path) for path in [*CACHED, CACHED_CHART]}
    assert {path: answer[0] for path, answer in before.items()} == dict.fromkeys(before, 200)
    frozen = _server_processes(database)
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    try:
        for path, (_status_before, _headers, body) in before.items():
            status, again, seconds = _timed(port, path)
            assert (path, status, again == body) == (path, 200, True)
            assert seconds < 2, (path, seconds)
        status, _body, seconds = _timed(port, "/readyz")
        assert status == 503
        assert seconds < 2
        assert _status(port, "/healthz") == 200
        # Never read while the database answered (the test above read only the English one).
        status, body, seconds = _timed(port, UNCACHED["vi"])
        assert status == 503
        assert seconds < 3 + 2  # DATABASE_WAIT_SECONDS, and the page's own work
        # Cached pages keep answering between the requests that wait.
        assert request(port, CACHED[0])[0] == 200
    finally:
        for pid in frozen:
            os.kill(pid, signal.SIGCONT)

    assert wait_until(lambda: _status(port, "/readyz") == 200)
    status, _headers, body = request(port, UNCACHED["vi"])
    assert status == 200


def test_with_a_shared_cache_every_worker_answers_every_cached_page_through_an_outage(
    shared_cache_site,
):
    database, port = shared_cache_site
    # Each page drawn once, by whichever worker took the request.
    before = {path: request(port, path) for path in [*CACHED, CACHED_CHART]}
    assert {path: answer[0] for path, answer in before.items()} == dict.fromkeys(before, 200)

    database.stop()
    try:
        # Twelve requests a page spread over the three workers, most of which never drew it
        # nor read the data version from the database.
        answers = [(path, *request(port, path)[::2]) for path in before for _attempt in range(12)]
        assert answers == [
            (path, 200, before[path][2]) for path in before for _attempt in range(12)
        ]
        assert _status(port, "/readyz") == 503
    finally:
        database.start()
