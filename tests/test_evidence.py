"""Evidence files: what they are is read from their content, never from their name; they are kept
privately and served only to staff who may see the unit."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from scoring.lifecycle import open_self_assessment
from scoring.models import EvidenceFile, Score, ScoreChange
from staff.evidence import clean_name, detect, evidence_problem
from tests.staff_fixtures import staff_user, verified_client

PAGE = "/en/staff/self-assessment/"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _ooxml(folder: str, main: str) -> bytes:
    types = (
        f'<?xml version="1.0"?><Types><Override PartName="/{folder}" '
        f'ContentType="application/vnd.openxmlformats-officedocument.{main}"/></Types>'
    )
    return _zip({"[Content_Types].xml": types.encode(), folder: b"<xml/>"})


DOCX = _ooxml("word/document.xml", "wordprocessingml.document.main+xml")
XLSX = _ooxml("xl/workbook.xml", "spreadsheetml.sheet.main+xml")
PPTX = _ooxml("ppt/presentation.xml", "presentationml.presentation.main+xml")
DOCM = _zip(
    {
        "[Content_Types].xml": b"application/vnd.ms-word.document.macroEnabled.main+xml",
        "word/document.xml": b"<xml/>",
    }
)
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b""})
RANDOM_ZIP = _zip({"notes.txt": b"hello", "word/readme.txt": b"not a document"})


@pytest.mark.parametrize(
    "content, expected",
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (PPTX, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        (OLE2 + "WordDocument".encode("utf-16-le") + b"\x00\x00", "application/msword"),
        (OLE2 + "Workbook".encode("utf-16-le") + b"\x00\x00", "application/vnd.ms-excel"),
        (ODT, "application/vnd.oasis.opendocument.text"),
        (ODS, "application/vnd.oasis.opendocument.spreadsheet"),
        (EXE, None),
        (HTML, None),
        (RANDOM_ZIP, None),
        (DOCM, None),
        (OLE2 + "SummaryInformation".encode("utf-16-le") + b"\x00\x00", None),
        (b"PK\x03\x04 broken zip", None),
        (b"", None),
    ],
    ids=[
        "pdf",
        "png",
        "jpeg",
        "docx",
        "xlsx",
        "pptx",
        "doc",
        "xls",
        "odt",
        "ods",
        "exe",
        "html",
        "random-zip",
        "docm-macros",
        "other-ole2",
        "broken-zip",
        "empty",
    ],
)
def test_the_type_of_a_file_is_read_from_its_content(content, expected):
    kind = detect(content)

    assert (kind.content_type if kind else None) == expected


def test_a_pdf_named_exe_is_a_pdf_and_a_program_named_pdf_is_refused(settings):
    assert evidence_problem(SimpleUploadedFile("report.exe", PDF, "application/x-msdos")) is None
    problem = evidence_problem(SimpleUploadedFile("report.pdf", EXE, "application/pdf"))

    assert str(problem) == (
        "report.pdf is not a PDF, a PNG or JPEG image or an office document (Word, Excel, "
        "PowerPoint, OpenDocument); the file's content was checked, not its name"
    )


def test_a_file_over_the_size_limit_is_refused_before_its_content_is_read(settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("scan.pdf", PDF + b"\x00" * (1024 * 1024), "application/pdf")

    assert str(evidence_problem(upload)) == "scan.pdf is larger than 1 MB"


@pytest.mark.parametrize(
    "given, kept",
    [
        ("Báo cáo tổng kết.pdf", "Báo cáo tổng kết.pdf"),
        ("C:\\Users\\an\\Desktop\\ke hoach.docx", "ke hoach.docx"),
        ("../../etc/passwd", "passwd"),
        ('a<b>:"c".pdf', "a_b___c_.pdf"),
        ("\x00\x1f", "evidence"),
    ],
)
def test_the_name_the_unit_gave_is_kept_without_folders_or_control_characters(given, kept):
    assert clean_name(given) == kept


# Serving: the unit's officer, appraisers and admins; nobody else.


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


def _upload(client, hanoi, content: bytes, name: str):
    leaf = hanoi.edition.criteria.get(code="1.1")
    return client.post(
        PAGE,
        {
            "edition": hanoi.edition_id,
            f"points-{leaf.pk}": "6",
            f"version-{leaf.pk}": "0",
            f"file-{leaf.pk}": SimpleUploadedFile(name, content, "application/octet-stream"),
            "action": "save",
        },
    )


@pytest.fixture
def stored(client, hanoi, officer, evidence_root) -> EvidenceFile:
    response = _upload(verified_client(client, officer), hanoi, PDF, "Quyết định 12.exe")
    assert response.status_code == 302
    client.logout()
    return EvidenceFile.objects.get()


def test_an_upload_is_kept_privately_under_a_random_name_with_its_type_and_audit_row(
    stored, evidence_root
):
    digest = "9e8b17f0a30d54671130541bf59eb12302c8c315986e6d63995d6f26d9326e17"
    assert stored.name == "Quyết định 12.exe"
    assert stored.content_type == "application/pdf"
    assert (stored.sha256, stored.reply) == (digest, None)
    assert stored.file.name.startswith("2019-province/01/")
    assert stored.file.name.endswith(".pdf")
    assert (evidence_root / stored.file.name).read_bytes() == PDF
    change = ScoreChange.objects.get(column="evidence_file")
    assert (change.old_value, change.new_value) == ("", f"{stored.file.name} sha256={digest}")


def test_the_units_officer_downloads_the_file_as_an_attachment_never_cached(
    client, stored, officer
):
    response = verified_client(client, officer).get(f"/en/staff/evidence/{stored.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("role", ["appraiser", "admin"])
def test_appraisers_and_admins_download_any_units_evidence(client, stored, role):
    response = verified_client(client, staff_user(role)).get(f"/en/staff/evidence/{stored.pk}/")

    assert response.status_code == 200


def test_another_units_officer_gets_not_found(client, stored, province_edition):
    haiphong = province_edition.participants.get(unit__code="31").unit
    other = staff_user("unit_officer", unit=haiphong)

    response = verified_client(client, other).get(f"/en/staff/evidence/{stored.pk}/")

    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login(client, stored):
    response = client.get(f"/en/staff/evidence/{stored.pk}/")

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_program_renamed_pdf_is_refused_beside_its_leaf_and_nothing_is_saved(
    client, hanoi, officer, evidence_root
):
    response = _upload(verified_client(client, officer), hanoi, EXE, "bao-cao.pdf")

    assert response.status_code == 200
    assert "bao-cao.pdf is not a PDF" in response.content.decode()
    assert Score.objects.count() == 0
    assert list(evidence_root.rglob("*.*")) == []
