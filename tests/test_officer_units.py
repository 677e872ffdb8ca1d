"""Officers' accounts across the 2025 merger (issue 16, item 10): codes were reused (24 was Bắc
Giang until 30 June 2025 and is the merged Bắc Ninh since), so `staff_user --unit CODE` binds to
the unit the code names in the year of the open edition of its level, or in the current year when
none is open, and refuses, naming the candidates, when that is none or several; the officer's
staff home says which edition and which unit they work on."""

import io
import sys

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from provinces.models import Unit
from scoring.models import Edition
from scoring.permissions import unit_of
from staff.accounts import officer_unit
from tests.staff_fixtures import PASSWORD, staff_user, verified_client

pytestmark = pytest.mark.django_db


def staff_command(*args) -> str:
    out = io.StringIO()
    saved, sys.stdin = sys.stdin, io.StringIO(f"{PASSWORD}\n")
    try:
        call_command("staff_user", *args, "--password-from-stdin", stdout=out)
    finally:
        sys.stdin = saved
    return out.getvalue()


def officer(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def test_with_no_edition_open_a_code_binds_to_the_unit_it_names_this_year():
    out = staff_command("lan", "--role", "unit_officer", "--unit", "24")

    assert out == "created lan unit_officer province 24\n"
    assert unit_of(officer("lan")).slug == "bac-ninh"


def test_with_an_edition_of_2024_open_a_code_binds_to_the_unit_of_2024():
    Edition.objects.create(year=2024, level="province", status=Edition.Status.SELF_ASSESSMENT)
    Edition.objects.create(year=2023, level="province", status=Edition.Status.REVIEW)

    staff_command("lan", "--role", "unit_officer", "--unit", "24")

    assert unit_of(officer("lan")).slug == "bac-giang"


def test_a_draft_or_published_edition_is_not_the_one_worked_on():
    Edition.objects.create(year=2024, level="province", status=Edition.Status.PUBLISHED)
    Edition.objects.create(year=2023, level="province", status=Edition.Status.DRAFT)

    assert officer_unit("24").slug == "bac-ninh"


def test_an_edition_of_the_other_level_does_not_decide():
    Edition.objects.create(year=2024, level="ministry", status=Edition.Status.SELF_ASSESSMENT)

    assert officer_unit("24").slug == "bac-ninh"


def test_a_code_that_names_no_unit_this_year_is_refused_naming_the_units_it_named():
    with pytest.raises(CommandError) as refusal:
        staff_command("lan", "--role", "unit_officer", "--unit", "10")

    year = timezone.localdate().year
    assert str(refusal.value) == (
        f"'10' names no unit that exists in {year} (the current year; no edition is open), "
        "only lao-cai-2004-2025 (Lào Cai, province 10, … – 2025-06-30); give the slug of the "
        "unit meant or its code in that year"
    )
    assert not officer_exists("lan")


def test_a_code_that_names_two_units_that_year_is_refused_naming_both():
    Unit.objects.create(
        level="ministry",
        code="24",
        slug="bo-thu",
        name_vi="Bộ Thử",
        name_en="Test",
        category="ministry",
    )
    Edition.objects.create(year=2024, level="province", status=Edition.Status.APPRAISAL)
    Edition.objects.create(year=2024, level="ministry", status=Edition.Status.APPRAISAL)

    with pytest.raises(CommandError) as refusal:
        staff_command("lan", "--role", "unit_officer", "--unit", "24")

    assert str(refusal.value) == (
        "'24' names 2 units that exist in 2024 (the year of the open edition): "
        "bo-thu (Bộ Thử, ministry 24, … – …); "
        "bac-giang (Bắc Giang, province 24, … – 2025-06-30); give the slug of one"
    )


def test_a_slug_binds_to_its_unit_if_it_exists_in_that_year():
    Edition.objects.create(year=2024, level="province", status=Edition.Status.SELF_ASSESSMENT)

    assert officer_unit("bac-giang").code == "24"
    with pytest.raises(Exception, match="'bac-ninh' names no unit that exists in 2024"):
        officer_unit("bac-ninh")


def test_an_unknown_code_is_refused():
    with pytest.raises(CommandError, match="no unit with the code or slug 'XYZ'"):
        staff_command("lan", "--role", "unit_officer", "--unit", "XYZ")


def officer_exists(username: str) -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username).exists()


# The staff home


def test_an_officers_home_says_which_edition_and_unit_they_work_on(client, province_edition):
    province_edition.status = Edition.Status.SELF_ASSESSMENT
    province_edition.save()
    hai_phong = province_edition.participants.get(unit__code="31").unit
    client = verified_client(client, staff_user("unit_officer", unit=hai_phong))

    english = client.get("/en/staff/").content.decode()
    vietnamese = client.get("/vi/staff/").content.decode()

    assert (
        "You work on Hai Phong (31) in the 2019 Province edition, now in the Self-assessment "
        "stage." in english
    )
    assert "takes part in no edition" not in english
    assert "Hải Phòng (31)" in vietnamese


def test_an_officer_of_a_unit_outside_the_open_editions_is_told_so(client, province_edition):
    province_edition.status = Edition.Status.SELF_ASSESSMENT
    province_edition.save()
    merged = Unit.objects.get(slug="bac-ninh")
    client = verified_client(client, staff_user("unit_officer", unit=merged))

    english = client.get("/en/staff/").content.decode()

    assert (
        "Bac Ninh (24) takes part in no edition being worked on now. If another unit was meant, "
        "for instance one formed in the 2025 merger, ask an admin to bind your account to it."
    ) in english
    assert "You work on" not in english
