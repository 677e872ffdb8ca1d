"""An officer never reads another staff account's name (docs/rules.md, "Privacy"): their own
unit's accounts by name, every other account as "MoHA staff", on every staff page an officer can
open, probed over HTTP as two officers of different units."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from provinces.models import Unit
from scoring.lifecycle import open_appraisal, open_review, open_self_assessment
from scoring.models import Criterion, Participant, Reply, Score
from scoring.points import Appraisal, SelfAssessment, appraise, set_self_points
from scoring.submission import return_self_assessment, submit_self_assessment
from tests.staff_fixtures import staff_user, verified_client

ACCOUNT = re.compile(r"acct-[a-z0-9-]+")


def unit(code: str) -> Unit:
    """The unit of that code in the 2019 edition (some codes were reused after 2025)."""
    return Participant.objects.get(unit__code=code).unit


def leaf(edition, code: str, leaf_code: str) -> Score:
    return Score.objects.get(
        participant__edition=edition, participant__unit__code=code, criterion__code=leaf_code
    )


def write(edition, writer, entry_type, user, code: str, leaf_code: str, value: str, **extra):
    writer(
        edition,
        [
            entry_type(
                Participant.objects.get(edition=edition, unit__code=code),
                Criterion.objects.get(edition=edition, code=leaf_code),
                points=Decimal(value),
                **extra,
            )
        ],
        user=user,
        source="web",
    )


@pytest.fixture
def people(province_edition):
    return {
        "admin": staff_user("admin", username="acct-quantri"),
        "appraiser": staff_user("appraiser", username="acct-thamdinh"),
        "hanoi": staff_user("unit_officer", unit=unit("01"), username="acct-hanoi"),
        "colleague": staff_user("unit_officer", unit=unit("01"), username="acct-hanoi-two"),
        "haiphong": staff_user("unit_officer", unit=unit("31"), username="acct-haiphong"),
    }


@pytest.fixture
def given_back(province_edition, people):
    """Each unit's officer self-assessed (Hà Nội every leaf); Hà Nội's colleague submitted and
    an admin gave the self-assessment back."""
    open_self_assessment(province_edition, user=people["admin"])
    for leaf_code in ("1.1", "2.1", "2.2"):
        write(
            province_edition, set_self_points, SelfAssessment, people["hanoi"], "01", leaf_code, "2"
        )
    write(province_edition, set_self_points, SelfAssessment, people["haiphong"], "31", "1.1", "5")
    hanoi = Participant.objects.get(edition=province_edition, unit__code="01")
    submit_self_assessment(hanoi, user=people["colleague"])
    return_self_assessment(hanoi, user=people["admin"], reason="Thiếu tài liệu")
    return province_edition


@pytest.fixture
def in_review(given_back, people):
    """Then appraised by the appraiser, who answered the Hà Nội officer's reply in review."""
    edition = given_back
    open_appraisal(edition, user=people["admin"])
    for code in ("01", "31"):
        write(edition, appraise, Appraisal, people["appraiser"], code, "1.1", "4", reason="Thiếu")
    open_review(edition, user=people["admin"])
    for code, officer in (("01", people["hanoi"]), ("31", people["haiphong"])):
        score = leaf(edition, code, "1.1")
        Reply.objects.create(score=score, text="Xin xem lại", role="unit_officer", user=officer)
        Reply.objects.create(score=score, text="Đã xem", role="appraiser", user=people["appraiser"])
    return edition


def signed_in(user) -> Client:
    return verified_client(Client(), user)


def names_on(client: Client, address: str, **query) -> set[str]:
    response = client.get(address, query)
    assert response.status_code == 200, address
    return set(ACCOUNT.findall(response.text))


def officer_pages(edition, code: str) -> list[str]:
    return [
        reverse("staff:home"),
        reverse("staff:changes"),
        reverse("staff:leaf_history", args=[leaf(edition, code, "1.1").pk]),
        reverse("staff:replies"),
    ]


def test_a_given_back_self_assessment_names_a_colleague_but_not_the_admin(given_back, people):
    page = signed_in(people["hanoi"]).get(reverse("staff:self_assessment"))

    assert page.status_code == 200
    assert "Given back on" in page.text
    assert "by MoHA staff, for this reason" in page.text
    assert set(ACCOUNT.findall(page.text)) == {"acct-hanoi"}


@pytest.mark.parametrize(
    ("officer", "code", "own_unit"),
    [("hanoi", "01", {"acct-hanoi", "acct-hanoi-two"}), ("haiphong", "31", {"acct-haiphong"})],
)
def test_an_officer_reads_only_their_own_units_account_names(
    in_review, people, officer, code, own_unit
):
    client = signed_in(people[officer])

    for address in officer_pages(in_review, code):
        assert names_on(client, address) <= own_unit, address
    changes = client.get(reverse("staff:changes")).text
    assert "MoHA staff" in changes  # the admin's stage moves and the appraiser's points


def test_an_officers_person_filter_lists_their_units_accounts_only(in_review, people):
    client = signed_in(people["hanoi"])

    form = client.get(reverse("staff:changes")).context["form"]

    assert [user.username for user in form.fields["person"].queryset] == [
        "acct-hanoi",
        "acct-hanoi-two",
    ]


def test_an_officer_cannot_filter_by_an_account_they_may_not_see(in_review, people):
    client = signed_in(people["hanoi"])

    response = client.get(reverse("staff:changes"), {"person": people["appraiser"].pk})

    assert response.context["form"].errors["person"]
    assert names_on(client, reverse("staff:changes"), person=people["appraiser"].pk) <= {
        "acct-hanoi",
        "acct-hanoi-two",
    }


def test_an_appraiser_reads_every_name(in_review, people):
    client = signed_in(people["appraiser"])

    assert names_on(client, reverse("staff:changes")) >= {
        "acct-quantri",
        "acct-thamdinh",
        "acct-hanoi",
        "acct-hanoi-two",
        "acct-haiphong",
    }
