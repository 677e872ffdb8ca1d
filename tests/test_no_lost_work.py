"""No lost work (issue 16, item 2), through the test client: each field of the self-assessment
and of a unit's appraisal saved on its own (by its Save button or the page's autosave), the error
summary linking to each input in error, a post that meets an expired session kept and shown back
after signing in again to the same account only, and "Submit" saving the unsaved changes first.

The fixture tree (tests/conftest.py): field 1 = 1.1 self (max 8) + 1.2 survey; field 2 = 2.1 self
(max 5) + 2.2 self (max 3). The appraisal states are tests/test_progress.py's.
"""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from scoring.models import Score
from staff.drafts import OWNER_FIELD, owner_token
from tests import test_self_assessment as screen
from tests.staff_fixtures import PASSWORD, staff_user, verified_client
from tests.test_appraisal import appraised, form_data, unit_page
from tests.test_progress import appraisal_under_way

PAGE = "/en/staff/self-assessment/"
SUBMIT = "/en/staff/self-assessment/submit/"
LOGIN = "/en/staff/login/"
KEEP_ALIVE = "/en/staff/session/keep-alive/"
PDF = b"%PDF-1.7\n%%EOF\n"

# The self-assessment screen's own fixtures: an open edition, Hà Nội, its signed-in officer.
evidence_root = screen.evidence_root
edition = screen.edition
hanoi = screen.hanoi
officer = screen.officer
officer_client = screen.officer_client


def pk(edition, code: str) -> int:
    return edition.criteria.get(code=code).pk


def typed(edition, owner=None, **points) -> dict:
    """The self-assessment form as posted: every self leaf, points as given (l2_1="4")."""
    data = {"edition": edition.pk}
    if owner is not None:
        data[OWNER_FIELD] = owner_token(owner)
    for code in ("1.1", "2.1", "2.2"):
        leaf = pk(edition, code)
        data |= {
            f"points-{leaf}": points.get("l" + code.replace(".", "_"), ""),
            f"note-{leaf}": "",
            f"url-{leaf}": "",
            f"version-{leaf}": 0,
        }
    return data


def stored(hanoi) -> dict[str, Decimal | None]:
    return dict(
        Score.objects.filter(participant=hanoi).values_list("criterion__code", "self_points")
    )


def flat(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# The self-assessment, field by field


def test_a_field_saved_alone_writes_only_its_leaves_and_keeps_the_others_as_typed(
    officer_client, edition, hanoi
):
    data = typed(edition, l1_1="6", l2_1="4") | {"save_part": "1"}

    response = officer_client.post(f"{PAGE}?edition={edition.pk}", data)

    assert response.status_code == 200
    assert stored(hanoi) == {"1.1": Decimal("6.00")}
    page = flat(response)
    assert "Field 1 saved: 1 sub-criterion changed." in page
    assert "Other fields still have changes that are not saved: save them too." in page
    assert f'name="points-{pk(edition, "2.1")}" value="4"' in page
    # The saved leaf carries its new version, so its next save is not refused as stale.
    assert f'name="version-{pk(edition, "1.1")}" value="1"' in page


def test_a_field_saved_when_nothing_else_changed_goes_back_to_the_page(
    officer_client, edition, hanoi
):
    data = typed(edition, l2_1="4", l2_2="2,5") | {"save_part": "2"}

    response = officer_client.post(f"{PAGE}?edition={edition.pk}", data)

    assert response.status_code == 302
    assert stored(hanoi) == {"2.1": Decimal("4.00"), "2.2": Decimal("2.50")}
    page = flat(officer_client.get(response.url))
    assert "Draft saved: 2 sub-criteria changed." in page
    assert "1 of 1 sub-criteria filled" not in page
    assert "0 of 1 sub-criteria filled" in page
    assert "2 of 2 sub-criteria filled" in page


def test_the_autosave_of_a_field_answers_the_new_versions(officer_client, edition, hanoi):
    leaf = pk(edition, "2.1")
    data = {
        "edition": edition.pk,
        f"points-{leaf}": "3",
        f"note-{leaf}": "đã có",
        f"url-{leaf}": "",
        f"version-{leaf}": 0,
        "save_part": "2",
        "autosave": "1",
    }

    answer = officer_client.post(f"{PAGE}?edition={edition.pk}", data).json()

    assert answer["saved"] is True
    assert answer["values"] == {f"version-{leaf}": "1"}
    assert re.fullmatch(r"\d\d:\d\d", answer["at"])
    assert stored(hanoi) == {"2.1": Decimal("3.00")}


def test_an_autosave_with_a_wrong_value_saves_nothing_and_says_why(officer_client, edition, hanoi):
    data = typed(edition, l1_1="9") | {"save_part": "1", "autosave": "1"}

    answer = officer_client.post(f"{PAGE}?edition={edition.pk}", data).json()

    assert answer == {
        "saved": False,
        "problems": [
            "Nothing was saved: correct the values marked below.",
            "1.1: 9 is above the maximum of 8.00",
        ],
    }
    assert stored(hanoi) == {}


def test_the_error_summary_links_to_each_input_in_error(officer_client, edition, hanoi):
    data = typed(edition, l1_1="abc", l2_2="4") | {"action": "save"}
    data[f"url-{pk(edition, '2.1')}"] = "not an address"

    page = flat(officer_client.post(f"{PAGE}?edition={edition.pk}", data))

    summary = re.search(r'<div class="errors" role="alert" id="error-summary">(.*?)</div>', page)
    assert summary is not None
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(1)) == [
        (
            f"points-{pk(edition, '1.1')}",
            "1.1: &quot;abc&quot; is not a number of points (e.g. 7.5 or 7,5)",
        ),
        (
            f"url-{pk(edition, '2.1')}",
            "2.1: &quot;not an address&quot; is not a web address (expected https://...)",
        ),
        (f"points-{pk(edition, '2.2')}", "2.2: 4 is above the maximum of 3.00"),
    ]
    assert "<h2>Values to correct</h2>" in summary.group(1)
    assert stored(hanoi) == {}


# A post that meets an expired session


def _expire(client):
    client.logout()


def test_values_posted_after_the_session_expired_come_back_after_signing_in_again(
    client, officer, edition, hanoi
):
    page_address = f"{PAGE}?edition={edition.pk}"
    data = typed(edition, owner=officer, l1_1="7,25", l2_1="4") | {"action": "save"}
    data[f"file-{pk(edition, '1.1')}"] = SimpleUploadedFile("bao-cao.pdf", PDF)

    answer = client.post(page_address, data)

    assert answer.status_code == 302
    assert answer.url.startswith(LOGIN)
    assert stored(hanoi) == {}
    signed_in = client.post(
        LOGIN, {"username": "canbo-hanoi", "password": PASSWORD, "next": page_address}
    )
    assert signed_in.url == page_address
    page = flat(client.get(page_address))
    assert "the values you typed are back but not saved yet. Check them and save." in page
    assert "Files cannot be kept over a sign-in: attach the evidence file of 1.1 again." in page
    assert f'name="points-{pk(edition, "1.1")}" value="7,25"' in page
    assert f'name="points-{pk(edition, "2.1")}" value="4"' in page
    # Shown, never saved without the person.
    assert stored(hanoi) == {}
    # Once: the next visit shows what is stored.
    assert "are back but not saved yet" not in flat(client.get(page_address))


def test_values_kept_for_one_account_never_come_back_to_another(client, officer, edition, hanoi):
    colleague = staff_user("unit_officer", unit=hanoi.unit, username="canbo-khac")
    page_address = f"{PAGE}?edition={edition.pk}"
    client.post(page_address, typed(edition, owner=officer, l1_1="7") | {"action": "save"})

    client.post(LOGIN, {"username": colleague.username, "password": PASSWORD})
    page = flat(client.get(page_address))

    assert "are back but not saved yet" not in page
    assert f'name="points-{pk(edition, "1.1")}" value=""' in page
    # Dropped, not waiting for the first account either.
    client.logout()
    client.post(LOGIN, {"username": "canbo-hanoi", "password": PASSWORD})
    assert "are back but not saved yet" not in flat(client.get(page_address))


def test_a_post_without_a_valid_owner_is_not_kept(client, officer, edition):
    page_address = f"{PAGE}?edition={edition.pk}"
    data = typed(edition, l1_1="7") | {"action": "save", OWNER_FIELD: "forged"}
    client.post(page_address, data)

    client.post(LOGIN, {"username": "canbo-hanoi", "password": PASSWORD})

    assert "are back but not saved yet" not in flat(client.get(page_address))


def test_autosaves_after_the_expiry_are_all_kept(client, officer, edition):
    page_address = f"{PAGE}?edition={edition.pk}"
    owner = {"edition": edition.pk, OWNER_FIELD: owner_token(officer), "autosave": "1"}
    one, two = pk(edition, "1.1"), pk(edition, "2.1")
    client.post(page_address, owner | {f"points-{one}": "5", "save_part": "1"})
    client.post(page_address, owner | {f"points-{two}": "2", "save_part": "2"})

    client.post(LOGIN, {"username": "canbo-hanoi", "password": PASSWORD})
    page = flat(client.get(page_address))

    assert f'name="points-{one}" value="5"' in page
    assert f'name="points-{two}" value="2"' in page


# Submitting with unsaved changes


def test_submit_saves_the_unsaved_changes_first(officer_client, edition, hanoi):
    data = typed(edition, l1_1="8", l2_1="5", l2_2="3") | {"action": "submit"}

    response = officer_client.post(f"{SUBMIT}?edition={edition.pk}", data)

    page = flat(response)
    assert "Your unsaved changes were saved first: 3 sub-criteria changed." in page
    assert "Submit it now?" in page
    assert stored(hanoi) == {"1.1": Decimal("8.00"), "2.1": Decimal("5.00"), "2.2": Decimal("3.00")}
    hanoi.refresh_from_db()
    assert hanoi.submitted_at is None


def test_submit_with_a_change_that_cannot_be_saved_submits_nothing(officer_client, edition, hanoi):
    data = typed(edition, l1_1="8", l2_1="6", l2_2="3") | {"action": "submit"}

    response = officer_client.post(f"{SUBMIT}?edition={edition.pk}", data)

    page = flat(response)
    assert "Nothing was submitted: the changes below are not saved." in page
    assert f'<a href="#points-{pk(edition, "2.1")}">2.1: 6 is above the maximum of 5.00</a>' in page
    assert f'name="points-{pk(edition, "1.1")}" value="8"' in page
    assert stored(hanoi) == {}
    hanoi.refresh_from_db()
    assert hanoi.submitted_at is None


# A unit's appraisal, field by field


@pytest.fixture
def appraising(province_edition):
    return appraisal_under_way(province_edition)


@pytest.fixture
def appraiser_client(client, db):
    return verified_client(client, staff_user("appraiser"))


def test_an_appraisal_field_saved_alone_writes_only_its_leaves(appraiser_client, appraising):
    data = form_data(appraising, "10", **{"1.1": ("5", "Thiếu"), "2.1": ("4", "Thiếu")})
    data["save_part"] = "2"

    response = appraiser_client.post(unit_page(appraising, "10"), data)

    assert response.status_code == 200
    assert appraised(appraising, "10") == {
        "1.1": Decimal("6.00"),
        "2.1": Decimal("4.00"),
        "2.2": Decimal("1.50"),
    }
    page = flat(response)
    assert "1 sub-criterion saved." in page
    assert "Other fields still have changes that are not saved: save them too." in page
    leaf = pk(appraising, "1.1")
    assert f'name="leaf-{leaf}-points" value="5"' in page


def test_an_appraisal_autosave_answers_the_new_shown_values(appraiser_client, appraising):
    leaf = pk(appraising, "2.2")
    full = form_data(appraising, "10", **{"2.2": ("2", "")})
    data = {key: value for key, value in full.items() if key.startswith(f"leaf-{leaf}-")}

    answer = appraiser_client.post(
        unit_page(appraising, "10"), data | {"save_part": "2", "autosave": "1"}
    ).json()

    assert answer["saved"] is True
    assert answer["values"] == {
        f"leaf-{leaf}-version": "3",
        f"leaf-{leaf}-shown_points": "2.00",
        f"leaf-{leaf}-shown_reason": "",
        f"leaf-{leaf}-shown_note": "",
    }
    assert appraised(appraising, "10")["2.2"] == Decimal("2.00")


def test_the_appraisal_error_summary_links_to_the_reason(appraiser_client, appraising):
    data = form_data(appraising, "10", **{"2.1": ("3", "")})

    page = flat(appraiser_client.post(unit_page(appraising, "10"), data))

    leaf = pk(appraising, "2.1")
    assert (
        f'<a href="#id_leaf-{leaf}-reason">2.1: Give a reason: the appraised points differ from '
        "the self-assessed 5.00.</a>"
    ) in page


def test_the_appraisal_comes_back_after_an_expired_session(client, appraising):
    appraiser = staff_user("appraiser", username="thamdinh")
    data = form_data(appraising, "10", **{"2.1": ("3", "Thiếu tài liệu")})
    data[OWNER_FIELD] = owner_token(appraiser)
    client.post(unit_page(appraising, "10"), data)

    verified_client(client, appraiser)
    page = flat(client.get(unit_page(appraising, "10")))

    assert "are back but not saved yet" in page
    assert f'name="leaf-{pk(appraising, "2.1")}-points" value="3"' in page
    assert "Thiếu tài liệu</textarea>" in page
    assert appraised(appraising, "10")["2.1"] == Decimal("4.50")


# The session


def test_the_page_knows_when_the_session_ends_and_can_renew_it(officer_client, edition, settings):
    page = flat(officer_client.get(f"{PAGE}?edition={edition.pk}"))

    assert f'data-seconds="{settings.SESSION_COOKIE_AGE}"' in page
    assert officer_client.post(KEEP_ALIVE).json() == {"seconds": settings.SESSION_COOKIE_AGE}


def test_an_expired_session_is_not_renewed(client):
    assert client.post(KEEP_ALIVE).status_code == 302
