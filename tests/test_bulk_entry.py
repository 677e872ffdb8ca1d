"""Bulk entry of the self-assessment through the test client: the officer downloads their unit's
workbook, edits it with openpyxl as a spreadsheet would, uploads it, reads the preview and
confirms. Refused uploads (another unit, another edition, another stage, points over a maximum)
save nothing.

The fixture tree (tests/conftest.py): 1.1 self (max 8), 1.2 survey (4), 2.1 self (5), 2.2 self (3).
"""

import html
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from scoring.lifecycle import open_appraisal, open_self_assessment
from scoring.models import Score, ScoreChange
from scoring.points import SelfAssessment, set_self_points
from tests.staff_fixtures import staff_user, verified_client

UPLOAD = "/en/staff/self-assessment/upload/"
CONFIRM = "/en/staff/self-assessment/upload/confirm/"
WORKBOOK = "/en/staff/self-assessment/workbook/"


@pytest.fixture
def edition(province_edition):
    edition = open_self_assessment(province_edition, user=None)
    hanoi = edition.participants.get(unit__code="01")
    leaf = edition.criteria.get(code="1.1")
    set_self_points(
        edition,
        [SelfAssessment(hanoi, leaf, points=Decimal("6"), note="Báo cáo năm")],
        user=None,
        source="test",
    )
    return edition


@pytest.fixture
def officer_client(client, edition):
    unit = edition.participants.get(unit__code="01").unit
    return verified_client(client, staff_user("unit_officer", unit=unit, username="canbo-hanoi"))


def downloaded(client, edition, code="01"):
    response = client.get(WORKBOOK, {"edition": edition.pk})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="self-assessment-2019-province-{code}.xlsx"'
    )
    return load_workbook(io.BytesIO(response.content))


def as_upload(book, name="self-assessment.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def rows(book) -> list[list]:
    return [list(row) for row in book["self_assessment"].iter_rows(values_only=True)]


def set_cell(book, code: str, column: str, value) -> None:
    sheet = book["self_assessment"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("criterion")].value == code:
            row[header.index(column)].value = value
            return
    raise AssertionError(code)


def upload(client, edition, book):
    return client.post(UPLOAD, {"edition": edition.pk, "file": as_upload(book)})


def problems(response) -> list[str]:
    page = response.content.decode()
    block = re.search(r'<div class="problems" role="alert">(.*?)</div>', page, re.S)
    return (
        [html.unescape(item) for item in re.findall(r"<li>([^<]*)</li>", block.group(1))]
        if block
        else []
    )


def self_points(edition) -> dict[str, Decimal | None]:
    return dict(
        Score.objects.filter(participant__edition=edition).values_list(
            "criterion__code", "self_points"
        )
    )


def test_the_workbook_holds_each_self_sub_criterion_with_its_maximum_and_current_values(
    officer_client, edition
):
    book = downloaded(officer_client, edition)

    assert rows(book) == [
        [
            "year",
            "level",
            "unit",
            "criterion",
            "name_vi",
            "name_en",
            "max_points",
            "self_points",
            "note",
            "evidence_url",
        ],  # fmt: skip
        [2019, "province", "01", "1.1", "Tiêu chí 1.1", "Criterion 1.1", 8, 6, "Báo cáo năm", None],
        [2019, "province", "01", "2.1", "Tiêu chí 2.1", "Criterion 2.1", 5, None, None, None],
        [2019, "province", "01", "2.2", "Tiêu chí 2.2", "Criterion 2.2", 3, None, None, None],
    ]


def test_round_trip_previews_then_saves_through_the_writer_with_audit_rows(officer_client, edition):
    book = downloaded(officer_client, edition)
    set_cell(book, "1.1", "self_points", 7.5)
    set_cell(book, "2.1", "self_points", "4,25")
    set_cell(book, "2.1", "evidence_url", "https://hanoi.gov.vn/bc")

    preview = upload(officer_client, edition, book)

    page = preview.content.decode()
    assert problems(preview) == []
    assert "2 sub-criteria would change. Nothing is saved until you confirm." in page
    assert "<td>6.00</td><td>7.5</td>" in page
    assert self_points(edition) == {"1.1": Decimal("6.00")}

    saved = officer_client.post(CONFIRM, {"edition": edition.pk})

    assert saved.status_code == 302
    assert self_points(edition) == {"1.1": Decimal("7.50"), "2.1": Decimal("4.25")}
    audit = sorted(
        (c.score.criterion.code, c.column, c.old_value, c.new_value)
        for c in ScoreChange.objects.filter(source__startswith="upload self-assessment.xlsx")
    )
    assert audit == [
        ("1.1", "self_points", "6.00", "7.5"),
        ("2.1", "evidence_url", "", "https://hanoi.gov.vn/bc"),
        ("2.1", "self_points", "", "4.25"),
    ]
    page = officer_client.get(saved["Location"]).content.decode()
    assert "Workbook saved: 2 sub-criteria changed." in page


def test_a_second_confirmation_finds_nothing_waiting(officer_client, edition):
    book = downloaded(officer_client, edition)
    set_cell(book, "2.2", "self_points", 3)
    upload(officer_client, edition, book)
    officer_client.post(CONFIRM, {"edition": edition.pk})

    again = officer_client.post(CONFIRM, {"edition": edition.pk}, follow=True)

    assert "There is no upload waiting to be confirmed; upload it again." in again.content.decode()
    assert ScoreChange.objects.filter(source__startswith="upload").count() == 1


def test_points_over_a_maximum_are_refused_at_their_row_and_column(officer_client, edition):
    book = downloaded(officer_client, edition)
    set_cell(book, "2.1", "self_points", 4)
    set_cell(book, "2.2", "self_points", 3.5)

    refused = upload(officer_client, edition, book)

    assert problems(refused) == ["row 4, column self_points: 3.5 is above the maximum of 3.00"]
    assert 'id="preview"' not in refused.content.decode()
    assert officer_client.post(CONFIRM, {"edition": edition.pk}).status_code == 302
    assert self_points(edition) == {"1.1": Decimal("6.00")}


def test_another_units_workbook_is_refused_and_nothing_saved(client, edition):
    haiphong = edition.participants.get(unit__code="31").unit
    other = verified_client(client, staff_user("unit_officer", unit=haiphong))
    book = downloaded(other, edition, "31")
    set_cell(book, "1.1", "self_points", 1)
    client.logout()
    hanoi = edition.participants.get(unit__code="01").unit
    officer = verified_client(client, staff_user("unit_officer", unit=hanoi))

    refused = upload(officer, edition, book)

    assert problems(refused) == [
        f"row {row}, column unit: this row is for the unit 31; you may upload only your "
        "unit's (01) self-assessment"
        for row in (2, 3, 4)
    ]
    officer.post(CONFIRM, {"edition": edition.pk})
    assert self_points(edition) == {"1.1": Decimal("6.00")}


def test_another_editions_rows_are_refused(officer_client, edition):
    book = downloaded(officer_client, edition)
    set_cell(book, "2.1", "self_points", 2)
    for row in book["self_assessment"].iter_rows(min_row=2):
        row[0].value = 2018

    refused = upload(officer_client, edition, book)

    assert problems(refused)[0] == (
        "row 2, column year: this row is for the 2018 province edition; this upload is for "
        "the 2019 province edition"
    )
    assert len(problems(refused)) == 3
    assert self_points(edition) == {"1.1": Decimal("6.00")}


def test_an_upload_after_the_self_assessment_closed_is_refused(officer_client, edition):
    book = downloaded(officer_client, edition)
    set_cell(book, "2.1", "self_points", 2)
    open_appraisal(edition, user=None)

    refused = upload(officer_client, edition, book)

    assert problems(refused) == [
        "the 2019 province edition is in the Appraisal stage; a self-assessment can be "
        "uploaded only while the self-assessment is open"
    ]
    assert self_points(edition) == {"1.1": Decimal("6.00")}


def test_a_confirmation_after_the_stage_moved_saves_nothing(officer_client, edition):
    book = downloaded(officer_client, edition)
    set_cell(book, "2.1", "self_points", 2)
    upload(officer_client, edition, book)
    open_appraisal(edition, user=None)

    refused = officer_client.post(CONFIRM, {"edition": edition.pk}, follow=True)

    assert "Nothing was saved from the workbook." in refused.content.decode()
    assert self_points(edition) == {"1.1": Decimal("6.00")}


def test_a_value_saved_on_the_screen_meanwhile_is_not_overwritten(officer_client, edition):
    book = downloaded(officer_client, edition)
    set_cell(book, "1.1", "self_points", 2)
    upload(officer_client, edition, book)
    hanoi = edition.participants.get(unit__code="01")
    leaf = edition.criteria.get(code="1.1")
    set_self_points(
        edition, [SelfAssessment(hanoi, leaf, points=Decimal("5"))], user=None, source="t"
    )

    refused = officer_client.post(CONFIRM, {"edition": edition.pk}, follow=True)

    assert "was changed by" in refused.content.decode()
    assert self_points(edition) == {"1.1": Decimal("5.00")}


def test_another_units_edition_address_is_not_found(client, edition):
    unit = edition.participants.get(unit__code="01").unit
    officer = verified_client(client, staff_user("unit_officer", unit=unit))

    assert officer.get(WORKBOOK, {"edition": edition.pk + 1000}).status_code == 404
    assert staff_client_status(client, edition) == 403


def staff_client_status(client, edition) -> int:
    client.logout()
    verified_client(client, staff_user("appraiser"))
    return client.get(WORKBOOK, {"edition": edition.pk}).status_code
