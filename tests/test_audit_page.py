"""The audit trail's staff pages: one leaf's history and the recent changes."""

from decimal import Decimal

import pytest
from django.urls import reverse

from provinces.models import Unit
from scoring.lifecycle import open_appraisal, open_self_assessment
from scoring.models import Criterion, Participant, Reply, Score
from scoring.points import Appraisal, SelfAssessment, appraise, set_self_points
from scoring.submission import return_self_assessment, submit_self_assessment
from tests.staff_fixtures import staff_client, staff_user, verified_client


def leaf(edition, unit_code: str, code: str) -> Score:
    return Score.objects.get(
        participant__edition=edition, participant__unit__code=unit_code, criterion__code=code
    )


def history_url(score: Score) -> str:
    return reverse("staff:leaf_history", args=[score.pk])


@pytest.fixture
def hanoi_leaf(scored_provinces) -> Score:
    return leaf(scored_provinces, "01", "1.1")


def test_a_leaf_history_lists_its_points_changes_and_replies_newest_first(client, hanoi_leaf):
    officer = staff_user("unit_officer", unit=hanoi_leaf.participant.unit)
    Reply.objects.create(
        score=hanoi_leaf, text="Đã bổ sung tài liệu", role="unit_officer", user=officer
    )
    client = verified_client(client, officer)
    response = client.get(history_url(hanoi_leaf))
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [(e.kind, e.old, e.new, e.reason, e.who) for e in entries] == [
        ("reply", "", "Đã bổ sung tài liệu", "", officer),
        ("score_appraised", "", "7.50", "Thiếu tài liệu kiểm chứng", None),
        ("score_self", "", "8.00", "", None),
    ]
    assert [e.source[:30] for e in entries] == ["web", *["import scores file.csv sha256="] * 2]
    content = response.content.decode()
    assert "Đã bổ sung tài liệu" in content
    assert "import scores file.csv sha256=" in content


@pytest.mark.parametrize("role", ["appraiser", "admin"])
def test_appraisers_and_admins_see_every_units_leaf_history(client, hanoi_leaf, role):
    client = staff_client(client, role)
    assert client.get(history_url(hanoi_leaf)).status_code == 200


def test_another_units_officer_gets_not_found(client, scored_provinces):
    other = leaf(scored_provinces, "31", "1.1").participant.unit
    client = staff_client(client, "unit_officer", unit=other)
    assert client.get(history_url(leaf(scored_provinces, "01", "1.1"))).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, hanoi_leaf):
    response = client.get(history_url(hanoi_leaf))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_a_missing_leaf_is_not_found(client, db):
    client = staff_client(client, "admin")
    assert client.get(reverse("staff:leaf_history", args=[999999])).status_code == 404


# --- the recent changes ------------------------------------------------------------------------


def points(edition, writer, entry_type, user, rows, **extra):
    """Write points through the writer as a screen would: rows of (unit code, leaf, points)."""
    writer(
        edition,
        [
            entry_type(
                Participant.objects.get(edition=edition, unit__code=code),
                Criterion.objects.get(edition=edition, code=leaf_code),
                points=Decimal(value),
                **extra,
            )
            for code, leaf_code, value in rows
        ],
        user=user,
        source="web",
    )


@pytest.fixture
def worked(province_edition):
    """Two stages opened by an admin, two self-assessed leaves of Hà Nội by its officer, two
    appraised leaves (Hà Nội, Hải Phòng) by an appraiser, and one reply by the officer."""
    hanoi = Unit.objects.get(code="01", level="province", valid_until__isnull=True)
    people = {
        "admin": staff_user("admin", username="quantri"),
        "officer": staff_user("unit_officer", unit=hanoi, username="hanoi"),
        "appraiser": staff_user("appraiser", username="thamdinh"),
    }
    open_self_assessment(province_edition, user=people["admin"])
    rows = [("01", "1.1", "6"), ("01", "2.1", "4")]
    points(province_edition, set_self_points, SelfAssessment, people["officer"], rows)
    open_appraisal(province_edition, user=people["admin"])
    rows = [("01", "1.1", "5"), ("31", "1.1", "3")]
    points(province_edition, appraise, Appraisal, people["appraiser"], rows, reason="Thiếu")
    Reply.objects.create(
        score=leaf(province_edition, "01", "1.1"),
        text="Xin xem lại",
        role="unit_officer",
        user=people["officer"],
    )
    return people


def changes(client, **filters):
    response = client.get(reverse("staff:changes"), filters)
    assert response.status_code == 200
    return response


def shown(response) -> list[tuple]:
    return [(e.kind, e.unit.code if e.unit else "", e.subject) for e in response.context["page"]]


def test_recent_changes_filtered_by_person(client, worked):
    client = verified_client(client, worked["admin"])
    by_officer = changes(client, person=worked["officer"].pk)
    by_appraiser = changes(client, person=worked["appraiser"].pk)
    by_admin = changes(client, person=worked["admin"].pk)

    assert shown(by_officer) == [
        ("reply", "01", "1.1"),
        ("score_self", "01", "2.1"),
        ("score_self", "01", "1.1"),
    ]
    assert shown(by_appraiser) == [
        ("score_appraised", "31", "1.1"),
        ("score_appraised", "01", "1.1"),
    ]
    assert shown(by_admin) == [
        ("stage", "", "Appraisal opened"),
        ("stage", "", "Self-assessment opened"),
    ]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("score_self", 2),
        ("score_appraised", 2),
        ("score_survey", 0),
        ("stage", 2),
        ("publish", 0),
        ("reply", 1),
    ],
)
def test_recent_changes_filtered_by_kind(client, worked, kind, expected):
    client = verified_client(client, worked["appraiser"])
    entries = changes(client, kind=kind).context["page"]
    assert len(entries) == expected
    assert {entry.kind for entry in entries} <= {kind}


def test_recent_changes_filtered_by_unit(client, worked):
    hanoi = Unit.objects.get(code="01", level="province", valid_until__isnull=True)
    client = verified_client(client, worked["appraiser"])

    assert shown(changes(client, unit=hanoi.pk)) == [
        ("reply", "01", "1.1"),
        ("score_appraised", "01", "1.1"),
        ("score_self", "01", "2.1"),
        ("score_self", "01", "1.1"),
        ("assignment", "01", "hanoi"),
    ]


def test_recent_changes_filtered_by_edition(client, worked, ministry_edition):
    client = verified_client(client, worked["appraiser"])
    province = Participant.objects.filter(unit__code="01").get().edition

    of_ministries = changes(client, edition=ministry_edition.pk).context["page"]
    of_provinces = changes(client, edition=province.pk, kind="score_self")

    # The ministries' set-up by their imports, and the edition's own history record (added).
    assert {(entry.edition, entry.kind) for entry in of_ministries} == {(ministry_edition, "setup")}
    assert len(of_ministries) == ministry_edition.changes.count() + 1 == 23
    assert shown(of_provinces) == [("score_self", "01", "2.1"), ("score_self", "01", "1.1")]


def test_stage_changes_leave_no_empty_edition_records(client, worked):
    edition = Participant.objects.filter(unit__code="01").get().edition
    client = verified_client(client, worked["admin"])

    setup = changes(client, kind="setup", edition=edition.pk).context["page"]

    # Its imports' set-up rows and the edition's own record when it was added; the two stages
    # opened since are EditionEvents, not edition settings that changed nothing.
    assert setup.paginator.count == edition.changes.count() + 1 == 68
    everything = setup.paginator.object_list[:68]
    assert [e.action for e in everything if e.subject == "Edition settings"] == ["Added"]


def test_a_unit_officer_sees_only_their_units_changes_whatever_the_address_asks(client, worked):
    haiphong = Unit.objects.get(code="31", level="province", valid_until__isnull=True)
    client = verified_client(client, worked["officer"])

    response = changes(client, unit=haiphong.pk)

    assert {entry.unit.code for entry in response.context["page"]} == {"01"}
    assert response.context["page"].paginator.count == 5
    assert 'name="unit"' not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in_from_the_recent_changes(client, db):
    response = client.get(reverse("staff:changes"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def many_appraisals(edition, appraiser, times: int) -> None:
    for step in range(times):
        value = str(step % 2 + 1)
        rows = [("01", "1.1", value), ("31", "1.1", value), ("10", "1.1", value)]
        points(edition, appraise, Appraisal, appraiser, rows, reason="Sửa")


def test_recent_changes_come_fifty_a_page_in_time_order(client, worked):
    edition = Participant.objects.filter(unit__code="01").get().edition
    many_appraisals(edition, worked["appraiser"], 20)  # 60 changes, 62 with the first two
    client = verified_client(client, worked["admin"])

    first = changes(client, kind="score_appraised").context["page"]
    second = changes(client, kind="score_appraised", page=2).context["page"]

    assert (len(first), len(second), first.paginator.num_pages) == (50, 12, 2)
    everything = [*first, *second]
    assert [entry.when for entry in everything] == sorted(
        (entry.when for entry in everything), reverse=True
    )
    assert (
        'href="?kind=score_appraised&amp;page=2"'
        in changes(client, kind="score_appraised").content.decode()
    )


def test_the_recent_changes_page_runs_the_same_queries_however_many_changes(
    client, worked, django_assert_max_num_queries
):
    edition = Participant.objects.filter(unit__code="01").get().edition
    client = verified_client(client, worked["admin"])
    many_appraisals(edition, worked["appraiser"], 2)
    # Per source a COUNT and one read of its newest rows (history: with the records before them
    # and the names they point to), the filters' choices, the session and the user's roles.
    with django_assert_max_num_queries(36):
        changes(client)
    many_appraisals(edition, worked["appraiser"], 30)
    with django_assert_max_num_queries(36):
        changes(client, page=2)


def test_a_submission_and_its_give_back_are_listed_with_their_unit_and_reason(
    client, scored_provinces
):
    hanoi = Participant.objects.get(edition=scored_provinces, unit__code="01")
    open_self_assessment(scored_provinces, user=staff_user("admin"))
    submit_self_assessment(hanoi, user=staff_user("unit_officer", unit=hanoi.unit))
    admin = staff_user("admin", username="quantri")
    return_self_assessment(hanoi, user=admin, reason="Thiếu minh chứng 2.1")
    client = verified_client(client, admin)

    response = changes(client, kind="submission", unit=hanoi.unit.pk)

    assert [
        (e.kind, e.unit.code, e.subject, e.old, e.new, e.reason) for e in response.context["page"]
    ] == [
        (
            "submission",
            "01",
            "Self-assessment given back",
            "submitted",
            "given back",
            "Thiếu minh chứng 2.1",
        ),
        ("submission", "01", "Self-assessment submitted", "not submitted", "submitted", ""),
    ]
    assert "<td>Self-assessment submitted or given back</td>" in response.content.decode()
    # The set-up filter leaves them out.
    assert all(e.kind == "setup" for e in changes(client, kind="setup").context["page"])
    assert "Self-assessment given back" not in changes(client, kind="setup").content.decode()


def test_a_reply_shows_the_role_by_its_name(client, worked):
    client = verified_client(client, worked["admin"])

    html = changes(client, kind="reply").content.decode()

    assert '<span class="tag">Unit officer</span>' in html
    assert "unit_officer" not in html
