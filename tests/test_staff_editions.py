"""The editions screens: admins move an edition one stage at a time from the web, publish after a
confirmation and reopen a published edition with a written reason; no other role can."""

import pytest
from django.test import Client
from django.utils import formats, timezone

from provinces.models import Unit
from scoring.models import Correction, Edition, EditionChange, EditionEvent
from scoring.publish import publish_edition
from scoring.submission import submit_self_assessment
from tests.conftest import imported
from tests.staff_fixtures import staff_client, staff_user, verified_client

LIST = "/en/staff/editions/"


def page(edition: Edition, action: str = "") -> str:
    return f"/en/staff/editions/{edition.pk}/{action + '/' if action else ''}"


@pytest.fixture
def admin(client, db):
    return staff_client(client, "admin")


def in_review(edition: Edition) -> Edition:
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.REVIEW)
    return Edition.objects.get(pk=edition.pk)


def test_the_list_shows_each_edition_with_its_stage_participants_and_progress(
    admin, scored_provinces, ministry_edition
):
    html = admin.get(LIST).text

    assert f'<a href="/en/staff/editions/{scored_provinces.pk}/">2019 · Province</a>' in html
    # Provinces: 3 participants, none submitted, 3 × 3 self leaves all appraised.
    assert (
        '<td>Draft</td>\n    <td class="num">3</td>\n    <td class="num">0</td>\n'
        '    <td class="num">9 / 9 (100 %)</td>'
    ) in html
    # Ministries: 2 participants, 1 self leaf each, none appraised.
    assert '<td class="num">0 / 2 (0 %)</td>' in html


def test_an_admin_moves_an_edition_one_stage_at_a_time_with_a_note(admin, scored_provinces):
    response = admin.post(
        page(scored_provinces, "move"),
        {"action": "open_self_assessment", "note": "Mở đợt 2019"},
    )

    assert response.status_code == 302
    assert response["Location"] == page(scored_provinces)
    event = EditionEvent.objects.get()
    assert (event.action, event.reason, event.user.groups.get().name) == (
        "open_self_assessment",
        "Mở đợt 2019",
        "admin",
    )
    html = admin.get(page(scored_provinces)).text
    assert "Self-assessment opened" in html
    assert "Mở đợt 2019" in html
    # The one next step offered is the appraisal.
    assert '<input type="hidden" name="action" value="open_appraisal">' in html


def test_a_step_out_of_turn_is_refused_and_the_note_kept(admin, scored_provinces):
    response = admin.post(
        page(scored_provinces, "move"), {"action": "open_review", "note": "Bỏ qua một bước"}
    )

    assert response.status_code == 409
    assert (
        "the 2019 province edition is in the Draft stage; it cannot move on from there this way"
    ) in response.text
    assert ">Bỏ qua một bước</textarea>" in response.text
    assert Edition.objects.get(pk=scored_provinces.pk).status == "draft"
    assert not EditionEvent.objects.exists()


def test_publishing_asks_for_confirmation_then_publishes(admin, scored_provinces):
    edition = in_review(scored_provinces)

    confirmation = admin.get(page(edition, "publish"))

    assert confirmation.status_code == 200
    assert (
        "You are about to publish the PAR Index 2019: Province, the results of 3 units; this is "
        "public: the results appear on the public pages at once."
    ) in confirmation.text
    assert Edition.objects.get(pk=edition.pk).status == "review"

    response = admin.post(page(edition, "publish"))

    assert response.status_code == 302
    assert Edition.objects.get(pk=edition.pk).is_published
    assert admin.get("/en/rankings/2019/province/").status_code == 200


def test_publishing_refused_lists_what_is_missing(admin, half_scored_provinces):
    edition = in_review(half_scored_provinces)

    response = admin.post(page(edition, "publish"))

    assert response.status_code == 409
    assert (
        "Hà Nội (01): 3 sub-criteria without final points: 1.1 (appraised), 1.2 (survey), "
        "2.2 (appraised)"
    ) in response.text
    assert Edition.objects.get(pk=edition.pk).status == "review"


def test_publishing_is_offered_only_in_review(admin, scored_provinces):
    response = admin.get(page(scored_provinces, "publish"))

    assert response.status_code == 409
    assert "You are about to publish" not in response.text
    assert admin.post(page(scored_provinces, "publish")).status_code == 409
    assert Edition.objects.get(pk=scored_provinces.pk).status == "draft"


def test_reopening_needs_a_written_reason(admin, published):
    response = admin.post(page(published, "reopen"), {"reason": "  "})

    assert response.status_code == 409
    assert "a correction needs a written reason" in response.text
    assert Edition.objects.get(pk=published.pk).is_published


def test_an_admin_reopens_with_a_reason_and_republishing_records_the_correction(admin, published):
    form = admin.get(page(published, "reopen")).text
    assert "You are about to reopen a published edition for correction" in form

    response = admin.post(
        page(published, "reopen"), {"reason": "Hải Phòng: 1.1 nhập sai", "units": ["31"]}
    )

    assert response.status_code == 302
    assert Edition.objects.get(pk=published.pk).status == "review"
    imported(
        "scores",
        "year,level,unit,criterion,self_points,appraised_points,appraisal_reason\n"
        "2019,province,31,1.1,7,7,\n",
    )
    assert admin.post(page(published, "publish")).status_code == 302
    assert Correction.objects.get().reason == "Hải Phòng: 1.1 nhập sai"


def test_reopening_is_offered_only_for_a_published_edition(admin, scored_provinces):
    response = admin.post(page(scored_provinces, "reopen"), {"reason": "Sai"})

    assert response.status_code == 409
    assert Edition.objects.get(pk=scored_provinces.pk).status == "draft"


@pytest.mark.parametrize("role", ["appraiser", "unit_officer"])
def test_other_roles_can_neither_see_nor_move_editions(client, scored_provinces, role):
    unit = Unit.objects.get(slug="ha-noi")
    user = staff_user(role, unit=unit if role == "unit_officer" else None)
    other = verified_client(client, user)
    edition = in_review(scored_provinces)

    assert other.get(LIST).status_code == 403
    assert other.get(page(edition)).status_code == 403
    assert other.post(page(edition, "publish")).status_code == 403
    assert other.post(page(edition, "move"), {"action": "open_review"}).status_code == 403
    assert Edition.objects.get(pk=edition.pk).status == "review"
    publish_edition(edition)
    assert other.post(page(edition, "reopen"), {"reason": "Sai"}).status_code == 403
    assert Edition.objects.get(pk=edition.pk).is_published


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(client, published):
    for address in (LIST, page(published), page(published, "reopen")):
        response = client.get(address)
        assert response.status_code == 302
        assert "next=" in response["Location"]
    client.post(page(published, "reopen"), {"reason": "Sai"})
    assert Edition.objects.get(pk=published.pk).is_published


def test_a_step_is_a_post_with_a_csrf_token(client, scored_provinces):
    admin = staff_user("admin")
    strict = verified_client(Client(enforce_csrf_checks=True), admin)

    assert strict.get(page(scored_provinces, "move")).status_code == 405
    response = strict.post(page(scored_provinces, "move"), {"action": "open_self_assessment"})
    assert response.status_code == 403
    assert Edition.objects.get(pk=scored_provinces.pk).status == "draft"


def submitted(edition: Edition, code: str = "01"):
    """The unit's self-assessment submitted by its officer during the self-assessment stage."""
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SELF_ASSESSMENT)
    participant = edition.participants.get(unit__code=code)
    officer = staff_user("unit_officer", unit=participant.unit, username="officer-hn")
    return submit_self_assessment(participant, user=officer)


def test_the_edition_page_lists_each_participant_with_its_submission_and_appraisal(
    admin, scored_provinces
):
    participant = submitted(scored_provinces)

    html = admin.get(page(scored_provinces)).text

    when = formats.date_format(
        timezone.localtime(participant.submitted_at), "SHORT_DATETIME_FORMAT"
    )
    assert f"<td>submitted on {when} by officer-hn</td>" in html
    assert html.count("<td>not submitted</td>") == 2
    assert html.count('<td class="num">3 / 3 <progress max="3" value="3"') == 3
    assert html.count('class="give-back"') == 1
    assert f'action="{page(scored_provinces, "give-back")}01/"' in html


def test_an_admin_gives_a_submitted_self_assessment_back_with_a_reason(admin, scored_provinces):
    submitted(scored_provinces)

    response = admin.post(
        page(scored_provinces, "give-back") + "01/", {"reason": "Thiếu minh chứng mục 2.1"}
    )

    assert response.status_code == 302
    assert response["Location"] == page(scored_provinces)
    assert scored_provinces.participants.get(unit__code="01").submitted_at is None
    change = EditionChange.objects.filter(key="01").latest("pk")
    assert change.new_value == {"submitted": None, "reason": "Thiếu minh chứng mục 2.1"}
    assert change.user.groups.get().name == "admin"
    assert "The self-assessment of Ha Noi is given back." in admin.get(page(scored_provinces)).text


def test_giving_back_without_a_reason_is_refused_on_the_edition_page(admin, scored_provinces):
    submitted(scored_provinces)

    response = admin.post(page(scored_provinces, "give-back") + "01/", {"reason": "  "})

    assert response.status_code == 409
    assert "giving a self-assessment back needs a written reason" in response.text
    assert "<details open>" in response.text
    assert scored_provinces.participants.get(unit__code="01").submitted_at is not None


def test_only_an_admin_gives_a_self_assessment_back(client, scored_provinces):
    submitted(scored_provinces)
    appraiser = verified_client(client, staff_user("appraiser"))

    response = appraiser.post(page(scored_provinces, "give-back") + "01/", {"reason": "Sai"})

    assert response.status_code == 403
    assert scored_provinces.participants.get(unit__code="01").submitted_at is not None


def test_once_the_appraisal_is_open_nothing_is_given_back(admin, scored_provinces):
    submitted(scored_provinces)
    Edition.objects.filter(pk=scored_provinces.pk).update(status=Edition.Status.APPRAISAL)

    html = admin.get(page(scored_provinces)).text

    assert "submitted on" in html
    assert 'class="give-back"' not in html
