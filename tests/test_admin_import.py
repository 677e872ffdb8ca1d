"""Importing through the admin: upload, a preview with each row's status and changes and the
command's own counts and messages, confirm the very bytes previewed, done; admins only; blank
files to fill in for every kind."""

import contextlib
import csv
import html
import io
import re
import tempfile
import textwrap
from pathlib import Path

import pytest
from django.contrib.admin import site
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from openpyxl import load_workbook

from scoring import blank
from scoring.imports import kinds
from scoring.models import ImportBatch, Score
from tests.staff_fixtures import staff_user, verified_client

IMPORT = "/admin/scoring/importbatch/import/"
CONFIRM = "/admin/scoring/importbatch/process_import/"

# Against scored_provinces: Hà Nội 1.1 is 8 / 7.5 already (changes), Hải Phòng 2.1 is 4 / 4
# already (unchanged), Lào Cai 1.1 is 6 / 6 (changes).
SCORES = textwrap.dedent(
    """\
    year,level,unit,criterion,self_points,appraised_points,appraisal_reason
    2019,province,01,1.1,8,8,
    2019,province,31,2.1,4,4,
    2019,province,10,1.1,7,6.5,Chưa đạt
    """
).encode()


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "x")
    # In English, as the command prints its messages; the Vietnamese page is tested apart.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return verified_client(client, user)


def _upload(client, kind: str, content: bytes, name: str = "diem.csv"):
    return client.post(IMPORT, {"kind": kind, "import_file": SimpleUploadedFile(name, content)})


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _dry_run(kind: str, content: bytes, tmp_path, name: str = "diem.csv") -> tuple[str, str]:
    path = tmp_path / name
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    # A refusal raises CommandError; its lines on stderr are what is compared.
    with contextlib.suppress(CommandError):
        call_command("import_data", kind, str(path), "--dry-run", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_preview_shows_each_row_its_changes_and_the_commands_counts(
    admin_client, scored_provinces, tmp_path
):
    response = _upload(admin_client, "scores", SCORES)

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row.label, row.status) for row in rows] == [
        ("01 1.1", "updated"),
        ("31 2.1", "unchanged"),
        ("10 1.1", "updated"),
    ]
    # A blank reason keeps the stored one, as the writer does.
    assert rows[0].changes == [("appraised_points", "7.50", "8.00")]
    assert rows[2].changes == [
        ("self_points", "6.00", "7.00"),
        ("appraised_points", "6.00", "6.50"),
        ("appraisal_reason", "", "Chưa đạt"),
    ]
    report = response.context["report"]
    assert (report.created, report.updated, report.unchanged) == (0, 2, 1)
    out, _ = _dry_run("scores", SCORES, tmp_path)
    assert out.strip().splitlines()[-1] == (
        "scores (dry run, nothing written): 0 created, 2 updated, 1 unchanged"
    )
    assert "0 created, 2 updated, 1 unchanged" in _text(response)
    assert 'name="confirm"' in response.content.decode()
    assert Score.objects.get(participant__unit__code="10", criterion__code="1.1").self_points == 6


def test_confirming_imports_the_previewed_bytes_and_shows_the_batch(admin_client, scored_provinces):
    preview = _upload(admin_client, "scores", SCORES)
    confirm = preview.context["confirm_form"].initial

    done = admin_client.post(CONFIRM, confirm)

    batch = ImportBatch.objects.get(kind="scores", source="admin", dry_run=False)
    assert done.status_code == 302
    assert done["Location"] == f"/admin/scoring/importbatch/{batch.pk}/change/"
    assert (batch.outcome, batch.created, batch.updated, batch.unchanged) == (
        "succeeded",
        0,
        2,
        1,
    )
    assert batch.preview_id == confirm["preview"]
    assert batch.sha256 == ImportBatch.objects.get(pk=confirm["preview"]).sha256
    score = Score.objects.get(participant__unit__code="10", criterion__code="1.1")
    assert (score.self_points, score.appraised_points) == (7, 6.5)
    page = admin_client.get(done["Location"])
    assert "Imported: 0 created, 2 updated, 1 unchanged" in _text(page)


def test_a_file_changed_between_preview_and_confirm_is_not_imported(
    admin_client, scored_provinces, settings
):
    preview = _upload(admin_client, "scores", SCORES)
    confirm = preview.context["confirm_form"].initial
    stored = Path(tempfile.gettempdir()) / Path(confirm["import_file_name"]).name
    stored.write_bytes(SCORES.replace(b"7,6.5", b"0,0"))

    done = admin_client.post(CONFIRM, confirm)

    assert done.status_code == 302
    assert done["Location"] == IMPORT
    assert not ImportBatch.objects.filter(dry_run=False, source="admin").exists()
    assert Score.objects.get(participant__unit__code="10", criterion__code="1.1").self_points == 6


def test_a_bad_file_shows_the_same_messages_as_the_command(
    admin_client, scored_provinces, tmp_path
):
    bad = textwrap.dedent(
        """\
        year,level,unit,criterion,self_points
        2019,province,01,1.1,9
        2019,province,Hà Nộii,1.1,x
        2019,province,01,1.2,1
        """
    ).encode()

    response = _upload(admin_client, "scores", bad, "sai.csv")

    _, err = _dry_run("scores", bad, tmp_path, "sai.csv")
    command_lines = err.strip().splitlines()
    shown = [str(problem) for problem in response.context["report"].problems]
    assert len(shown) == 4
    assert shown == command_lines
    page = _text(response)
    for line in command_lines:
        assert line in page
    assert "confirm_form" not in response.context
    assert "4 problems in this file; nothing was imported." in page


def test_the_preview_speaks_the_readers_language(admin_client, scored_provinces):
    bad = b"year,level,unit,criterion,self_points\n2019,province,01,1.1,9\n"

    response = admin_client.post(
        IMPORT,
        {"kind": "scores", "import_file": SimpleUploadedFile("sai.csv", bad)},
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    assert "dòng 2, cột self_points: 9 vượt quá mức tối đa 8,00" in _text(response)


def test_someone_who_is_not_an_admin_may_not_import(client, scored_provinces):
    appraiser = staff_user("appraiser")
    appraiser.is_staff = True
    appraiser.save()
    verified_client(client, appraiser)

    # The admin site sends them to sign in as an admin; the import's own rule refuses them too.
    assert client.get(IMPORT)["Location"].startswith("/admin/login/")
    assert _upload(client, "scores", SCORES)["Location"].startswith("/admin/login/")
    assert not ImportBatch.objects.filter(source="admin").exists()
    request = RequestFactory().get(IMPORT)
    request.user = appraiser
    assert not site._registry[ImportBatch].has_import_permission(request)
    request.user = staff_user("admin")
    assert site._registry[ImportBatch].has_import_permission(request)


def test_an_admin_by_role_may_import(client, scored_provinces):
    user = staff_user("admin")
    user.is_staff = True
    user.save()
    verified_client(client, user)

    assert client.get(IMPORT).status_code == 200
    assert client.get("/admin/scoring/importbatch/").status_code == 200


def test_the_batch_list_filters_by_kind_and_outcome_and_searches_file_names(
    admin_client, scored_provinces
):
    _upload(admin_client, "scores", SCORES, "diem-2019.csv")
    _upload(admin_client, "scores", b"year\n", "hong.csv")

    listing = admin_client.get(
        "/admin/scoring/importbatch/", {"kind": "scores", "outcome": "refused", "q": "hong"}
    )

    assert [batch.filename for batch in listing.context["cl"].result_list] == ["hong.csv"]
    assert admin_client.get("/admin/scoring/importbatch/add/").status_code == 403


@pytest.mark.parametrize("kind", kinds())
@pytest.mark.parametrize("extension", blank.EXTENSIONS)
def test_blank_files_have_the_formats_header_and_an_example_row(admin_client, kind, extension):
    response = admin_client.get(f"/admin/scoring/importbatch/template/{kind}.{extension}")

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{kind}.{extension}"'
    if extension == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [[cell if cell is not None else "" for cell in row] for row in sheet.values]
    assert rows[0] == blank.columns(kind)
    assert len(rows) == 2


def test_blank_columns_put_the_required_ones_first_as_formats_md():
    assert blank.columns("scores") == [
        "year",
        "level",
        "unit",
        "criterion",
        "self_points",
        "appraised_points",
        "appraisal_reason",
        "evidence_url",
    ]
    assert blank.columns("survey")[:5] == ["year", "level", "unit", "criterion", "points"]


@pytest.mark.parametrize("kind", kinds())
@pytest.mark.parametrize("extension", blank.EXTENSIONS)
def test_a_blank_file_imports_as_it_is_with_a_dry_run(province_edition, kind, extension, tmp_path):
    content, _ = blank.render(kind, extension)
    path = tmp_path / f"{kind}.{extension}"
    path.write_bytes(content)
    out = io.StringIO()

    call_command("import_data", kind, str(path), "--dry-run", stdout=out)

    assert "(dry run, nothing written)" in out.getvalue()
