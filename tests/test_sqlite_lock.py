"""Two imports at once on the embedded SQLite: each write transaction takes the lock when it
begins and waits its turn (SQLITE_BUSY_TIMEOUT), so the second import waits for the first, or,
past the timeout, is refused with a clear message: never a traceback ("database is locked")."""

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROVINCE_TREE

PROJECT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, "manage.py"]
pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    directory = tmp_path_factory.mktemp("sqlite")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DATABASE_URL": f"sqlite:///{directory / 'portal.db'}",
    }
    run(["migrate", "--no-input", "-v0"], env, check=True)
    tree = directory / "tree.csv"
    tree.write_text(PROVINCE_TREE, encoding="utf-8")
    return directory / "portal.db", tree, env


def run(arguments, env, check=False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*MANAGE, *arguments],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


def start(arguments, env) -> subprocess.Popen:
    return subprocess.Popen(
        [*MANAGE, *arguments],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def errors_once_ended(process: subprocess.Popen) -> str:
    """Its standard error once it has ended; past two minutes it is stopped, and fails."""
    try:
        return process.communicate(timeout=120)[1]
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise


@contextlib.contextmanager
def write_lock_held(path: Path):
    """Another writer (a first import) holding SQLite's write lock."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def has_open(process: subprocess.Popen, path: Path) -> bool:
    """Whether the process has opened the database: import_data's first use of it is a write
    (the ImportBatch row it opens), so from then on it is at the lock."""
    found = set()
    for descriptor in Path(f"/proc/{process.pid}/fd").glob("*"):
        with contextlib.suppress(OSError):  # closed meanwhile
            found.add(os.readlink(descriptor))
    return str(path) in found


def test_the_embedded_database_takes_write_locks_at_once_and_waits_its_turn(embedded):
    path, _tree, env = embedded

    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()


def test_a_second_import_waits_for_the_first(embedded):
    path, tree, env = embedded
    with write_lock_held(path):
        second = start(
            ["import_data", "methodology", str(tree), "--dry-run"],
            {**env, "SQLITE_BUSY_TIMEOUT": "10"},
        )
        deadline = time.monotonic() + 120
        while not has_open(second, path) and second.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        # Held on for a while once the second reached it: the second waits meanwhile (well
        # within its busy timeout) instead of failing or writing.
        time.sleep(3)
        waited = second.poll() is None
    errors = errors_once_ended(second)

    assert waited, errors
    assert second.returncode == 0, errors
    assert "Traceback" not in errors


def test_past_the_busy_timeout_a_second_import_is_refused_with_a_clear_message(embedded):
    path, tree, env = embedded
    # The lock is held for as long as the second import runs.
    with write_lock_held(path):
        second = start(
            ["import_data", "methodology", str(tree)], {**env, "SQLITE_BUSY_TIMEOUT": "1"}
        )
        errors = errors_once_ended(second)

    assert second.returncode == 1
    assert "Traceback" not in errors
    assert errors.strip().endswith(
        "the database is busy with another import; nothing of tree.csv was imported: "
        "run it again once that import has finished"
    )
