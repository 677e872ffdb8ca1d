"""Two imports at once on the embedded SQLite: each write transaction takes the lock when it
begins and waits its turn (SQLITE_BUSY_TIMEOUT), so the second import waits for the first, or,
past the timeout, is refused with a clear message: never a traceback ("database is locked")."""

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import PROVINCE_TREE

PROJECT = Path(__file__).resolve().parent.parent
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
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


def holding_the_write_lock(path: Path, seconds: float) -> threading.Thread:
    """Another writer (a first import) holding SQLite's write lock for a while."""
    ready = threading.Event()

    def hold():
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        ready.set()
        time.sleep(seconds)
        other.execute("ROLLBACK")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait()
    return thread


def test_the_embedded_database_takes_write_locks_at_once_and_waits_its_turn(embedded):
    path, _tree, env = embedded

    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()


def test_a_second_import_waits_for_the_first(embedded):
    path, tree, env = embedded
    started = time.monotonic()
    first = holding_the_write_lock(path, 15)

    second = run(["import_data", "methodology", str(tree), "--dry-run"], env)
    first.join()

    assert second.returncode == 0, second.stderr
    assert "Traceback" not in second.stderr
    assert time.monotonic() - started >= 15  # it could not write before the first let go


def test_past_the_busy_timeout_a_second_import_is_refused_with_a_clear_message(embedded):
    path, tree, env = embedded
    # Longer than the command takes to start and read its file.
    first = holding_the_write_lock(path, 40)

    second = run(["import_data", "methodology", str(tree)], {**env, "SQLITE_BUSY_TIMEOUT": "1"})
    first.join()

    assert second.returncode == 1
    assert "Traceback" not in second.stderr
    assert second.stderr.strip().endswith(
        "the database is busy with another import; nothing of tree.csv was imported: "
        "run it again once that import has finished"
    )
