"""Large files and SIPAS files are checked and imported by the task worker: the file waits in its
batch, the worker records progress there, the page shows it, and a worker killed half-way writes
nothing and leaves a batch shown as interrupted, to be run again."""

import html
import importlib
import io
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from scoring.imports import IMPORTERS, ImportReport, batches
from scoring.imports.tasks import import_batch, queue_file, rerun
from scoring.models import ImportBatch, Score, ScoreChange
from tests.conftest import PROVINCE_PARTICIPANTS, PROVINCE_TREE, imported
from tests.staff_fixtures import verified_client

IMPORT = "/admin/scoring/importbatch/import/"
SCORES = textwrap.dedent(
    """\
    year,level,unit,criterion,self_points,appraised_points
    2019,province,01,1.1,8,8
    2019,province,31,1.1,7,7
    2019,province,10,2.1,5,5
    """
).encode()
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second connection and a second process"
)
WAIT = 60


@pytest.fixture
def admin_client(client, db, settings):
    settings.IMPORT_BACKGROUND_BYTES = 10  # every file goes to the worker
    user = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "x")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return verified_client(client, user)


def _page(client, batch) -> str:
    """The batch page's text, its tags and runs of white space reduced to one space."""
    content = client.get(f"/admin/scoring/importbatch/{batch.pk}/change/").content.decode()
    return " ".join(html.unescape(re.sub(r"<(?!progress|meta)[^>]+>", " ", content)).split())


def test_a_large_file_is_checked_then_imported_by_the_worker(
    admin_client, province_edition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload = admin_client.post(
            IMPORT, {"kind": "scores", "import_file": SimpleUploadedFile("lon.csv", SCORES)}
        )
    check = ImportBatch.objects.get(source="task")
    assert upload["Location"] == f"/admin/scoring/importbatch/{check.pk}/change/"
    assert (check.outcome, check.dry_run, bytes(check.data)) == ("queued", True, SCORES)
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.args_kwargs["args"]) == (
        "scoring.imports.tasks.import_batch",
        [check.pk],
    )
    waiting = _page(admin_client, check)
    assert '<progress id="import-progress" max="100">' in waiting
    assert '<meta http-equiv="refresh" content="2">' in waiting

    assert import_batch.call(check.pk) == "succeeded"

    check.refresh_from_db()
    assert (check.created, check.updated, check.unchanged, check.done, check.total) == (
        3,
        0,
        0,
        3,
        3,
    )
    assert not Score.objects.exists()
    checked = _page(admin_client, check)
    assert "Checked, nothing written: 3 created, 0 updated, 0 unchanged" in checked
    assert 'value="100"' in checked and "refresh" not in checked

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = admin_client.post(f"/admin/scoring/importbatch/{check.pk}/confirm/")
    batch = ImportBatch.objects.get(source="task", dry_run=False)
    assert confirmed["Location"] == f"/admin/scoring/importbatch/{batch.pk}/change/"
    assert (batch.sha256, batch.preview_id) == (check.sha256, check.pk)
    assert ImportBatch.objects.get(pk=check.pk).data is None

    assert import_batch.call(batch.pk) == "succeeded"

    assert Score.objects.count() == 3
    batch.refresh_from_db()
    assert (batch.outcome, batch.created, batch.data) == ("succeeded", 3, None)
    assert "Imported: 3 created, 0 updated, 0 unchanged" in _page(admin_client, batch)


def test_the_progress_endpoint_answers_from_the_batch(admin_client, db):
    batch = ImportBatch.objects.create(
        kind="sipas", filename="sipas.csv", source="task", done=50_000, total=200_000
    )

    state = admin_client.get(f"/admin/scoring/importbatch/{batch.pk}/progress.json").json()

    assert state == {
        "state": "running",
        "label": "Running",
        "phase": "",
        "done": 50_000,
        "total": 200_000,
        "percent": 25,
        "finished": False,
    }


def test_a_refused_file_in_the_background_shows_its_problems_and_no_confirmation(
    admin_client, province_edition
):
    batch = queue_file("scores", b"year,level\n2019,province\n", "sai.csv", user=None, dry_run=True)

    import_batch.call(batch.pk)

    page = _page(admin_client, batch)
    assert "row 1, column unit: required column missing" in page
    assert "Confirm import" not in page


def test_the_command_shows_a_progress_bar_on_stderr_when_asked(province_edition, tmp_path):
    path = tmp_path / "diem.csv"
    path.write_bytes(SCORES)
    out, err = io.StringIO(), io.StringIO()

    call_command("import_data", "scores", str(path), "--progress", stdout=out, stderr=err)

    assert err.getvalue() == f"\r[{'#' * 30}] 100 %  3/3 rows\n"
    assert out.getvalue() == "scores: 3 created, 0 updated, 0 unchanged\n"


def test_the_command_shows_no_progress_bar_when_stderr_is_not_a_terminal(
    province_edition, tmp_path
):
    path = tmp_path / "diem.csv"
    path.write_bytes(SCORES)
    err = io.StringIO()

    call_command("import_data", "scores", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue() == ""


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_writes_progress_that_others_see_while_it_imports(monkeypatch):
    monkeypatch.setattr(batches, "BEAT_SECONDS", 0.01)
    seen = {}

    def importer(source, filename, *, user, source_line, dry_run, progress):
        progress(2, 4)
        seen["batch"] = _from_another_connection(lambda b: b.done == 2)
        progress(4, 4)
        return ImportReport(kind="test", dry_run=dry_run, created=4)

    monkeypatch.setitem(IMPORTERS, "test", importer)
    batch = queue_file("test", b"x", "x.csv", user=None, dry_run=False)

    import_batch.call(batch.pk)

    assert seen["batch"] == ("running", 2, 4)
    batch.refresh_from_db()
    assert (batch.outcome, batch.done, batch.total, batch.created) == ("succeeded", 4, 4, 4)


def _from_another_connection(ready) -> tuple:
    """The running batch as another connection sees it, once `ready(batch)` holds."""
    found = {}

    def look():
        try:
            deadline = time.monotonic() + WAIT
            while time.monotonic() < deadline:
                batch = ImportBatch.objects.get()
                if ready(batch):
                    found["batch"] = (batch.outcome, batch.done, batch.total)
                    return
                time.sleep(0.01)
        finally:
            connection.close()

    thread = threading.Thread(target=look)
    thread.start()
    thread.join()
    return found.get("batch")


# The real worker, with one change: after the writer has written the scores (inside the
# import's transaction, not yet committed), it says so in a file and waits to be killed.
WORKER = """\
import os, pathlib, sys, time
sys.path.insert(0, os.environ["BASE_DIR"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
import django
django.setup()
from scoring.imports.resources import scores
real = scores.set_self_points
def held(*args, **kwargs):
    written = real(*args, **kwargs)
    pathlib.Path(os.environ["MARKER"]).write_text("written")
    time.sleep(600)
    return written
scores.set_self_points = held
from django.core.management import call_command
call_command("db_worker", "--no-startup-delay", "--interval", "0.1", "--no-reload")
"""


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@postgresql_only
@pytest.mark.server
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_half_way_writes_nothing_and_its_batch_can_run_again(tmp_path, settings):
    imported("methodology", PROVINCE_TREE)
    imported("participants", PROVINCE_PARTICIPANTS)
    script, marker = tmp_path / "worker.py", tmp_path / "written"
    script.write_text(WORKER)
    batch = queue_file("scores", SCORES, "diem.csv", user=None, dry_run=False)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "BASE_DIR": str(django_settings.BASE_DIR),
        "MARKER": str(marker),
    }
    worker = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + WAIT
        while not marker.exists() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the worker never reached the writer"
        running = ImportBatch.objects.get(pk=batch.pk)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(WAIT)

    # The scores were written, uncommitted, when the worker died: the database dropped them.
    assert running.outcome == "running"
    assert Score.objects.count() == 0
    assert ScoreChange.objects.count() == 0
    batch.refresh_from_db()
    assert batch.outcome == "running"
    assert batches.state(batch) == "running"
    settings.IMPORT_STALE_SECONDS = 0
    assert batches.state(batch) == "interrupted"
    assert bytes(batch.data) == SCORES

    again = rerun(batch, user=None)
    assert import_batch.call(again.pk) == "succeeded"

    assert Score.objects.count() == 3
    assert ImportBatch.objects.get(pk=batch.pk).outcome == "interrupted"
    assert again.sha256 == batch.sha256


def test_a_task_queued_before_the_import_machinery_moved_still_finds_its_function(db):
    moved = importlib.import_module("scoring.migrations.0010_import_task_moved_to_imports_package")
    queued = DBTaskResult.objects.create(
        task_path="scoring.tasks.import_batch",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        exception_class_path="scoring.batches.Interrupted",
    )

    moved.forwards(django_apps, None)

    queued.refresh_from_db()
    assert (queued.task_path, queued.exception_class_path) == (
        "scoring.imports.tasks.import_batch",
        "scoring.imports.batches.Interrupted",
    )
    assert queued.task.func is import_batch.func
