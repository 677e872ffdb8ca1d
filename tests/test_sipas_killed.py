"""A process killed while it writes a SIPAS file leaves nothing of it: the respondents are
written inside one transaction that never commits. Needs a second process on a real database
server: PostgreSQL only."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection

from surveys.models import SipasRespondent, SipasResult
from tests.conftest import run_import
from tests.sipas_files import generated

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database server"),
    # Transactional, so that the other process sees the database; the reference data of the
    # migrations is restored after the test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
WAIT = 60
# Imports the file, stopping for good once the respondents are written, before the commit.
IMPORTER = """\
import os, pathlib, sys, time
sys.path.insert(0, os.environ["BASE_DIR"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
import django
django.setup()
from surveys import importer
from surveys.models import SipasRespondent
def held(year):
    count = SipasRespondent.objects.filter(year=year).count()
    pathlib.Path(os.environ["MARKER"]).write_text(str(count))
    time.sleep(600)
importer.aggregate_year = held
from django.core.management import call_command
call_command("import_data", "sipas", os.environ["FILE"])
"""


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def test_an_import_killed_after_writing_leaves_nothing_and_the_year_can_be_imported(tmp_path):
    script, marker, data = tmp_path / "importer.py", tmp_path / "written", tmp_path / "s.csv"
    script.write_text(IMPORTER)
    data.write_text(generated(20_000), encoding="utf-8")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "BASE_DIR": str(django_settings.BASE_DIR),
        "MARKER": str(marker),
        "FILE": str(data),
    }
    process = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + WAIT
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the import never finished writing"
        # Written, as the importer itself saw, but not committed: nobody else sees it.
        assert marker.read_text() == "20000"
        assert SipasRespondent.objects.count() == 0
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(WAIT)

    assert SipasRespondent.objects.count() == 0
    assert SipasResult.objects.count() == 0
    # The year's lock died with the process's session: the same file imports now.
    report = run_import("sipas", data.read_text(encoding="utf-8"))
    assert (report.ok, report.created) == (True, 20_000)
