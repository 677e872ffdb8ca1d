"""`make backup` then `make restore` into a fresh database gives back every published edition:
the exports of each, in every format, are byte-identical to the original's (an .xlsx included:
its times are stamped, not the time of writing). On a PostgreSQL server of the test's own, so
the shared one is never written to."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scoring.downloads import FORMATS
from tests.postgres_instance import BIN, SEEDED_DATABASE, PostgresInstance, seeded_data

PROJECT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.skipif(BIN is None, reason="no PostgreSQL server binaries"),
    pytest.mark.server,
]
# Every published edition in every format, written to EXPORTS/<year>-<level>.<format> by
# export_results, all in one process: a Django start-up per file would cost a minute.
EXPORT_ALL = """
import os
from pathlib import Path
from django.core.management import call_command
from scoring.downloads import FORMATS
from scoring.models import Edition
for edition in Edition.objects.published().order_by("year", "level"):
    for fmt in FORMATS:
        output = Path(os.environ["EXPORTS"]) / f"{edition.year}-{edition.level}.{fmt}"
        call_command("export_results", edition.year, level=edition.level, format=fmt, output=output)
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


def exports(database_url: str, directory: Path) -> dict[tuple[str, str, str], bytes]:
    directory.mkdir()
    run(
        [sys.executable, "manage.py", "shell", "-c", EXPORT_ALL],
        database_url,
        EXPORTS=str(directory),
    )
    found = {}
    for file in directory.iterdir():
        year, level = file.stem.split("-")
        found[(year, level, file.suffix[1:])] = file.read_bytes()
    return found


def test_a_restored_backup_exports_every_published_edition_byte_for_byte(
    tmp_path, tmp_path_factory
):
    # The demo, migrated and seeded, and beside it a new database to restore into.
    server = PostgresInstance(copy_of=seeded_data(tmp_path_factory))
    try:
        server.start()
        server.create_database("restored")
        original, restored = server.url(SEEDED_DATABASE), server.url("restored")
        dump = tmp_path / "parindex.dump"

        run(["make", "--no-print-directory", "backup"], original, BACKUP_FILE=str(dump))
        run(["make", "--no-print-directory", "restore"], restored, BACKUP_FILE=str(dump))

        before = exports(original, tmp_path / "original")
        after = exports(restored, tmp_path / "restored")
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
