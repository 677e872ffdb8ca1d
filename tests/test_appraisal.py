"""The appraisal screens through the test client: the list of units with their progress, one
unit's appraisal (reasons, accept all, totals, the version check) and the right of reply.

States of the fixture (tests/test_progress.py): Hà Nội (01) self 8, 5, 3 with 1.1 appraised 7.5;
Hải Phòng (31) self 7, 4 and nothing on 2.2, nothing appraised; Lào Cai (10) self 6, 5, 2
appraised 6, 4.5, 1.5. Leaves 1.1 (max 8), 2.1 (5), 2.2 (3) are `self`; 1.2 is a survey leaf.
"""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from scoring.models import Edition, Reply, Score, ScoreChange
from scoring.replies import reply
from tests.staff_fixtures import staff_client, staff_user, verified_client
from tests.test_progress import appraisal_under_way, score, unit

LIST = "/en/staff/appraisal/"
# "Accept all remaining" writes on the post of its confirmation page (tests/test_assignments.py).
CONFIRMED = {"confirmed": "yes"}
REPLIES = "/en/staff/replies/"


@pytest.fixture
def under_way(province_edition) -> Edition:
    return appraisal_under_way(province_edition)


@pytest.fixture
def in_review(province_edition) -> Edition:
    return appraisal_under_way(province_edition, Edition.Status.REVIEW)


def unit_page(edition: Edition, code: str) -> str:
    return f"/en/staff/appraisal/{edition.pk}/{code}/"


def form_data(edition: Edition, code: str, action: str = "save", **typed) -> dict:
    """What the page's form sends: every self leaf as shown (its version and stored values),
    with what the appraiser typed over it: typed={"2.1": ("4", "reason")}."""
    data = {"action": action}
    participant = edition.participants.get(unit__code=code)
    scores = {s.criterion_id: s for s in participant.scores.all()}
    for leaf in edition.criteria.filter(method="self"):
        stored = scores.get(leaf.pk)
        points = (
            "" if stored is None or stored.appraised_points is None else stored.appraised_points
        )
        reason = stored.appraisal_reason if stored else ""
        prefix = f"leaf-{leaf.pk}-"
        data |= {
            prefix + "version": stored.version if stored else 0,
            prefix + "shown_points": points,
            prefix + "shown_reason": reason,
            prefix + "points": points,
            prefix + "reason": reason,
        }
        if leaf.code in typed:
            data[prefix + "points"], data[prefix + "reason"] = typed[leaf.code]
    return data


def appraised(edition: Edition, code: str) -> dict[str, Decimal | None]:
    return dict(
        Score.objects.filter(
            participant__edition=edition, participant__unit__code=code, criterion__method="self"
        ).values_list("criterion__code", "appraised_points")
    )


def errors(response) -> list[str]:
    return re.findall(r'<span class="error">([^<]*)</span>', response.content.decode())


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def progress_rows(response) -> dict[str, list[str]]:
    """The list's rows: unit code → the cells' text after the name (a progress bar's markup
    left out: its number is in the text)."""
    rows = {}
    for code, cells in re.findall(
        r'<tr data-unit="([^"]+)">(.*?)</tr>', response.content.decode(), re.S
    ):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        rows[code] = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]
    return rows


# The list of units


def test_the_list_shows_every_units_progress_and_open_disagreements(client, under_way):
    response = staff_client(client, "appraiser").get(LIST)

    submitted = timezone.localtime(under_way.participants.get(unit__code="01").submitted_at)
    assert response.status_code == 200
    assert progress_rows(response) == {
        "01": [submitted.strftime("%m/%d/%Y"), "3 / 3", "1 / 3", "2", "0", "2"],
        "10": ["not submitted", "3 / 3", "3 / 3", "0", "0", "0"],
        "31": ["not submitted", "2 / 3", "0 / 3", "2", "0", "2"],
    }


def test_the_filter_keeps_only_units_with_open_disagreements(client, under_way):
    response = staff_client(client, "appraiser").get(LIST, {"open": "1"})

    assert sorted(progress_rows(response)) == ["01", "31"]


def test_the_list_counts_unanswered_replies_in_review(client, in_review):
    officer = staff_user("unit_officer", unit=unit(in_review, "10"))
    reply(score(in_review, "10", "2.1"), "Đã có văn bản", user=officer)

    response = staff_client(client, "admin").get(LIST, {"open": "1"})

    assert progress_rows(response)["10"][-2:] == ["1", "1"]
    assert sorted(progress_rows(response)) == ["01", "10", "31"]


def test_a_unit_officer_may_not_open_the_appraisal_screens(client, under_way):
    client = staff_client(client, "unit_officer", unit=unit(under_way, "31"))

    assert client.get(LIST).status_code == 403
    assert client.get(unit_page(under_way, "31")).status_code == 403


# One unit's appraisal


def test_the_unit_page_shows_self_points_inputs_totals_and_the_survey_leaf_read_only(
    client, under_way
):
    response = staff_client(client, "appraiser").get(unit_page(under_way, "01"))

    assert response.status_code == 200
    page = text(response)
    assert page.count('data-points=""') == 3  # the three self leaves, not the survey leaf
    assert "Survey sub-criterion, read-only here: no survey points yet" in page
    totals = response.context["field_totals"], response.context["overall"]
    assert [(t.code, t.self_points, t.appraised) for t in totals[0]] == [
        ("1", Decimal("8.00"), Decimal("7.50")),
        ("2", Decimal("8.00"), Decimal("0.00")),
    ]
    assert (totals[1].maximum, totals[1].self_points, totals[1].appraised) == (16, 16, 7.5)


def test_a_reason_is_required_exactly_where_appraised_differs_from_self(client, under_way):
    before = ScoreChange.objects.count()
    typed = {"1.1": ("6", ""), "2.1": ("4", ""), "2.2": ("1", "")}

    response = staff_client(client, "appraiser").post(
        unit_page(under_way, "31"), form_data(under_way, "31", **typed)
    )

    # 1.1: 6 against 7 claimed; 2.2: 1 where nothing was claimed; 2.1: 4 as claimed.
    assert errors(response) == [
        "Give a reason: the appraised points differ from the self-assessed 7.00.",
        "Give a reason: the appraised points differ from the self-assessed —.",
    ]
    form_of = {row.leaf.code: row.form for row in response.context["rows"] if row.form}
    assert sorted(code for code, form in form_of.items() if form.errors) == ["1.1", "2.2"]
    assert ScoreChange.objects.count() == before
    assert appraised(under_way, "31") == {"1.1": None, "2.1": None}
    assert 'value="6"' in response.content.decode()  # what was typed is kept


def test_with_reasons_the_changed_leaves_are_saved_with_their_reasons(client, under_way):
    appraiser = staff_user("appraiser")
    typed = {"1.1": ("6,5", "Thiếu tài liệu"), "2.1": ("4", "")}

    response = verified_client(client, appraiser).post(
        unit_page(under_way, "31"), form_data(under_way, "31", **typed)
    )

    assert response.status_code == 302
    assert appraised(under_way, "31") == {"1.1": Decimal("6.50"), "2.1": Decimal("4.00")}
    changes = ScoreChange.objects.filter(user=appraiser).order_by("score__criterion__code")
    assert list(changes.values_list("score__criterion__code", "new_value", "reason", "source")) == [
        ("1.1", "6.50", "Thiếu tài liệu", "web"),
        ("2.1", "4.00", "", "web"),
    ]


def test_points_out_of_range_are_refused_as_form_errors(client, under_way):
    typed = {"2.1": ("5.5", "Cộng thêm"), "2.2": ("abc", "x")}

    response = staff_client(client, "appraiser").post(
        unit_page(under_way, "01"), form_data(under_way, "01", **typed)
    )

    assert errors(response) == [
        "5.5 is above the maximum of 5.00",
        "Enter a number of points, such as 7.5.",
    ]


@pytest.mark.parametrize("typed", ["1e1", "\u0661\u0662", "NaN", "Infinity"])
def test_the_appraisal_refuses_what_the_self_assessment_refuses(client, under_way, typed):
    """An exponent, Arabic-Indic digits (١٢), NaN and Infinity are numbers to Python's Decimal,
    not points a person types: both screens read points through scoring.points.parse_points."""
    before = appraised(under_way, "31")

    response = staff_client(client, "appraiser").post(
        unit_page(under_way, "31"), form_data(under_way, "31", **{"2.2": (typed, "x")})
    )

    assert response.status_code == 200
    assert errors(response) == ["Enter a number of points, such as 7.5."]
    assert appraised(under_way, "31") == before


def test_accept_all_sets_exactly_the_untouched_leaves_to_their_self_points(client, under_way):
    appraiser = staff_user("appraiser")

    response = verified_client(client, appraiser).post(
        unit_page(under_way, "01"), form_data(under_way, "01", action="accept") | CONFIRMED
    )

    assert response.status_code == 302
    # 1.1 was appraised already (7.5 against 8) and stays so.
    assert appraised(under_way, "01") == {
        "1.1": Decimal("7.50"),
        "2.1": Decimal("5.00"),
        "2.2": Decimal("3.00"),
    }
    changes = ScoreChange.objects.filter(user=appraiser).order_by("score__criterion__code")
    assert list(changes.values_list("score__criterion__code", "old_value", "new_value")) == [
        ("2.1", "", "5.00"),
        ("2.2", "", "3.00"),
    ]
    assert set(changes.values_list("source", flat=True)) == {"web"}


def test_accept_all_saves_what_was_typed_and_accepts_only_the_rest(client, under_way):
    typed = {"2.1": ("4", "Chưa đủ văn bản")}

    staff_client(client, "appraiser").post(
        unit_page(under_way, "01"), form_data(under_way, "01", action="accept", **typed) | CONFIRMED
    )

    assert appraised(under_way, "01") == {
        "1.1": Decimal("7.50"),
        "2.1": Decimal("4.00"),
        "2.2": Decimal("3.00"),
    }
    assert score(under_way, "01", "2.1").appraisal_reason == "Chưa đủ văn bản"


def test_accept_all_leaves_a_leaf_without_self_points_alone(client, under_way):
    staff_client(client, "appraiser").post(
        unit_page(under_way, "31"), form_data(under_way, "31", action="accept") | CONFIRMED
    )

    assert appraised(under_way, "31") == {"1.1": Decimal("7.00"), "2.1": Decimal("4.00")}


def test_recalculate_shows_totals_of_what_was_typed_and_saves_nothing(client, under_way):
    typed = {"2.1": ("4.25", ""), "2.2": ("3", "")}

    response = staff_client(client, "appraiser").post(
        unit_page(under_way, "01"), form_data(under_way, "01", action="recalculate", **typed)
    )

    field_two = response.context["field_totals"][1]
    assert (field_two.self_points, field_two.appraised) == (Decimal("8.00"), Decimal("7.25"))
    assert response.context["overall"].appraised == Decimal("14.75")
    assert appraised(under_way, "01")["2.1"] is None


def test_a_second_appraiser_saving_over_a_newer_value_is_refused_and_shown_it(client, under_way):
    first = staff_user("appraiser", username="thamdinh-mot")
    # Both pages were opened before either saved: they carry the same versions.
    mine = form_data(under_way, "31", **{"1.1": ("6", "Thiếu")})
    theirs = form_data(under_way, "31", **{"1.1": ("5", "Thiếu nhiều")})

    assert (
        verified_client(Client(), first).post(unit_page(under_way, "31"), mine).status_code == 302
    )
    response = staff_client(client, "appraiser").post(unit_page(under_way, "31"), theirs)

    assert response.status_code == 200
    assert (
        "1.1 of Hải Phòng was changed by thamdinh-mot while you were editing it: it is now 6.00. "
        "Nothing was saved; check the value and save again" in text(response)
    )
    assert appraised(under_way, "31")["1.1"] == Decimal("6.00")
    form = next(row.form for row in response.context["rows"] if row.leaf.code == "1.1")
    assert (form["points"].value(), form["reason"].value()) == ("5", "Thiếu nhiều")
    # The page now carries the stored version: saving again is a deliberate overwrite.
    again = {name: form[name].value() for name in ("version", "shown_points", "shown_reason")}
    assert again == {"version": "2", "shown_points": "6.00", "shown_reason": "Thiếu"}


def test_the_matrix_refusal_is_shown_when_the_stage_does_not_allow_appraisal(
    client, province_edition
):
    edition = appraisal_under_way(province_edition, Edition.Status.SELF_ASSESSMENT)

    response = staff_client(client, "appraiser").post(
        unit_page(edition, "31"), form_data(edition, "31", **{"2.1": ("4", "")})
    )

    assert (
        "appraised_points cannot be written while the 2019 province edition is in the "
        "Self-assessment stage" in text(response)
    )
    assert appraised(edition, "31")["2.1"] is None


# The right of reply


def test_a_unit_officer_sees_their_deductions_with_reasons_and_replies(client, in_review):
    officer = staff_user("unit_officer", unit=unit(in_review, "10"))
    client = verified_client(client, officer)

    page = client.get(REPLIES)
    assert [s.criterion.code for s in page.context["deductions"]] == ["2.1", "2.2"]
    assert "Chưa đạt" in text(page)

    leaf = score(in_review, "10", "2.1")
    response = client.post(REPLIES, {"score": leaf.pk, "text": "Đã có văn bản số 12"})

    assert response.status_code == 302
    assert list(Reply.objects.values_list("score", "role", "text", "user")) == [
        (leaf.pk, "unit_officer", "Đã có văn bản số 12", officer.pk)
    ]
    assert "Đã có văn bản số 12" in text(client.get(REPLIES))


def test_only_the_units_own_officer_replies(client, in_review):
    officer = staff_user("unit_officer", unit=unit(in_review, "31"))

    response = verified_client(client, officer).post(
        REPLIES, {"score": score(in_review, "10", "2.1").pk, "text": "Không phải đơn vị tôi"}
    )

    assert "a unit officer writes for their own unit only" in text(response)
    assert Reply.objects.count() == 0


def test_replies_open_only_in_review(client, under_way):
    client = staff_client(client, "unit_officer", unit=unit(under_way, "10"))

    assert "No edition of your unit is in review" in text(client.get(REPLIES))
    response = client.post(REPLIES, {"score": score(under_way, "10", "2.1").pk, "text": "Sớm"})
    assert "reply cannot be written while the 2019 province edition is in the Appraisal stage" in (
        text(response)
    )
    assert "Sớm</textarea>" not in text(response)  # no edition in review: no form to refill
    assert Reply.objects.count() == 0


def test_a_unit_replies_on_deductions_only_and_keeps_what_it_typed(client, in_review):
    client = staff_client(client, "unit_officer", unit=unit(in_review, "10"))

    response = client.post(REPLIES, {"score": score(in_review, "10", "1.1").pk, "text": "Đồng ý"})

    assert "1.1 is not a deduction" in text(response)
    assert Reply.objects.count() == 0


def test_the_appraiser_sees_replies_revises_with_a_reason_and_answers(client, in_review):
    officer = staff_user("unit_officer", unit=unit(in_review, "10"))
    reply(score(in_review, "10", "2.1"), "Đã có văn bản số 12", user=officer)
    appraiser = staff_user("appraiser")
    client = verified_client(client, appraiser)
    assert "Đã có văn bản số 12" in text(client.get(unit_page(in_review, "10")))

    data = form_data(in_review, "10", **{"2.1": ("5", "Đã bổ sung văn bản số 12")})
    data[f"leaf-{score(in_review, '10', '2.1').criterion_id}-answer"] = "Chấp nhận"
    response = client.post(unit_page(in_review, "10"), data)

    assert response.status_code == 302
    change = ScoreChange.objects.get(user=appraiser)
    assert (change.old_value, change.new_value, change.reason, change.source) == (
        "4.50",
        "5.00",
        "Đã bổ sung văn bản số 12",
        "web",
    )
    assert list(Reply.objects.values_list("role", "text")) == [
        ("unit_officer", "Đã có văn bản số 12"),
        ("appraiser", "Chấp nhận"),
    ]


def test_in_review_the_answer_box_is_on_deductions_and_replied_leaves_only(client, in_review):
    client = staff_client(client, "appraiser")

    html = text(client.get(unit_page(in_review, "10")))

    kept = score(in_review, "10", "1.1").criterion_id
    deducted = score(in_review, "10", "2.1").criterion_id
    assert f'name="leaf-{deducted}-answer"' in html
    assert f'name="leaf-{kept}-answer"' not in html
