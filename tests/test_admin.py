"""The admin shows the audit trails and published results but lets no one, not even a superuser,
add, change or delete them; criteria and participants change only through their writers."""

import pytest
from django.contrib.auth import get_user_model

from scoring.models import (
    Average,
    Criterion,
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
