"""The migration to several evidence files per sub-criterion: each score's one file becomes its
first EvidenceFile row (with the SHA-256 its upload's audit row recorded), and back."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("scoring", "0010_import_task_moved_to_imports_package")
AFTER = ("scoring", "0011_several_evidence_files_and_addresses_per_score")
DIGEST = "9e8b17f0a30d54671130541bf59eb12302c8c315986e6d63995d6f26d9326e17"


def _apps(target):
    return MigrationExecutor(connection).loader.project_state(target).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_scores_file_moves_into_an_evidence_file_row_and_back():
    call_command("migrate", *BEFORE, verbosity=0)
    apps = _apps(BEFORE)
    unit = apps.get_model("provinces", "Unit").objects.get(code="01", valid_until__isnull=True)
    edition = apps.get_model("scoring", "Edition").objects.create(year=2019, level="province")
    leaf = apps.get_model("scoring", "Criterion").objects.create(
        edition=edition, code="1.1", sort_key="0001.0001", name_vi="1.1", max_points=8
    )
    participant = apps.get_model("scoring", "Participant").objects.create(
        edition=edition, unit=unit
    )
    Score = apps.get_model("scoring", "Score")
    with_file = Score.objects.create(
        participant=participant,
        criterion=leaf,
        evidence_url="https://hanoi.gov.vn/a.pdf",
        evidence_file="2019-province/01/abc.pdf",
        evidence_name="Kế hoạch.pdf",
        evidence_type="application/pdf",
    )
    apps.get_model("scoring", "ScoreChange").objects.create(
        score=with_file,
        column="evidence_file",
        new_value=f"2019-province/01/abc.pdf sha256={DIGEST}",
    )

    call_command("migrate", *AFTER, verbosity=0)

    moved = _apps(AFTER).get_model("scoring", "EvidenceFile").objects.get()
    assert (moved.score_id, moved.file.name, moved.name, moved.content_type, moved.sha256) == (
        with_file.pk,
        "2019-province/01/abc.pdf",
        "Kế hoạch.pdf",
        "application/pdf",
        DIGEST,
    )
    assert moved.reply_id is None

    call_command("migrate", *BEFORE, verbosity=0)

    back = _apps(BEFORE).get_model("scoring", "Score").objects.get()
    assert (back.evidence_file.name, back.evidence_name, back.evidence_type, back.evidence_url) == (
        "2019-province/01/abc.pdf",
        "Kế hoạch.pdf",
        "application/pdf",
        "https://hanoi.gov.vn/a.pdf",
    )
    call_command("migrate", verbosity=0)
