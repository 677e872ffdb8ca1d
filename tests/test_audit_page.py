"""The audit trail's staff pages: one leaf's history and the recent changes."""

import pytest
from django.urls import reverse

from scoring.models import Reply, Score
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
