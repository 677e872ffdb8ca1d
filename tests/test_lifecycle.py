"""scoring.lifecycle: an edition moves draft → self_assessment → appraisal → review → published
by explicit acts of an admin, each recorded; a correction reopens it with a written reason."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from files.problems import Refused
from scoring.lifecycle import open_appraisal, open_review, open_self_assessment, reopen_edition
from scoring.models import Edition, EditionEvent
from scoring.publish import PublishRefused, publish_edition
from tests.conftest import lines


@pytest.fixture
def admin_user(db):
    user = get_user_model().objects.create_user("quantri", password="x")
    user.groups.add(Group.objects.get(name="admin"))
    return user


def test_an_admin_moves_an_edition_through_every_stage_and_each_step_is_recorded(
    scored_provinces, admin_user
):
    edition = open_self_assessment(scored_provinces, user=admin_user, note="Mở đợt tự đánh giá")
    assert edition.status == "self_assessment"
    edition = open_appraisal(edition, user=admin_user)
    edition = open_review(edition, user=admin_user)
    edition = publish_edition(edition, user=admin_user)
    edition = reopen_edition(edition, user=admin_user, reason="Sai sót điểm tiêu chí 1.1")

    assert edition.status == "review"
    events = EditionEvent.objects.filter(edition=edition).order_by("pk")
    assert [(e.action, e.user, e.reason) for e in events] == [
        ("open_self_assessment", admin_user, "Mở đợt tự đánh giá"),
        ("open_appraisal", admin_user, ""),
        ("open_review", admin_user, ""),
        ("publish", admin_user, ""),
        ("reopen", admin_user, "Sai sót điểm tiêu chí 1.1"),
    ]


def test_a_stage_cannot_be_skipped(province_edition, admin_user):
    with pytest.raises(Refused) as refusal:
        open_review(province_edition, user=admin_user)

    assert lines(refusal.value.problems) == [
        "the 2019 province edition is in the Draft stage; it cannot move on from there this way"
    ]
    assert Edition.objects.get(pk=province_edition.pk).status == "draft"
    assert not EditionEvent.objects.exists()


def test_only_an_admin_moves_an_edition(province_edition):
    appraiser = get_user_model().objects.create_user("thamdinh", password="x")
    appraiser.groups.add(Group.objects.get(name="appraiser"))

    with pytest.raises(Refused) as refusal:
        open_self_assessment(province_edition, user=appraiser)

    assert lines(refusal.value.problems) == [
        "only an admin moves an edition from one stage to the next"
    ]


def test_a_correction_needs_a_written_reason(published, admin_user):
    edition = published

    with pytest.raises(Refused) as refusal:
        reopen_edition(edition, user=admin_user, reason="   ")

    assert lines(refusal.value.problems) == ["a correction needs a written reason"]
    assert Edition.objects.get(pk=edition.pk).is_published


def test_a_reopened_edition_says_so_on_its_cached_public_pages_at_once(
    client, settings, published, admin_user
):
    settings.PAGE_CACHE = True
    ranking = "/en/rankings/2019/province/"
    assert "Under correction" not in client.get(ranking).text

    reopen_edition(published, user=admin_user, reason="Sai sót điểm tiêu chí 1.1")

    # The last published results stay public (issue 15, item 9), under the notice.
    page = client.get(ranking)
    assert page.status_code == 200
    assert "Under correction since" in page.text
    assert "Sai sót điểm tiêu chí 1.1" in page.text
    assert "90.00" in page.text
    assert b"90.00" in client.get("/en/charts/unit/ha-noi/history.svg").content


def test_only_an_admin_publishes(scored_provinces, admin_user):
    edition = open_review(
        open_appraisal(open_self_assessment(scored_provinces, user=admin_user), user=admin_user),
        user=admin_user,
    )
    appraiser = get_user_model().objects.create_user("thamdinh", password="x")
    appraiser.groups.add(Group.objects.get(name="appraiser"))

    with pytest.raises(PublishRefused) as refusal:
        publish_edition(edition, user=appraiser)

    assert refusal.value.problems == ["only an admin moves an edition from one stage to the next"]
    assert Edition.objects.get(pk=edition.pk).status == "review"
    assert not edition.results.exists()


def test_an_admin_publishes_only_from_review(scored_provinces, admin_user):
    edition = open_self_assessment(scored_provinces, user=admin_user)

    with pytest.raises(PublishRefused) as refusal:
        publish_edition(edition, user=admin_user)

    assert refusal.value.problems == [
        "the 2019 province edition is in the Self-assessment stage; it cannot move on from "
        "there this way"
    ]
    assert not edition.results.exists()


def test_the_system_publishes_from_any_stage(scored_provinces):
    # The publish command and the demo run as the system (no user).
    assert publish_edition(scored_provinces).status == "published"
