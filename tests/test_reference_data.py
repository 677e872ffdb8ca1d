"""The reference data that `migrate` loads: regions, ministries, and the 63 + 34 provinces.

The expected lineage below is written out by hand (National Assembly resolution of 12/6/2025) and
compared both with the database and with the shipped CSV files.
"""

import csv
import datetime
from pathlib import Path

import pytest
from django.core.management import call_command

import provinces
from provinces.models import FormerName, Region, Unit

DATA = Path(provinces.__file__).resolve().parent / "data"
MERGER_EVE = datetime.date(2025, 6, 30)
MERGER_DAY = datetime.date(2025, 7, 1)

REGION_CODES = ["TDMNPB", "DBSH", "BTB-DHMT", "TN", "DNB", "DBSCL"]
MINISTRY_CODES = {
    "BNG", "BNV", "BTP", "BKHDT", "BTC", "BCT", "BNNPTNT", "BGTVT", "BXD", "BTNMT",
    "BTTTT", "BLDTBXH", "BVHTTDL", "BKHCN", "BGDDT", "BYT", "UBDT", "NHNN", "TTCP",
}  # fmt: skip
AGENCY_CODES = {"UBDT", "NHNN", "TTCP"}

# Provinces whose territory did not change on 1/7/2025: one unit from before 2019 to today.
UNCHANGED = ["01", "04", "11", "12", "14", "20", "22", "38", "40", "42", "46"]
# The 23 units formed on 1/7/2025 and the pre-2025 codes each was formed from.
MERGED = {
    "08": {"02", "08"},
    "15": {"10", "15"},
    "19": {"06", "19"},
    "24": {"24", "27"},
    "25": {"17", "25", "26"},
    "31": {"30", "31"},
    "33": {"33", "34"},
    "37": {"35", "36", "37"},
    "44": {"44", "45"},
    "48": {"48", "49"},
    "51": {"51", "62"},
    "52": {"52", "64"},
    "56": {"56", "58"},
    "66": {"54", "66"},
    "68": {"60", "67", "68"},
    "75": {"70", "75"},
    "79": {"74", "77", "79"},
    "80": {"72", "80"},
    "82": {"82", "87"},
    "86": {"83", "84", "86"},
    "91": {"89", "91"},
    "92": {"92", "93", "94"},
    "96": {"95", "96"},
}
SUCCESSOR_OF = {old: new for new, olds in MERGED.items() for old in olds}
CENTRALLY_RUN_CITIES_2019 = {"01", "31", "48", "79", "92"}


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def provinces_of(year: int):
    return Unit.objects.filter(level="province").of_year(year)


def province(code: str, year: int) -> Unit:
    return provinces_of(year).get(code=code)


# --- the hand-written oracle agrees with the shipped files -------------------------------------


def test_lineage_oracle_matches_both_csv_files():
    old_rows = read_csv("provinces_2004_2025.csv")
    new_rows = read_csv("provinces_2025.csv")

    assert len(old_rows) == 63
    assert len(new_rows) == 34
    assert {row["code"]: row["successor_code"] for row in old_rows} == {
        **SUCCESSOR_OF,
        **{code: code for code in UNCHANGED},
    }
    assert {row["code"]: set(row["predecessor_codes"].split(";")) for row in new_rows} == {
        **MERGED,
        **{code: {code} for code in UNCHANGED},
    }


# --- counts -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_six_regions_in_their_published_order():
    assert list(Region.objects.values_list("code", flat=True)) == REGION_CODES
    assert Region.objects.get(code="DNB").name_en == "Southeast"


@pytest.mark.django_db
def test_nineteen_ministries_three_of_them_ministerial_level_agencies():
    ministries = Unit.objects.filter(level="ministry")

    assert set(ministries.values_list("code", flat=True)) == MINISTRY_CODES
    assert ministries.count() == 19
    assert set(ministries.filter(category="agency").values_list("code", flat=True)) == (
        AGENCY_CODES
    )
    assert set(ministries.values_list("category", flat=True)) == {"ministry", "agency"}
    btp = ministries.get(code="BTP")
    assert (btp.name_vi, btp.name_en, btp.abbr_en, btp.slug) == (
        "Bộ Tư pháp",
        "Ministry of Justice",
        "MOJ",
        "moj",
    )
    assert btp.note == "Bộ Tư pháp (unchanged)"


@pytest.mark.django_db
def test_ministries_have_no_dates_region_or_successor():
    ministries = Unit.objects.filter(level="ministry")

    assert not ministries.filter(valid_from__isnull=False).exists()
    assert not ministries.filter(valid_until__isnull=False).exists()
    assert not ministries.filter(region__isnull=False).exists()
    assert not ministries.filter(successor__isnull=False).exists()
    assert ministries.of_year(2019).count() == ministries.of_year(2025).count() == 19


@pytest.mark.django_db
def test_eighty_six_province_rows_in_all():
    assert Unit.objects.filter(level="province").count() == 86


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "expected"), [(2004, 63), (2019, 63), (2024, 63), (2025, 34), (2026, 34)]
)
def test_number_of_provinces_existing_at_the_end_of_a_year(year, expected):
    codes = list(provinces_of(year).values_list("code", flat=True))

    assert len(codes) == expected
    assert len(set(codes)) == expected, "a code names one unit within a year"


@pytest.mark.django_db
def test_the_switch_from_63_to_34_provinces_happens_on_1_july_2025():
    units = Unit.objects.filter(level="province")

    assert units.valid_on(MERGER_EVE).count() == 63
    assert units.valid_on(MERGER_DAY).count() == 34


@pytest.mark.django_db
def test_codes_of_2019_and_2025_are_those_of_the_csv_files():
    assert set(provinces_of(2019).values_list("code", flat=True)) == {
        row["code"] for row in read_csv("provinces_2004_2025.csv")
    }
    assert set(provinces_of(2025).values_list("code", flat=True)) == {
        row["code"] for row in read_csv("provinces_2025.csv")
    }


# --- lineage ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("code", UNCHANGED)
def test_an_unchanged_province_is_one_unit_from_2019_to_2025(code):
    in_2019 = province(code, 2019)
    in_2025 = province(code, 2025)

    assert in_2019.pk == in_2025.pk
    assert (in_2019.valid_from, in_2019.valid_until, in_2019.successor) == (None, None, None)
    assert in_2019.region is not None, "a continuing unit keeps its region"
    assert Unit.objects.filter(level="province", code=code).count() == 1


@pytest.mark.django_db
def test_the_unchanged_provinces_keep_their_regions():
    regions = {
        unit.code: unit.region.code for unit in provinces_of(2025).filter(code__in=UNCHANGED)
    }

    assert regions == {
        "01": "DBSH",
        "04": "TDMNPB",
        "11": "TDMNPB",
        "12": "TDMNPB",
        "14": "TDMNPB",
        "20": "TDMNPB",
        "22": "DBSH",
        "38": "BTB-DHMT",
        "40": "BTB-DHMT",
        "42": "BTB-DHMT",
        "46": "BTB-DHMT",
    }


@pytest.mark.django_db
def test_fifty_two_old_provinces_ended_on_30_june_2025():
    ended = provinces_of(2019).exclude(code__in=UNCHANGED)

    assert ended.count() == 52
    assert set(ended.values_list("valid_until", flat=True)) == {MERGER_EVE}
    assert set(ended.values_list("valid_from", flat=True)) == {None}
    assert not ended.filter(region__isnull=True).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("old_code", sorted(SUCCESSOR_OF))
def test_an_old_province_has_the_2025_successor_that_lists_it(old_code):
    old = province(old_code, 2019)
    successor = old.successor

    assert successor is not None
    assert successor.code == SUCCESSOR_OF[old_code]
    assert successor.exists_in(2025)
    assert not old.exists_in(2025)
    assert old_code in set(successor.predecessors.values_list("code", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("new_code", sorted(MERGED))
def test_a_merged_unit_starts_on_1_july_2025_without_region(new_code):
    unit = province(new_code, 2025)

    assert unit.valid_from == MERGER_DAY
    assert unit.valid_until is None
    assert unit.region is None
    assert unit.successor is None
    assert set(unit.predecessors.values_list("code", flat=True)) == MERGED[new_code]
    assert set(unit.predecessors.values_list("valid_until", flat=True)) == {MERGER_EVE}


@pytest.mark.django_db
def test_there_are_23_merged_units_and_only_they_have_predecessors():
    with_predecessors = Unit.objects.filter(predecessors__isnull=False).distinct()

    assert set(with_predecessors.values_list("code", flat=True)) == set(MERGED)
    assert with_predecessors.count() == 23
    assert provinces_of(2025).filter(valid_from=MERGER_DAY).count() == 23


@pytest.mark.django_db
def test_code_80_is_long_an_in_2024_and_the_new_tay_ninh_in_2025():
    long_an = province("80", 2024)
    tay_ninh = province("80", 2025)

    assert (long_an.name_vi, long_an.valid_until) == ("Long An", MERGER_EVE)
    assert (tay_ninh.name_vi, tay_ninh.valid_from) == ("Tây Ninh", MERGER_DAY)
    assert long_an.pk != tay_ninh.pk
    assert long_an.successor == tay_ninh
    assert province("72", 2024).successor == tay_ninh
    assert province("72", 2024).name_vi == "Tây Ninh"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "names"),
    [
        (2019, ("Thừa Thiên Huế", "Thua Thien Hue")),
        (2024, ("Thừa Thiên Huế", "Thua Thien Hue")),
        (2025, ("Huế", "Hue")),
    ],
)
def test_hue_is_thua_thien_hue_until_2024_and_hue_from_2025(year, names):
    hue = province("46", year)

    assert hue.names_in(year) == names
    assert hue.names_in(year) == names


@pytest.mark.django_db
def test_hue_is_the_only_renamed_unit():
    former = FormerName.objects.get()

    assert (former.unit.code, former.name_vi, former.valid_until) == (
        "46",
        "Thừa Thiên Huế",
        datetime.date(2024, 12, 31),
    )
    assert province("01", 2019).names_in(2019) == ("Hà Nội", "Ha Noi")


@pytest.mark.django_db
def test_the_centrally_run_cities_of_2025():
    cities = provinces_of(2025).filter(category="city")

    assert set(cities.values_list("code", flat=True)) == {"01", "31", "46", "48", "79", "92"}


@pytest.mark.django_db
def test_the_centrally_run_cities_of_2019_are_the_five_of_the_2004_list():
    cities = {u.code for u in provinces_of(2019) if u.category_in(2019) == "city"}

    assert cities == CENTRALLY_RUN_CITIES_2019
    assert province("46", 2019).category_in(2019) == "province"
    assert province("46", 2025).category_in(2025) == "city"


# --- slugs --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_slugs_are_unique_and_the_old_tay_ninh_gets_its_own():
    slugs = list(Unit.objects.values_list("slug", flat=True))

    assert len(slugs) == len(set(slugs)) == 86 + 19
    assert province("80", 2025).slug == "tay-ninh"
    assert province("72", 2019).slug == "tay-ninh-2004-2025"
    assert province("80", 2019).slug == "long-an"
    assert province("46", 2025).slug == "hue"
    assert province("79", 2019).slug == "ho-chi-minh-city-2004-2025"
    assert province("79", 2025).slug == "ho-chi-minh-city"


# --- reversibility ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_data_migration_can_be_unapplied_and_applied_again():
    slugs_before = set(Unit.objects.values_list("slug", flat=True))

    call_command("migrate", "provinces", "0001", verbosity=0)

    assert (Region.objects.count(), Unit.objects.count(), FormerName.objects.count()) == (0, 0, 0)

    call_command("migrate", verbosity=0)

    assert (Region.objects.count(), Unit.objects.count(), FormerName.objects.count()) == (6, 105, 1)
    assert set(Unit.objects.values_list("slug", flat=True)) == slugs_before
    assert provinces_of(2019).count() == 63
    assert provinces_of(2025).count() == 34
