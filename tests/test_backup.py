"""`make backup` then `make restore` into a fresh database gives back every published edition:
the exports of each, in every format, are byte-identical to the original's (an .xlsx included:
its times are stamped, not the time of writing). On a PostgreSQL server of the test's own, so
the shared one is never written to."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scoring.downloads import FORMATS
from tests.postgres_instance import BIN, PostgresInstance

PROJECT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.skipif(BIN is None, reason="no PostgreSQL server binaries"),
    pytest.mark.server,
]
PUBLISHED = """
from scoring.models import Edition
for edition in Edition.objects.published().order_by("year", "level"):
    print(edition.year, edition.level)
"""


def run(command: list[str], database_url: str, **extra: str) -> bytes:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "backup-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": database_url,
        **extra,
    }
    result = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    return result.stdout


def exports(database_url: str) -> dict[tuple[str, str, str], bytes]:
    manage = [sys.executable, "manage.py"]
    editions = run([*manage, "shell", "-c", PUBLISHED], database_url).decode().split("\n")
    found = {}
    for line in editions:
        if not re.fullmatch(r"\d{4} [a-z]+", line):
            continue  # anything else the shell printed
        year, level = line.split()
        for fmt in FORMATS:
            found[(year, level, fmt)] = run(
                [*manage, "export_results", year, "--level", level, "--format", fmt], database_url
            )
    return found


def test_a_restored_backup_exports_every_published_edition_byte_for_byte(tmp_path):
    server = PostgresInstance()
    try:
        server.start()
        server.create_database("original")
        server.create_database("restored")
        original, restored = server.url("original"), server.url("restored")
        manage = [sys.executable, "manage.py"]
        run([*manage, "migrate", "--no-input", "-v0"], original)
        run([*manage, "seed_demo"], original)
        dump = tmp_path / "parindex.dump"

        run(["make", "--no-print-directory", "backup"], original, BACKUP_FILE=str(dump))
        run(["make", "--no-print-directory", "restore"], restored, BACKUP_FILE=str(dump))

        before, after = exports(original), exports(restored)
    finally:
        server.remove()
    assert sorted({(year, level) for year, level, _fmt in before}) == [
        ("2018", "province"),
        ("2019", "ministry"),
        ("2019", "province"),
        ("2024", "ministry"),
        ("2024", "province"),
        ("2025", "ministry"),
        ("2025", "province"),
    ]
    assert sorted({fmt for _year, _level, fmt in before}) == sorted(FORMATS)
    assert after.keys() == before.keys()
    for key, content in before.items():
        assert content, key
        assert after[key] == content, key
