"""The admin shows the audit trails and published results but lets no one, not even a superuser,
add, change or delete them; criteria and participants change only through their writers."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from scoring.models import (
    Average,
    Criterion,
    Edition,
    EditionChange,
    EditionEvent,
    FieldResult,
    Participant,
    Result,
    ScoreChange,
)
from scoring.publish import publish_edition
from tests.staff_fixtures import verified_client

READ_ONLY = [
    ScoreChange,
    EditionEvent,
    EditionChange,
    Result,
    FieldResult,
    Average,
    Criterion,
    Participant,
]


@pytest.fixture
def superuser_client(client, db):
    user = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "x")
    return verified_client(client, user)


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda model: model.__name__)
def test_a_superuser_can_list_but_not_add_change_or_delete(
    superuser_client, scored_provinces, model
):
    publish_edition(scored_provinces)
    row = model.objects.first()
    base = f"/admin/scoring/{model._meta.model_name}/"

    listing = superuser_client.get(base)
    adding = superuser_client.get(base + "add/")
    changing = superuser_client.post(f"{base}{row.pk}/change/", {})
    deleting = superuser_client.post(f"{base}{row.pk}/delete/", {"post": "yes"})

    assert listing.status_code == 200
    assert adding.status_code == 403
    assert changing.status_code == 403
    assert deleting.status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


def _edition_form(**changes) -> dict:
    data = {
        "year": "2024",
        "level": "ministry",
        "methodology_note_vi": "",
        "methodology_note_en": "",
        "group_a": "90",
        "group_b": "80",
        "group_c": "70",
        "evidence_rule": "warn",
    }
    return {**data, **changes}


def test_an_edition_added_in_the_admin_is_made_by_create_edition_with_its_participants(
    superuser_client,
):
    response = superuser_client.post("/admin/scoring/edition/add/", _edition_form())

    assert response.status_code == 302
    edition = Edition.objects.get(year=2024, level="ministry")
    assert (edition.status, edition.participants.count()) == ("draft", 19)
    change = EditionChange.objects.get(edition=edition)
    assert (change.action, change.source, change.user.username) == ("added", "admin", "quantri")


def test_the_admin_changes_thresholds_but_not_the_stage_and_never_a_published_edition(
    superuser_client, scored_provinces
):
    address = f"/admin/scoring/edition/{scored_provinces.pk}/change/"
    form = _edition_form(group_a="95", status="published")

    superuser_client.post(address, form)
    scored_provinces.refresh_from_db()
    assert (scored_provinces.group_a, scored_provinces.status) == (Decimal("95.00"), "draft")
    latest = scored_provinces.history.first()
    assert (latest.group_a, latest.history_user.username) == (Decimal("95.00"), "quantri")

    publish_edition(scored_provinces)
    refused = superuser_client.post(address, _edition_form(group_a="85"))
    scored_provinces.refresh_from_db()
    assert (refused.status_code, scored_provinces.group_a) == (403, Decimal("95.00"))
