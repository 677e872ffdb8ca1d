"""The appraisal work split, the second check, one sub-criterion across units and the confirmed
"accept all remaining", through the test client.

States of the fixture (tests/test_progress.py): Hà Nội (01) self 8, 5, 3 with 1.1 appraised 7.5;
Hải Phòng (31) self 7, 4 and nothing on 2.2, nothing appraised; Lào Cai (10) self 6, 5, 2
appraised 6, 4.5, 1.5. Fields: 1 (1.1 self, 1.2 survey) and 2 (2.1, 2.2 self).
"""

import html
import re
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from scoring.models import Edition, Score, ScoreChange
from scoring.points import Appraisal, appraise
from staff.models import AppraisalAssignment, AppraisalCheck
from tests.staff_fixtures import staff_user, verified_client
from tests.test_appraisal import CONFIRMED, appraised, form_data, unit_page
from tests.test_progress import appraisal_under_way, score


@pytest.fixture
def under_way(province_edition) -> Edition:
    return appraisal_under_way(province_edition)


@pytest.fixture
def first():
    return staff_user("appraiser", username="thamdinh-mot")


@pytest.fixture
def second():
    return staff_user("appraiser", username="thamdinh-hai")


def criterion_page(edition: Edition, code: str) -> str:
    return f"/en/staff/appraisal/{edition.pk}/criterion/{code}/"


def mark_page(edition: Edition, code: str, what: str) -> str:
    return f"/en/staff/appraisal/{edition.pk}/{code}/mark/{what}/"


def assign(edition: Edition, user, *cells: tuple[str, str]) -> None:
    for unit_code, field_code in cells:
        AppraisalAssignment.objects.create(
            participant=edition.participants.get(unit__code=unit_code),
            field_code=field_code,
            appraiser=user,
        )


def page_text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def criterion_form(edition: Edition, code: str, action: str = "save", **typed) -> dict:
    """What the sub-criterion's table sends: every unit's row as shown, with what was typed:
    typed={"u31": ("6", "reason")}."""
    data = {"action": action}
    leaf = edition.criteria.get(code=code)
    for participant in edition.participants.select_related("unit"):
        stored = participant.scores.filter(criterion=leaf).first()
        points = (
            "" if stored is None or stored.appraised_points is None else stored.appraised_points
        )
        reason = stored.appraisal_reason if stored else ""
        prefix = f"unit-{participant.pk}-"
        data |= {
            prefix + "version": stored.version if stored else 0,
            prefix + "shown_points": points,
            prefix + "shown_reason": reason,
            prefix + "points": points,
            prefix + "reason": reason,
        }
        if "u" + participant.unit.code in typed:
            data[prefix + "points"], data[prefix + "reason"] = typed["u" + participant.unit.code]
    return data


# -- "accept all remaining" asks first ------------------------------------------------------------


def test_accept_all_asks_to_confirm_with_the_count_and_saves_nothing_before(client, under_way):
    appraiser = verified_client(client, staff_user("appraiser"))

    asked = appraiser.post(unit_page(under_way, "01"), form_data(under_way, "01", action="accept"))

    assert asked.status_code == 200
    assert (
        "2 sub-criteria will get their self-assessed points as their appraised points."
        in page_text(asked)
    )
    assert appraised(under_way, "01")["2.1"] is None
    hidden = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', asked.content.decode())
    )
    assert hidden["confirmed"] == "yes"

    done = appraiser.post(unit_page(under_way, "01"), hidden | {"action": "accept"})

    assert done.status_code == 302
    assert appraised(under_way, "01") == {
        "1.1": Decimal("7.50"),
        "2.1": Decimal("5.00"),
        "2.2": Decimal("3.00"),
    }


def test_going_back_from_the_confirmation_saves_nothing(client, under_way):
    appraiser = verified_client(client, staff_user("appraiser"))

    back = appraiser.post(
        unit_page(under_way, "01"),
        form_data(under_way, "01", action="recalculate") | CONFIRMED,
    )

    assert back.status_code == 200
    assert appraised(under_way, "01")["2.1"] is None


# -- one sub-criterion across units ---------------------------------------------------------------


def test_the_sub_criterion_table_shows_every_units_claim_and_appraisal(client, under_way):
    appraiser = verified_client(client, staff_user("appraiser"))

    page = page_text(appraiser.get(criterion_page(under_way, "2.1")))

    assert "Sub-criterion 2.1 Criterion 2.1 in every unit" in page
    assert re.findall(r'<tr data-unit="(\d+)"', page) == ["01", "10", "31"]
    assert page.count('name="unit-') == 3 * 5  # points, reason, version and the two shown values
    assert '<td class="num">4.00</td>' in page  # Hải Phòng's claim


def test_appraising_across_units_writes_through_the_appraisal_writer(client, under_way, first):
    appraiser = verified_client(client, first)

    saved = appraiser.post(
        criterion_page(under_way, "2.1"),
        criterion_form(under_way, "2.1", u01=("5", ""), u31=("3", "Thiếu văn bản")),
    )

    assert saved.status_code == 302
    assert appraised(under_way, "01")["2.1"] == Decimal("5.00")
    assert appraised(under_way, "31")["2.1"] == Decimal("3.00")
    assert score(under_way, "31", "2.1").appraisal_reason == "Thiếu văn bản"
    assert sorted(
        ScoreChange.objects.filter(user=first).values_list(
            "score__participant__unit__code", "new_value", "source"
        )
    ) == [("01", "5.00", "web"), ("31", "3.00", "web")]
    assert "2 units saved." in page_text(appraiser.get(saved["Location"]))


def test_a_difference_without_a_reason_is_refused_across_units(client, under_way):
    appraiser = verified_client(client, staff_user("appraiser"))

    refused = appraiser.post(
        criterion_page(under_way, "2.1"), criterion_form(under_way, "2.1", u31=("3", ""))
    )

    assert refused.status_code == 200
    assert "Give a reason: the appraised points differ from the self-assessed 4.00." in page_text(
        refused
    )
    assert appraised(under_way, "31")["2.1"] is None


def test_a_value_saved_meanwhile_on_the_unit_screen_is_not_overwritten(
    client, under_way, first, second
):
    shown = criterion_form(under_way, "2.1", u31=("3", "Thiếu văn bản"))
    haiphong = under_way.participants.get(unit__code="31")
    leaf = under_way.criteria.get(code="2.1")
    appraise(under_way, [Appraisal(haiphong, leaf, points=Decimal("4"))], user=second, source="web")

    refused = verified_client(client, first).post(criterion_page(under_way, "2.1"), shown)

    assert "was changed by thamdinh-hai while you were editing it" in page_text(refused)
    assert appraised(under_way, "31")["2.1"] == Decimal("4.00")


def test_accept_all_across_units_asks_with_its_count(client, under_way):
    appraiser = verified_client(client, staff_user("appraiser"))

    asked = appraiser.post(
        criterion_page(under_way, "2.1"), criterion_form(under_way, "2.1", action="accept")
    )
    assert "2 sub-criteria will get their self-assessed points" in page_text(asked)
    assert appraised(under_way, "01")["2.1"] is None

    appraiser.post(
        criterion_page(under_way, "2.1"),
        criterion_form(under_way, "2.1", action="accept") | CONFIRMED,
    )

    assert [appraised(under_way, code)["2.1"] for code in ("01", "31", "10")] == [
        Decimal("5.00"),
        Decimal("4.00"),
        Decimal("4.50"),
    ]


# -- the work split ----------------------------------------------------------------------------


def test_the_admin_assigns_fields_of_units_to_appraisers(client, under_way, first, second):
    admin = verified_client(client, staff_user("admin"))
    hanoi = under_way.participants.get(unit__code="01")
    laocai = under_way.participants.get(unit__code="10")

    page = admin.get(f"/en/staff/editions/{under_way.pk}/")
    assert reverse("staff:assignments", args=[under_way.pk]) in page.content.decode()
    saved = admin.post(
        f"/en/staff/editions/{under_way.pk}/assignments/",
        {
            f"cell-{hanoi.pk}-1": first.pk,
            f"cell-{hanoi.pk}-2": second.pk,
            f"cell-{laocai.pk}-2": first.pk,
        },
    )

    assert saved.status_code == 302
    assert sorted(
        AppraisalAssignment.objects.values_list(
            "participant__unit__code", "field_code", "appraiser__username"
        )
    ) == [("01", "1", "thamdinh-mot"), ("01", "2", "thamdinh-hai"), ("10", "2", "thamdinh-mot")]
    assert "3 assignments changed." in page_text(admin.get(saved["Location"]))


def test_only_an_admin_opens_the_assignment_screen(client, under_way, first):
    appraiser = verified_client(client, first)

    assert appraiser.get(f"/en/staff/editions/{under_way.pk}/assignments/").status_code == 403


def test_an_appraiser_writes_only_what_is_assigned_to_them(client, under_way, first, second):
    assign(under_way, first, ("01", "1"))
    assign(under_way, second, ("01", "2"))
    appraiser = verified_client(client, first)

    refused = appraiser.post(
        unit_page(under_way, "01"), form_data(under_way, "01", **{"2.1": ("5", "")})
    )

    assert "2.1 of Hà Nội: this field is assigned to another appraiser" in page_text(refused)
    assert appraised(under_way, "01")["2.1"] is None
    saved = appraiser.post(
        unit_page(under_way, "01"), form_data(under_way, "01", **{"1.1": ("8", "")})
    )
    assert saved.status_code == 302
    assert appraised(under_way, "01")["1.1"] == Decimal("8.00")


def test_across_units_an_appraiser_gets_inputs_only_where_assigned(client, under_way, first):
    assign(under_way, first, ("31", "2"))
    appraiser = verified_client(client, first)

    page = page_text(appraiser.get(criterion_page(under_way, "2.1")))

    assert page.count('name="unit-') == 5
    assert page.count("(assigned to another appraiser)") == 2


def test_an_appraisers_list_shows_their_assignments_and_progress(client, under_way, first):
    assign(under_way, first, ("10", "1"), ("10", "2"), ("31", "2"))
    appraiser = verified_client(client, first)

    page = page_text(appraiser.get(f"/en/staff/appraisal/?edition={under_way.pk}"))

    mine = page.split('id="my-assignments"')[1].split("</section>")[0]
    assert re.findall(r'<tr data-unit="(\d+)">', mine) == ["10", "31"]
    assert "1, 2" in mine and "3 of 3" in mine and "0 of 1" in mine


def test_the_edition_screen_shows_progress_per_appraiser(client, under_way, first, second):
    assign(under_way, first, ("10", "1"), ("10", "2"))
    assign(under_way, second, ("31", "1"), ("31", "2"))
    admin = verified_client(client, staff_user("admin"))

    page = page_text(admin.get(f"/en/staff/editions/{under_way.pk}/"))

    rows = dict(re.findall(r'<tr data-appraiser="([^"]+)">(.*?)</tr>', page))
    assert re.findall(r'<td class="num">([^<]*)</td>', rows["thamdinh-mot"]) == [
        "2", "3 of 3", "0 of 1", "0 of 1",
    ]  # fmt: skip
    assert re.findall(r'<td class="num">([^<]*)</td>', rows["thamdinh-hai"]) == [
        "2", "0 of 2", "0 of 1", "0 of 1",
    ]  # fmt: skip


# -- done, the second check, and the review -----------------------------------------------------


def _appraise_all(edition: Edition, user) -> None:
    """Every self-assessed sub-criterion not appraised yet gets its self points."""
    entries = [
        Appraisal(stored.participant, stored.criterion, points=stored.self_points)
        for stored in Score.objects.filter(
            participant__edition=edition,
            criterion__method="self",
            self_points__isnull=False,
            appraised_points__isnull=True,
        ).select_related("participant", "criterion")
    ]
    appraise(edition, entries, user=user, source="test")


def test_done_then_checked_by_a_second_appraiser_lets_the_review_open(
    client, under_way, first, second
):
    for code in ("01", "31", "10"):
        assign(under_way, first, (code, "1"), (code, "2"))
    _appraise_all(under_way, first)
    admin = verified_client(client, staff_user("admin"))
    move = reverse("staff:move", args=[under_way.pk])

    refused = admin.post(move, {"action": "open_review"})

    assert refused.status_code == 409
    assert (
        "the appraisal of these units has not been checked by a second appraiser yet: "
        "Hà Nội, Lào Cai, Hải Phòng" in page_text(refused)
    )
    assert Edition.objects.get(pk=under_way.pk).status == Edition.Status.APPRAISAL

    client.logout()
    verified_client(client, first)
    for code in ("01", "31", "10"):
        assert client.post(mark_page(under_way, code, "done")).status_code == 302
    own = client.post(mark_page(under_way, "01", "check"), follow=True)
    assert "you marked the appraisal of Hà Nội done; a second appraiser must check it" in (
        page_text(own)
    )
    client.logout()
    verified_client(client, second)
    for code in ("01", "31"):
        client.post(mark_page(under_way, code, "check"))
    assert list(
        AppraisalCheck.objects.filter(checked_at__isnull=False)
        .order_by("participant__unit__code")
        .values_list("participant__unit__code", "done_by__username", "checked_by__username")
    ) == [("01", "thamdinh-mot", "thamdinh-hai"), ("31", "thamdinh-mot", "thamdinh-hai")]

    client.logout()
    verified_client(client, admin_user := staff_user("admin"))
    still = client.post(move, {"action": "open_review"})
    assert "yet: Lào Cai" in page_text(still)
    assert Edition.objects.get(pk=under_way.pk).status == Edition.Status.APPRAISAL

    client.logout()
    verified_client(client, second)
    client.post(mark_page(under_way, "10", "check"))
    client.logout()
    verified_client(client, admin_user)
    opened = client.post(move, {"action": "open_review"})
    assert opened.status_code == 302
    assert Edition.objects.get(pk=under_way.pk).status == Edition.Status.REVIEW


def test_an_edition_without_assignments_opens_its_review_unchecked(client, under_way):
    admin = verified_client(client, staff_user("admin"))

    opened = admin.post(reverse("staff:move", args=[under_way.pk]), {"action": "open_review"})

    assert opened.status_code == 302
    assert Edition.objects.get(pk=under_way.pk).status == Edition.Status.REVIEW


def test_a_unit_with_unappraised_sub_criteria_cannot_be_marked_done(client, under_way, first):
    assign(under_way, first, ("31", "1"), ("31", "2"))

    refused = verified_client(client, first).post(mark_page(under_way, "31", "done"), follow=True)

    assert "2 self-assessed sub-criteria of Hải Phòng have no appraised points yet" in page_text(
        refused
    )
    assert AppraisalCheck.objects.count() == 0


def test_only_an_assigned_appraiser_marks_a_unit_done(client, under_way, first, second):
    assign(under_way, first, ("10", "1"), ("10", "2"))

    refused = verified_client(client, second).post(mark_page(under_way, "10", "done"), follow=True)

    assert "only an appraiser assigned to Lào Cai marks its appraisal done" in page_text(refused)
    assert AppraisalCheck.objects.count() == 0


def test_the_database_refuses_a_check_by_the_appraiser_who_marked_it_done(under_way, first):
    laocai = under_way.participants.get(unit__code="10")

    with pytest.raises(IntegrityError), transaction.atomic():
        AppraisalCheck.objects.create(
            participant=laocai,
            done_by=first,
            done_at=timezone.now(),
            checked_by=first,
            checked_at=timezone.now(),
        )


def test_the_django_admin_lists_and_adds_assignments_of_fields_of_the_edition(
    client, under_way, first
):
    admin = verified_client(client, staff_user("admin"))
    hanoi = under_way.participants.get(unit__code="01")

    wrong = admin.post(
        "/admin/staff/appraisalassignment/add/",
        {"participant": hanoi.pk, "field_code": "7", "appraiser": first.pk},
    )
    # The admin speaks the site's default language, Vietnamese.
    assert "Không phải là lĩnh vực của kỳ đánh giá này; các lĩnh vực của kỳ là 1, 2." in page_text(
        wrong
    )
    added = admin.post(
        "/admin/staff/appraisalassignment/add/",
        {"participant": hanoi.pk, "field_code": "2", "appraiser": first.pk},
    )

    assert added.status_code == 302
    assert list(AppraisalAssignment.objects.values_list("field_code", "appraiser")) == [
        ("2", first.pk)
    ]
    assert admin.get("/admin/staff/appraisalcheck/").status_code == 200
    assert admin.get("/admin/staff/appraisalcheck/add/").status_code == 403


def test_the_appraisal_list_opens_a_sub_criterion_through_its_picker(client, under_way):
    appraiser = verified_client(client, staff_user("appraiser"))

    listed = page_text(appraiser.get(f"/en/staff/appraisal/?edition={under_way.pk}"))
    picked = appraiser.get(f"/en/staff/appraisal/criteria/{under_way.pk}/", {"code": "2.2"})

    picker = listed.split('id="criterion-picker"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([\d.]+)"', picker) == ["1.1", "2.1", "2.2"]
    assert picked["Location"] == criterion_page(under_way, "2.2")
    survey = appraiser.get(f"/en/staff/appraisal/criteria/{under_way.pk}/", {"code": "1.2"})
    assert survey.status_code == 404


def test_the_reviews_confirmation_page_names_the_units_not_checked(client, under_way, first):
    assign(under_way, first, ("10", "1"))
    admin = verified_client(client, staff_user("admin"))

    page = page_text(
        admin.get(reverse("staff:confirm_move", args=[under_way.pk]), {"action": "open_review"})
    )

    banner = page.split('id="unchecked-units"')[1].split("</div>")[0]
    assert "The appraisal of 3 units has not been checked by a second appraiser" in banner
    assert re.findall(r"<li>([^<]*)</li>", banner) == ["Hà Nội", "Lào Cai", "Hải Phòng"]


@pytest.mark.parametrize("what", ["done", "check", "reopen"])
def test_an_officer_can_neither_open_a_sub_criterion_table_nor_mark_an_appraisal(
    client, under_way, what
):
    laocai = under_way.participants.get(unit__code="10").unit
    officer = verified_client(client, staff_user("unit_officer", unit=laocai))
    AppraisalCheck.objects.create(
        participant=under_way.participants.get(unit__code="10"),
        done_by=staff_user("appraiser"),
        done_at=timezone.now(),
    )

    assert officer.get(criterion_page(under_way, "2.1")).status_code == 403
    assert officer.post(criterion_page(under_way, "2.1"), {"action": "save"}).status_code == 403
    assert officer.post(mark_page(under_way, "10", what)).status_code == 403
    assert AppraisalCheck.objects.filter(checked_at__isnull=True).count() == 1


def test_a_unit_marked_done_is_not_changed_until_the_mark_is_taken_back(client, under_way, first):
    assign(under_way, first, ("10", "1"), ("10", "2"))
    appraiser = verified_client(client, first)
    appraiser.post(mark_page(under_way, "10", "done"))

    refused = appraiser.post(
        unit_page(under_way, "10"), form_data(under_way, "10", **{"2.1": ("5", "")})
    )

    assert "the appraisal of Lào Cai is marked done; take the mark back before changing it" in (
        page_text(refused)
    )
    assert appraised(under_way, "10")["2.1"] == Decimal("4.50")
    appraiser.post(mark_page(under_way, "10", "reopen"))
    saved = appraiser.post(
        unit_page(under_way, "10"), form_data(under_way, "10", **{"2.1": ("5", "")})
    )
    assert saved.status_code == 302
    assert appraised(under_way, "10")["2.1"] == Decimal("5.00")
    assert AppraisalCheck.objects.count() == 0
