"""Evidence cannot fill the disk: a unit's files are bounded by a quota (an upload over it is
refused beside its leaf, nothing stored); `manage.py clean_evidence` removes the files nothing
references (a refused post's held file once its day is over), keeping a score's file and every
file the audit trail names (a replaced one), with a dry run that removes nothing."""

import io
import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from scoring.lifecycle import open_self_assessment
from scoring.models import EvidenceFile, Score
from tests.staff_fixtures import staff_user, verified_client
from tests.test_evidence import PDF, _upload

DAY = 24 * 60 * 60


@pytest.fixture
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def hanoi(province_edition):
    open_self_assessment(province_edition, user=None)
    return province_edition.participants.select_related("unit").get(unit__code="01")


@pytest.fixture
def officer(hanoi):
    return staff_user("unit_officer", unit=hanoi.unit, username="canbo-hanoi")


def files_in(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def aged(root, days: float = 2) -> None:
    """Every stored file written `days` ago."""
    then = time.time() - days * DAY
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


def clean(*arguments) -> list[str]:
    out = io.StringIO()
    call_command("clean_evidence", *arguments, stdout=out)
    return out.getvalue().splitlines()


def test_an_upload_over_the_units_quota_is_refused_and_nothing_stored(
    client, hanoi, officer, evidence_root, settings
):
    settings.EVIDENCE_UNIT_QUOTA_BYTES = len(PDF) + len(PDF) // 2
    client = verified_client(client, officer)
    assert _upload(client, hanoi, PDF, "first.pdf").status_code == 302
    assert len(files_in(evidence_root)) == 1, files_in(evidence_root)

    second = _upload(client, hanoi, PDF, "second.pdf")

    assert second.status_code == 200
    assert "second.pdf would take the unit&#x27;s evidence over its" in second.text
    assert len(files_in(evidence_root)) == 1
    assert list(EvidenceFile.objects.values_list("name", flat=True)) == ["first.pdf"]


def test_clean_evidence_removes_what_nothing_references_and_keeps_the_audit_trails(
    client, hanoi, officer, evidence_root
):
    client = verified_client(client, officer)
    _upload(client, hanoi, PDF, "first.pdf")
    replaced = EvidenceFile.objects.get().file.name
    first = Score.objects.get()
    replacing = client.post(
        "/en/staff/self-assessment/",
        {
            "edition": hanoi.edition_id,
            f"points-{first.criterion_id}": "6",
            f"version-{first.criterion_id}": str(first.version),
            f"file-{first.criterion_id}": io.BytesIO(PDF + b"2"),
            f"remove-{first.criterion_id}": str(EvidenceFile.objects.get().pk),
            "action": "save",
        },
    )
    assert replacing.status_code == 302  # replaced: the history names both files
    current = EvidenceFile.objects.get().file.name
    # What a save cut short leaves (a worker killed between storing a file and writing it).
    held = [str(Path(current).parent / "cut-short.pdf")]
    (evidence_root / held[0]).write_bytes(PDF + b"3")

    assert clean("--dry-run") == ["would remove 0 file(s), 0 bytes"]  # it may be a save under way
    aged(evidence_root, days=0.5 / 24)
    assert clean("--dry-run") == ["would remove 0 file(s), 0 bytes"]  # half an hour: still may
    aged(evidence_root)
    size = (evidence_root / held[0]).stat().st_size
    assert clean("--dry-run") == [f"{held[0]}\t{size}", f"would remove 1 file(s), {size} bytes"]
    assert len(files_in(evidence_root)) == 3

    assert clean() == [f"{held[0]}\t{size}", f"removed 1 file(s), {size} bytes"]
    assert files_in(evidence_root) == sorted([replaced, current])
