"""Every import, from the command line or the admin, dry run or not, refused or not, leaves one
ImportBatch: who, which file (name, size, SHA-256), the counts, the outcome and the problems."""

import hashlib
import io
import textwrap
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from scoring.imports import batches, import_file
from scoring.models import ImportBatch
from tests.conftest import run_import

SCORES = textwrap.dedent(
    """\
    year,level,unit,criterion,self_points,appraised_points
    2019,province,01,1.1,8,7.5
    2019,province,31,1.1,7,7
    """
).encode()


def test_a_command_import_is_recorded_with_its_file_counts_and_outcome(province_edition, tmp_path):
    path = tmp_path / "diem.csv"
    path.write_bytes(SCORES)

    call_command("import_data", "scores", str(path), stdout=io.StringIO())

    batch = ImportBatch.objects.get(filename="diem.csv")
    assert (batch.kind, batch.source, batch.dry_run, batch.outcome) == (
        "scores",
        "command",
        False,
        "succeeded",
    )
    assert (batch.size, batch.sha256) == (len(SCORES), hashlib.sha256(SCORES).hexdigest())
    assert (batch.created, batch.updated, batch.unchanged) == (2, 0, 0)
    assert (batch.problem_count, batch.problems, batch.user) == (0, "", None)
    assert batch.finished_at is not None and batch.duration is not None
    assert batch.data is None


def test_a_dry_run_is_recorded_as_one(province_edition):
    run_import("scores", SCORES.decode(), "diem.csv", dry_run=True)

    batch = ImportBatch.objects.get(kind="scores")
    assert (batch.dry_run, batch.outcome, batch.created) == (True, "succeeded", 2)


def test_a_refused_import_leaves_its_batch_with_the_problems_in_english(province_edition, tmp_path):
    path = tmp_path / "sai.csv"
    content = (
        b"year,level,unit,criterion,self_points\n2019,province,01,1.1,9\n2019,province,99,1.1,1\n"
    )
    path.write_bytes(content)

    with pytest.raises(CommandError):
        call_command("import_data", "scores", str(path), stderr=io.StringIO())

    batch = ImportBatch.objects.get(kind="scores")
    assert batch.outcome == "refused"
    assert (batch.size, batch.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert batch.problem_count == 2
    assert batch.problems.splitlines()[0] == (
        "row 2, column self_points: 9 is above the maximum of 8.00"
    )
    assert (batch.created, batch.updated, batch.unchanged) == (0, 0, 0)


def test_a_file_refused_as_a_whole_is_recorded_with_its_size(db):
    report = import_file("scores", b"", "trong.csv")

    batch = ImportBatch.objects.get(kind="scores")
    assert report.batch == batch
    assert (batch.outcome, batch.size, batch.problem_count) == ("refused", 0, 1)
    assert batch.problems == "file trong.csv: the file is empty"


def test_an_admin_import_is_recorded_with_its_user(province_edition):
    user = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "x")

    import_file("scores", SCORES, "diem.xlsx.csv", user=user, via="admin")

    batch = ImportBatch.objects.get(kind="scores")
    assert (batch.user, batch.source) == (user, "admin")


def test_an_import_that_raises_is_recorded_as_failed(province_edition, monkeypatch):
    from scoring.imports.resources import scores

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(scores, "set_self_points", broken)

    with pytest.raises(RuntimeError, match="disk full"):
        import_file("scores", SCORES, "diem.csv")

    batch = ImportBatch.objects.get(kind="scores")
    assert (batch.outcome, batch.problems) == ("failed", "RuntimeError: disk full")


def test_an_admin_preview_that_raises_is_recorded_as_failed(province_edition, monkeypatch):
    from scoring.imports.resources import scores

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(scores, "set_self_points", broken)

    # import-export wraps what the writer raises at the end of its row-by-row import.
    with pytest.raises(Exception, match="disk full"):
        import_file("scores", SCORES, "diem.csv", dry_run=True, via="admin", rows_shown=True)

    batch = ImportBatch.objects.get(kind="scores")
    assert (batch.outcome, batch.problems) == ("failed", "ImportError: disk full")


def test_a_running_batch_without_a_heartbeat_for_a_while_is_shown_as_interrupted(db):
    batch = ImportBatch.objects.create(kind="scores", filename="a.csv", source="task")
    batch.heartbeat_at = timezone.now()
    later = batch.heartbeat_at + timedelta(seconds=batches.stale_seconds() + 1)

    assert batches.state(batch, now=batch.heartbeat_at) == "running"
    assert batches.state(batch, now=later) == "interrupted"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a second connection")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_progress_is_visible_to_others_while_the_import_transaction_is_open(db):
    from django.db import transaction

    batch = ImportBatch.objects.create(kind="scores", filename="a.csv", source="task")
    writer = batches.ProgressWriter(batch, interval=3600)
    with transaction.atomic():
        writer(250, 1000)
        writer.phase("checking")
        # One beat, from the writer's thread (its own connection), while this one's
        # transaction is still open.
        thread = batches.threading.Thread(target=_beat, args=(writer,))
        thread.start()
        thread.join()
        # This transaction started before the beat was committed, but PostgreSQL's default
        # isolation (read committed) lets each statement see what is committed.
        seen = ImportBatch.objects.values_list("done", "total", "phase").get(pk=batch.pk)

    assert writer.written == {"done": 250, "total": 1000, "phase": "checking"}
    assert seen == (250, 1000, "checking")


def _beat(writer):
    try:
        writer.write()
    finally:
        connection.close()
