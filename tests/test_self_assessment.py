"""The unit officer's self-assessment screen, used through the test client as a person would: the
form's fields are posted as the page names them.

The fixture tree (tests/conftest.py): field 1 (max 12) = 1.1 self 8 + 1.2 survey 4; field 2 (8) =
2.1 self 5 + 2.2 self 3.
"""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from scoring.lifecycle import open_self_assessment
from scoring.models import EvidenceFile, Score, ScoreChange
from scoring.submission import return_self_assessment, submit_self_assessment
from scoring.totals import totals
from scoring.tree import Tree
from tests.staff_fixtures import staff_user, verified_client

PAGE = "/en/staff/self-assessment/"
TOTALS = "/en/staff/self-assessment/totals/"
SUBMIT = "/en/staff/self-assessment/submit/"
PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def edition(province_edition):
    return open_self_assessment(province_edition, user=None)


@pytest.fixture
def hanoi(edition):
    return edition.participants.select_related("unit").get(unit__code="01")


@pytest.fixture
def officer(hanoi):
    return staff_user("unit_officer", unit=hanoi.unit, username="canbo-hanoi")


@pytest.fixture
def officer_client(client, officer):
    return verified_client(client, officer)


def _pk(edition, code: str) -> int:
    return edition.criteria.get(code=code).pk


def form(edition, action: str = "save", **leaves) -> dict:
    """The posted form: every self leaf as the page names its fields; `leaves` maps a code
    written with underscores (l1_1) to a dict of points, note, url, version, file."""
    data = {"edition": edition.pk, "action": action}
    for code in ("1.1", "2.1", "2.2"):
        values = leaves.get("l" + code.replace(".", "_"), {})
        pk = _pk(edition, code)
        data[f"points-{pk}"] = values.get("points", "")
        data[f"note-{pk}"] = values.get("note", "")
        data[f"url-{pk}"] = values.get("url", "")
        data[f"version-{pk}"] = values.get("version", 0)
        if "file" in values:
            data[f"file-{pk}"] = values["file"]
    return data


def _self_points() -> dict[str, Decimal | None]:
    return {s.criterion.code: s.self_points for s in Score.objects.select_related("criterion")}


def test_the_screen_shows_the_whole_tree_with_maximums_and_survey_leaves_read_only(
    officer_client, edition
):
    page = officer_client.get(PAGE).content.decode()

    assert "Self-assessment: Ha Noi" in page
    assert "1. Field one" in page and "2. Field two" in page
    assert "Criterion 2.2" in page and "(maximum 3.00 points)" in page
    assert "From the survey" in page
    assert page.count('name="points-') == 3  # the survey leaf 1.2 has no input
    assert "enter points for 3 more sub-criteria: 1.1, 2.1, 2.2" in page


def test_vietnamese_names_in_the_vietnamese_screen(officer_client, edition):
    page = officer_client.get("/vi/staff/self-assessment/").content.decode()

    assert "Hà Nội" in page and "Lĩnh vực một" in page and "Tiêu chí 2.1" in page


def test_a_draft_is_saved_through_the_writer_with_web_audit_rows(officer_client, edition):
    response = officer_client.post(
        PAGE,
        form(
            edition,
            l1_1={"points": "7,5", "note": "Đủ hồ sơ", "url": "https://hanoi.gov.vn/bc"},
            l2_1={"points": "4.25"},
        ),
    )

    assert response.status_code == 302
    assert _self_points() == {"1.1": Decimal("7.50"), "2.1": Decimal("4.25")}
    changes = sorted(
        (c.score.criterion.code, c.column, c.old_value, c.new_value, c.source)
        for c in ScoreChange.objects.select_related("score__criterion")
    )
    assert changes == [
        ("1.1", "evidence_url", "", "https://hanoi.gov.vn/bc", "web"),
        ("1.1", "self_note", "", "Đủ hồ sơ", "web"),
        ("1.1", "self_points", "", "7.5", "web"),
        ("2.1", "self_points", "", "4.25", "web"),
    ]
    page = officer_client.get(response["Location"]).content.decode()
    assert "Draft saved: 2 sub-criteria changed." in page


def test_bad_values_come_back_beside_their_fields_as_typed_and_nothing_is_written(
    officer_client, edition
):
    response = officer_client.post(
        PAGE,
        form(
            edition,
            l1_1={"points": "8,5", "note": "giữ lại"},
            l2_1={"points": "bốn"},
            l2_2={"points": "1.255", "url": "hanoi.gov.vn"},
        ),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "8,5 is above the maximum of 8.00" in page
    assert "&quot;bốn&quot; is not a number of points (e.g. 7.5 or 7,5)" in page
    assert "1.255 has more than 2 decimals" in page
    assert "&quot;hanoi.gov.vn&quot; is not a web address (expected https://...)" in page
    assert "3 sub-criteria need correcting" in page
    assert 'value="8,5"' in page and "giữ lại</textarea>" in page and 'value="bốn"' in page
    assert 'aria-invalid="true"' in page
    assert Score.objects.count() == 0 and ScoreChange.objects.count() == 0


def test_a_second_person_saving_over_a_newer_version_is_refused_and_sees_the_others_value(
    client, edition, hanoi, officer
):
    from django.test import Client

    colleague = staff_user("unit_officer", unit=hanoi.unit, username="canbo-hanoi-2")
    first, second = verified_client(client, officer), verified_client(Client(), colleague)
    first.get(PAGE), second.get(PAGE)  # both see version 0

    first.post(PAGE, form(edition, l1_1={"points": "6"}))
    response = second.post(PAGE, form(edition, l1_1={"points": "7", "note": "của tôi"}))

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "1.1 of Hà Nội was changed by canbo-hanoi while you were editing it: it is now 6.00. "
        "Nothing was saved; check the value and save again"
    ) in page
    assert 'value="7"' in page and "của tôi</textarea>" in page
    assert _self_points() == {"1.1": Decimal("6.00")}
    # Having seen the other's value, saving again is a decision: the form now holds version 1.
    assert f'name="version-{_pk(edition, "1.1")}" value="1"' in page
    second.post(PAGE, form(edition, l1_1={"points": "7", "version": 1}))
    assert _self_points() == {"1.1": Decimal("7.00")}


def test_recalculating_shows_the_totals_of_what_was_typed_without_saving(officer_client, edition):
    response = officer_client.post(
        PAGE,
        form(
            edition,
            action="recalculate",
            l1_1={"points": "7,5"},
            l2_1={"points": "4.25"},
            l2_2={"points": "2.01"},
        ),
    )

    page = response.content.decode()
    assert 'data-subtotal="1">7.50<' in page
    assert 'data-subtotal="2">6.26<' in page
    assert "data-total>13.76<" in page
    assert 'value="7,5"' in page
    assert Score.objects.count() == 0


def test_the_live_totals_come_from_the_same_server_sums(officer_client, edition):
    response = officer_client.post(
        TOTALS + f"?edition={edition.pk}",
        form(edition, l1_1={"points": "7,5"}, l2_1={"points": "x"}, l2_2={"points": "3"}),
    )

    assert response.json() == {
        "fields": {"1": "7.50", "2": "3.00"},
        "points": "10.50",
        "invalid": ["2.1"],
    }
    assert Score.objects.count() == 0


def test_totals_add_the_leaves_of_each_field_with_two_decimals(edition):
    figures = totals(
        Tree.of(edition),
        {"1.1": Decimal("7.5"), "1.2": Decimal("3.25"), "2.1": None, "2.2": Decimal("0.01")},
    )

    assert [(f.code, f.points, f.max_points, f.entered, f.leaves) for f in figures.fields] == [
        ("1", Decimal("10.75"), Decimal("12.00"), 2, 2),
        ("2", Decimal("0.01"), Decimal("8.00"), 1, 2),
    ]
    assert (str(figures.points), figures.max_points) == ("10.76", Decimal("20.00"))


NOT_KEPT = "Not kept, as nothing of this sub-criterion was saved: "


def _pdf(name: str = "Kế hoạch.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def _stored(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def _nothing_kept(root) -> bool:
    """No evidence row and no file in the storage."""
    return not EvidenceFile.objects.exists() and _stored(root) == []


def test_a_file_sent_with_a_refused_save_is_not_kept_and_is_named_to_choose_again(
    officer_client, edition, evidence_root
):
    response = officer_client.post(PAGE, form(edition, l1_1={"points": "9", "file": _pdf()}))

    page = response.content.decode()
    assert f"{NOT_KEPT}Kế hoạch.pdf. Choose the file again." in page
    assert 'name="pending-' not in page
    assert _nothing_kept(evidence_root)


def test_a_file_sent_with_a_save_the_writer_refuses_is_not_kept(
    officer_client, edition, evidence_root
):
    officer_client.post(PAGE, form(edition, l1_1={"points": "7"}))  # now at version 1

    # A form still showing version 0: refused as a conflict by set_self_points.
    page = officer_client.post(
        PAGE, form(edition, l1_1={"points": "8", "version": 0, "file": _pdf()})
    ).content.decode()

    assert f"{NOT_KEPT}Kế hoạch.pdf." in page
    assert _self_points() == {"1.1": Decimal("7.00")}
    assert _nothing_kept(evidence_root)


def test_a_file_sent_with_another_button_or_for_a_field_not_saved_is_not_kept(
    officer_client, edition, evidence_root
):
    page = officer_client.post(
        PAGE, form(edition, action="recalculate", l1_1={"points": "8", "file": _pdf()})
    ).content.decode()
    assert f"{NOT_KEPT}Kế hoạch.pdf." in page

    data = form(edition, l1_1={"points": "8"}, l2_1={"file": _pdf("Báo cáo.pdf")})
    data["save_part"] = "1"
    page = officer_client.post(PAGE, data).content.decode()

    assert f"{NOT_KEPT}Báo cáo.pdf." in page
    assert _self_points() == {"1.1": Decimal("8.00")}
    assert _nothing_kept(evidence_root)


def test_a_file_sent_with_a_save_that_succeeds_is_kept_with_its_score(
    officer_client, edition, evidence_root
):
    officer_client.post(PAGE, form(edition, l1_1={"points": "8", "file": _pdf()}))

    item = EvidenceFile.objects.get()
    assert (item.score.self_points, item.name) == (Decimal("8.00"), "Kế hoạch.pdf")
    assert _stored(evidence_root) == [item.file.name]
    assert (evidence_root / item.file.name).read_bytes() == PDF


def test_submitting_asks_for_confirmation_then_lists_what_is_missing(officer_client, edition):
    officer_client.post(PAGE, form(edition, l1_1={"points": "8"}))

    page = officer_client.post(SUBMIT, {"edition": edition.pk}).content.decode()
    assert "2 sub-criteria have no points yet: 2.1, 2.2." in page
    page = officer_client.post(SUBMIT, {"edition": edition.pk, "confirm": "yes"}).content.decode()
    assert "the self-assessment is not complete: 2 sub-criteria have no points (2.1, 2.2)" in page
    assert edition.participants.get(unit__code="01").submitted_at is None


def test_a_submitted_self_assessment_is_shown_read_only_and_refuses_posts(officer_client, edition):
    versions = {"version": 1}
    officer_client.post(
        PAGE, form(edition, l1_1={"points": "8"}, l2_1={"points": "5"}, l2_2={"points": "3"})
    )
    page = officer_client.post(SUBMIT, {"edition": edition.pk}).content.decode()
    assert "Yes, submit" in page

    response = officer_client.post(SUBMIT, {"edition": edition.pk, "confirm": "yes"})
    assert response.status_code == 302
    page = officer_client.get(response["Location"]).content.decode()
    assert "Self-assessment submitted." in page
    assert "by canbo-hanoi. The values below can no longer be changed" in page
    assert 'name="points-' not in page

    page = officer_client.post(
        PAGE, form(edition, l1_1={"points": "1", **versions})
    ).content.decode()
    assert "can no longer be changed; an admin can give it back" in page
    assert _self_points()["1.1"] == Decimal("8.00")


def test_with_no_open_edition_the_officer_is_told_so(client, province_edition):
    hanoi = province_edition.participants.get(unit__code="01").unit  # the edition is a draft
    page = verified_client(client, staff_user("unit_officer", unit=hanoi)).get(PAGE)

    assert "No edition is open for your unit's self-assessment now." in page.content.decode()


@pytest.mark.parametrize("role", ["appraiser", "admin"])
def test_the_screen_is_for_unit_officers_only(client, edition, role):
    response = verified_client(client, staff_user(role)).get(PAGE)

    assert response.status_code == 403


def test_the_screen_is_never_cached(officer_client, edition):
    assert "no-store" in officer_client.get(PAGE)["Cache-Control"]


def test_a_self_assessment_given_back_shows_the_officer_why_until_it_is_submitted_again(
    officer_client, edition, hanoi, officer
):
    points = {"l1_1": {"points": "8"}, "l2_1": {"points": "5"}, "l2_2": {"points": "3"}}
    officer_client.post(PAGE, form(edition, **points))
    submit_self_assessment(hanoi, user=officer)
    return_self_assessment(
        hanoi, user=staff_user("admin", username="quantri"), reason="Thiếu tài liệu 2.1"
    )

    html = officer_client.get(PAGE).content.decode()

    # The admin is "MoHA staff" to an officer (docs/rules.md, privacy of staff accounts).
    given_back = "by MoHA staff, for this reason:</p>\n<blockquote>Thiếu tài liệu 2.1</blockquote>"
    assert given_back in html
    submit_self_assessment(hanoi, user=officer)
    assert 'id="given-back"' not in officer_client.get(PAGE).content.decode()
