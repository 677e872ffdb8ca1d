"""Reasons (issue 16, item 5): the appraisal reason is the public one and the screen says so; an
internal note beside it is kept with its audit row and never leaves the staff appraisal screens;
the standard reasons the admins keep are offered as a <datalist> to pick and edit."""

import pytest
from django.test import Client

from scoring.models import Edition, Score, ScoreChange, StandardReason
from tests.staff_fixtures import staff_user, verified_client
from tests.test_appraisal import form_data, unit_page
from tests.test_progress import appraisal_under_way

NOTE = "Hồ sơ gửi muộn, đã gọi điện nhắc (nội bộ)"


@pytest.fixture
def under_way(province_edition) -> Edition:
    return appraisal_under_way(province_edition)


def _with_note(edition: Edition, code: str, leaf: str, points: str, reason: str) -> dict:
    data = form_data(edition, code, **{leaf: (points, reason)})
    pk = edition.criteria.get(code=leaf).pk
    return data | {f"leaf-{pk}-note": NOTE, f"leaf-{pk}-shown_note": ""}


def test_the_appraisal_screen_says_the_reason_is_published_and_offers_the_standard_reasons(
    client, under_way
):
    StandardReason.objects.create(text_vi="Thiếu tài liệu kiểm chứng", text_en="No evidence")
    StandardReason.objects.create(text_vi="Chậm tiến độ", position=1)
    appraiser = verified_client(client, staff_user("appraiser"))

    html = appraiser.get(unit_page(under_way, "31")).text

    assert "Published with the edition's scores, word for word" in html
    assert "Internal note (staff only: never published nor shown to the unit)" in html
    assert (
        '<datalist id="standard-reasons"><option value="No evidence">'
        '<option value="Chậm tiến độ"></datalist>'
    ) in html
    assert html.count('list="standard-reasons"') == 3  # one reason box per `self` leaf


def test_the_internal_note_is_saved_beside_the_reason_and_kept_in_the_audit(client, under_way):
    appraiser = staff_user("appraiser")

    response = verified_client(client, appraiser).post(
        unit_page(under_way, "31"), _with_note(under_way, "31", "1.1", "6", "Thiếu tài liệu")
    )

    assert response.status_code == 302
    score = Score.objects.get(participant__unit__code="31", criterion__code="1.1")
    assert (score.appraised_points, score.appraisal_reason, score.appraisal_note) == (
        6,
        "Thiếu tài liệu",
        NOTE,
    )
    changes = ScoreChange.objects.filter(score=score, user=appraiser).order_by("column")
    assert list(changes.values_list("column", "new_value")) == [
        ("appraisal_note", NOTE),
        ("appraised_points", "6.00"),
    ]


def test_a_save_from_a_screen_without_the_note_keeps_it(client, under_way):
    appraiser = verified_client(client, staff_user("appraiser"))
    appraiser.post(unit_page(under_way, "31"), _with_note(under_way, "31", "1.1", "6", "Thiếu"))

    typed = {"1.1": ("5", "Thiếu")}
    appraiser.post(unit_page(under_way, "31"), form_data(under_way, "31", **typed))

    score = Score.objects.get(participant__unit__code="31", criterion__code="1.1")
    assert (score.appraised_points, score.appraisal_note) == (5, NOTE)


def test_the_note_never_reaches_the_unit_officer_nor_the_public(client, under_way):
    appraiser = verified_client(Client(), staff_user("appraiser"))
    appraiser.post(unit_page(under_way, "31"), _with_note(under_way, "31", "1.1", "6", "Thiếu"))
    assert NOTE in appraiser.get(unit_page(under_way, "31")).text
    Edition.objects.filter(pk=under_way.pk).update(status=Edition.Status.REVIEW)
    score = Score.objects.get(participant__unit__code="31", criterion__code="1.1")
    officer = verified_client(client, staff_user("unit_officer", unit=score.participant.unit))

    pages = [
        f"/en/staff/replies/?edition={under_way.pk}",
        f"/en/staff/changes/?edition={under_way.pk}",
        f"/en/staff/{score.pk}/history/",
    ]
    for address in pages:
        response = officer.get(address)
        assert response.status_code == 200, address
        assert NOTE not in response.text, address
    assert "Thiếu" in officer.get(pages[0]).text  # the public reason is there
