"""The reference data that `migrate` loads: regions, the 19 + 14 ministries, and the 63 + 34
provinces with the region of each.

The expected lineage below is written out by hand (National Assembly resolutions of 18/2/2025 and
12/6/2025) and compared both with the database and with the shipped CSV files.
"""

import csv
import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.functional import Promise

import provinces
from provinces.models import FormerName, Region, Unit

DATA = Path(provinces.__file__).resolve().parent / "data"
MERGER_EVE = datetime.date(2025, 6, 30)
MERGER_DAY = datetime.date(2025, 7, 1)
MINISTRIES_EVE = datetime.date(2025, 2, 28)
MINISTRIES_DAY = datetime.date(2025, 3, 1)

REGION_CODES = ["TDMNPB", "DBSH", "BTB-DHMT", "TN", "DNB", "DBSCL"]
MINISTRY_CODES = {
    "BNG", "BNV", "BTP", "BKHDT", "BTC", "BCT", "BNNPTNT", "BGTVT", "BXD", "BTNMT",
    "BTTTT", "BLDTBXH", "BVHTTDL", "BKHCN", "BGDDT", "BYT", "UBDT", "NHNN", "TTCP",
}  # fmt: skip
AGENCY_CODES = {"UBDT", "NHNN", "TTCP"}
# The 14 ministries and ministerial-level agencies of 1/3/2025 and the units of 2019 each came from.
MINISTRIES_2025 = {
    "BNG": {"BNG"},
    "BNV": {"BNV", "BLDTBXH"},
    "BTP": {"BTP"},
    "BTC": {"BTC", "BKHDT"},
    "BCT": {"BCT"},
    "BNNMT": {"BNNPTNT", "BTNMT"},
    "BXD": {"BXD", "BGTVT"},
    "BVHTTDL": {"BVHTTDL"},
    "BKHCN": {"BKHCN", "BTTTT"},
    "BGDDT": {"BGDDT"},
    "BYT": {"BYT"},
    "BDTTG": {"UBDT"},
    "NHNN": {"NHNN"},
    "TTCP": {"TTCP"},
}
# Only predecessor is itself: the same unit before and after 1/3/2025.
CONTINUING_MINISTRIES = {"BNG", "BTP", "BCT", "BVHTTDL", "BGDDT", "BYT", "NHNN", "TTCP"}
NEW_MINISTRIES = set(MINISTRIES_2025) - CONTINUING_MINISTRIES
MINISTRY_SUCCESSOR_OF = {
    old: new
    for new, olds in MINISTRIES_2025.items()
    if new not in CONTINUING_MINISTRIES
    for old in olds
}

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
# The 7 units formed across two regions, with the region reported after the merger.
PROVISIONAL_REGIONS = {
    "24": "DBSH",  # Bắc Ninh
    "25": "TDMNPB",  # Phú Thọ
    "51": "BTB-DHMT",  # Quảng Ngãi
    "52": "TN",  # Gia Lai
    "66": "TN",  # Đắk Lắk
    "68": "TN",  # Lâm Đồng
    "80": "DNB",  # Tây Ninh
}


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def provinces_of(year: int):
    return Unit.objects.filter(level="province").of_year(year)


def ministries_of(year: int):
    return Unit.objects.filter(level="ministry").of_year(year)


def ministry(code: str, year: int) -> Unit:
    return ministries_of(year).get(code=code)


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


def test_ministry_lineage_oracle_matches_both_csv_files():
    old_rows = read_csv("ministries_2019.csv")
    new_rows = read_csv("ministries_2025.csv")

    assert {row["code"] for row in old_rows} == MINISTRY_CODES
    assert len(new_rows) == 14
    assert {row["code"]: set(row["predecessor_codes"].split(";")) for row in new_rows} == (
        MINISTRIES_2025
    )
    assert {row["valid_from"] for row in new_rows} == {"2025-03-01"}


def test_the_status_2025_of_each_ministry_of_2019_names_its_successor():
    """The free-text column of ministries_2019.csv agrees with ministries_2025.csv."""
    names_2025 = {row["code"]: row["name_vi"] for row in read_csv("ministries_2025.csv")}
    for row in read_csv("ministries_2019.csv"):
        status = row["status_2025"]
        successor = MINISTRY_SUCCESSOR_OF.get(row["code"])
        if status.startswith(("merged into ", "became ")):
            assert successor is not None, row["code"]
            assert status.split(" (")[0].endswith(names_2025[successor]), row["code"]
        elif "merged with" in status or "absorbed" in status:
            # It took in another ministry: a new unit under the same code and name.
            assert successor == row["code"], row["code"]
        elif status.endswith("(unchanged)"):
            assert row["code"] in CONTINUING_MINISTRIES, row["code"]
        if row["code"] in CONTINUING_MINISTRIES:
            assert status.startswith(row["name_vi"]), row["code"]


def test_the_2025_regions_of_the_csv_follow_their_basis():
    region_2004 = {row["code"]: row["region_code"] for row in read_csv("provinces_2004_2025.csv")}
    rows = read_csv("provinces_2025.csv")
    for row in rows:
        regions_before = {region_2004[code] for code in row["predecessor_codes"].split(";")}
        if row["region_basis"] in ("unchanged", "predecessors"):
            assert regions_before == {row["region_code"]}, row["code"]
        else:
            assert row["region_basis"] == "provisional", row["code"]
            assert len(regions_before) == 2, row["code"]
            assert row["region_code"] in regions_before, row["code"]
    assert {r["code"] for r in rows if r["region_basis"] == "unchanged"} == set(UNCHANGED)
    assert {r["code"]: r["region_code"] for r in rows if r["region_basis"] == "provisional"} == (
        PROVISIONAL_REGIONS
    )


# --- counts -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_six_regions_in_their_published_order():
    assert list(Region.objects.values_list("code", flat=True)) == REGION_CODES
    assert Region.objects.get(code="DNB").name_en == "Southeast"


@pytest.mark.django_db
def test_nineteen_ministries_in_2019_three_of_them_ministerial_level_agencies():
    ministries = ministries_of(2019)

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
def test_fourteen_ministries_in_2025_two_of_them_ministerial_level_agencies():
    ministries = ministries_of(2025)

    assert set(ministries.values_list("code", flat=True)) == set(MINISTRIES_2025)
    assert ministries.count() == 14
    assert set(ministries.filter(category="agency").values_list("code", flat=True)) == {
        "NHNN",
        "TTCP",
    }
    bnnmt = ministries.get(code="BNNMT")
    assert (bnnmt.name_vi, bnnmt.name_en, bnnmt.abbr_en, bnnmt.slug) == (
        "Bộ Nông nghiệp và Môi trường",
        "Ministry of Agriculture and Environment",
        "MAE",
        "mae",
    )


@pytest.mark.django_db
def test_ministries_have_no_region():
    ministries = Unit.objects.filter(level="ministry")

    assert ministries.count() == 19 + 6
    assert not ministries.filter(region__isnull=False).exists()
    assert set(ministries.values_list("region_basis", flat=True)) == {""}


@pytest.mark.django_db
@pytest.mark.parametrize(("year", "expected"), [(2019, 19), (2024, 19), (2025, 14), (2026, 14)])
def test_number_of_ministries_existing_at_the_end_of_a_year(year, expected):
    codes = list(ministries_of(year).values_list("code", flat=True))

    assert len(codes) == expected
    assert len(set(codes)) == expected, "a code names one unit within a year"


@pytest.mark.django_db
def test_the_switch_from_19_to_14_ministries_happens_on_1_march_2025():
    units = Unit.objects.filter(level="ministry")

    assert units.valid_on(MINISTRIES_EVE).count() == 19
    assert units.valid_on(MINISTRIES_DAY).count() == 14


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
def test_a_merged_unit_starts_on_1_july_2025(new_code):
    unit = province(new_code, 2025)

    assert unit.valid_from == MERGER_DAY
    assert unit.valid_until is None
    assert unit.successor is None
    assert set(unit.predecessors.values_list("code", flat=True)) == MERGED[new_code]
    assert set(unit.predecessors.values_list("valid_until", flat=True)) == {MERGER_EVE}


@pytest.mark.django_db
def test_there_are_23_merged_units_and_only_they_have_predecessors():
    with_predecessors = Unit.objects.filter(level="province", predecessors__isnull=False).distinct()

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
@pytest.mark.parametrize(
    ("language", "year", "name"),
    [("vi", 2024, "Thừa Thiên Huế"), ("en", 2024, "Thua Thien Hue"), ("en", 2025, "Hue")],
)
def test_a_units_name_in_a_year_is_in_the_readers_language(language, year, name):
    with translation.override(language):
        assert province("46", year).name_in(year) == name


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


# --- ministries across 1/3/2025 -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(CONTINUING_MINISTRIES))
def test_a_continuing_ministry_is_one_unit_from_2019_to_2025(code):
    in_2019 = ministry(code, 2019)
    in_2025 = ministry(code, 2025)

    assert in_2019.pk == in_2025.pk
    assert (in_2019.valid_from, in_2019.valid_until, in_2019.successor) == (None, None, None)
    assert not in_2019.predecessors.exists()
    assert Unit.objects.filter(level="ministry", code=code).count() == 1


@pytest.mark.django_db
def test_eleven_ministries_of_2019_ended_on_28_february_2025():
    ended = ministries_of(2019).exclude(code__in=CONTINUING_MINISTRIES)

    assert ended.count() == 11
    assert set(ended.values_list("code", flat=True)) == set(MINISTRY_SUCCESSOR_OF)
    assert set(ended.values_list("valid_until", flat=True)) == {MINISTRIES_EVE}
    assert set(ended.values_list("valid_from", flat=True)) == {None}


@pytest.mark.django_db
@pytest.mark.parametrize("old_code", sorted(MINISTRY_SUCCESSOR_OF))
def test_an_old_ministry_has_the_2025_successor_that_lists_it(old_code):
    old = ministry(old_code, 2024)
    successor = old.successor

    assert successor.code == MINISTRY_SUCCESSOR_OF[old_code]
    assert successor.exists_in(2025)
    assert not old.exists_in(2025)
    assert successor.pk != old.pk


@pytest.mark.django_db
@pytest.mark.parametrize("new_code", sorted(NEW_MINISTRIES))
def test_a_merged_ministry_is_a_new_unit_from_1_march_2025(new_code):
    unit = ministry(new_code, 2025)

    assert (unit.valid_from, unit.valid_until, unit.successor) == (MINISTRIES_DAY, None, None)
    assert unit.category == "ministry"
    assert set(unit.predecessors.values_list("code", flat=True)) == MINISTRIES_2025[new_code]
    assert set(unit.predecessors.values_list("valid_until", flat=True)) == {MINISTRIES_EVE}
    assert not unit.exists_in(2024)


@pytest.mark.django_db
def test_six_ministries_have_predecessors():
    with_predecessors = Unit.objects.filter(level="ministry", predecessors__isnull=False).distinct()

    assert set(with_predecessors.values_list("code", flat=True)) == NEW_MINISTRIES
    assert with_predecessors.count() == 6


@pytest.mark.django_db
def test_code_bnv_is_the_old_ministry_of_home_affairs_in_2024_and_the_merged_one_in_2025():
    old = ministry("BNV", 2024)
    new = ministry("BNV", 2025)

    assert old.pk != new.pk
    assert (old.name_vi, new.name_vi) == ("Bộ Nội vụ", "Bộ Nội vụ")
    assert old.successor == new
    assert ministry("BLDTBXH", 2024).successor == new


# --- regions of 2025 ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_province_of_2025_has_a_region_and_the_basis_of_it():
    units = provinces_of(2025)

    assert not units.filter(region__isnull=True).exists()
    assert not units.filter(region_basis="").exists()


@pytest.mark.django_db
def test_the_regions_of_2025_group_the_34_provinces_9_6_8_3_3_5():
    counts = {code: provinces_of(2025).filter(region__code=code).count() for code in REGION_CODES}

    assert counts == {"TDMNPB": 9, "DBSH": 6, "BTB-DHMT": 8, "TN": 3, "DNB": 3, "DBSCL": 5}


@pytest.mark.django_db
def test_eleven_regions_unchanged_sixteen_from_predecessors_seven_provisional():
    units = provinces_of(2025)

    assert set(units.filter(region_basis="unchanged").values_list("code", flat=True)) == set(
        UNCHANGED
    )
    assert units.filter(region_basis="predecessors").count() == 16
    assert {
        unit.code: unit.region.code for unit in units.filter(region_basis="provisional")
    } == PROVISIONAL_REGIONS


@pytest.mark.django_db
@pytest.mark.parametrize("new_code", sorted(MERGED))
def test_a_merged_province_has_the_region_of_its_predecessors_or_a_provisional_one(new_code):
    unit = province(new_code, 2025)
    regions_before = set(unit.predecessors.values_list("region__code", flat=True))

    if new_code in PROVISIONAL_REGIONS:
        assert unit.region_basis == "provisional"
        assert len(regions_before) == 2
        assert unit.region.code == PROVISIONAL_REGIONS[new_code]
    else:
        assert unit.region_basis == "predecessors"
        assert regions_before == {unit.region.code}


@pytest.mark.django_db
def test_the_region_basis_of_the_ended_provinces_is_blank():
    ended = Unit.objects.filter(level="province", valid_until=MERGER_EVE)

    assert ended.count() == 52
    assert set(ended.values_list("region_basis", flat=True)) == {""}


@pytest.mark.django_db
def test_the_region_basis_has_three_translatable_labels():
    labels = dict(Unit.RegionBasis.choices)

    assert set(labels) == {"unchanged", "predecessors", "provisional"}
    assert all(isinstance(label, Promise) for label in labels.values()), "gettext_lazy"


# --- slugs --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_slugs_are_unique_and_the_old_tay_ninh_gets_its_own():
    slugs = list(Unit.objects.values_list("slug", flat=True))

    assert len(slugs) == len(set(slugs)) == 86 + 19 + 6
    assert province("80", 2025).slug == "tay-ninh"
    assert province("72", 2019).slug == "tay-ninh-2004-2025"
    assert province("80", 2019).slug == "long-an"
    assert province("46", 2025).slug == "hue"
    assert province("79", 2019).slug == "ho-chi-minh-city-2004-2025"
    assert province("79", 2025).slug == "ho-chi-minh-city"


@pytest.mark.django_db
def test_a_merged_ministry_takes_the_plain_slug_and_the_old_one_of_that_name_gets_its_own():
    assert ministry("BNV", 2025).slug == "moha"
    assert ministry("BNV", 2024).slug == "moha-until-2025"
    assert ministry("BTC", 2025).slug == "mof"
    assert ministry("BTC", 2024).slug == "mof-until-2025"
    assert ministry("BDTTG", 2025).slug == "mera"
    assert ministry("UBDT", 2024).slug == "cema"
    assert ministry("BTP", 2025).slug == "moj"


# --- reversibility ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_data_migration_can_be_unapplied_and_applied_again():
    slugs_before = set(Unit.objects.values_list("slug", flat=True))

    call_command("migrate", "provinces", "0001", verbosity=0)

    assert (Region.objects.count(), Unit.objects.count(), FormerName.objects.count()) == (0, 0, 0)

    call_command("migrate", verbosity=0)

    assert (Region.objects.count(), Unit.objects.count(), FormerName.objects.count()) == (6, 111, 1)
    assert set(Unit.objects.values_list("slug", flat=True)) == slugs_before
    assert provinces_of(2019).count() == 63
    assert provinces_of(2025).count() == 34
    assert ministries_of(2025).count() == 14


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_unapplying_the_2025_migration_leaves_the_reference_data_as_it_was_before():
    regions_before = dict(Unit.objects.values_list("slug", "region__code"))
    bases_before = dict(Unit.objects.values_list("slug", "region_basis"))

    call_command("migrate", "provinces", "0003", verbosity=0)

    ministries = Unit.objects.filter(level="ministry")
    assert ministries.count() == 19
    assert not ministries.filter(valid_until__isnull=False).exists()
    assert not ministries.filter(successor__isnull=False).exists()
    assert ministries.get(code="BNV").slug == "moha"
    assert provinces_of(2025).filter(region__isnull=True).count() == 23
    assert set(Unit.objects.values_list("region_basis", flat=True)) == {""}

    call_command("migrate", verbosity=0)

    assert dict(Unit.objects.values_list("slug", "region__code")) == regions_before
    assert dict(Unit.objects.values_list("slug", "region_basis")) == bases_before


# --- an admin changes a region ------------------------------------------------------------------


def change_form_data(unit: Unit, **changes) -> dict[str, str]:
    """What the admin change form of a unit posts back unchanged, with `changes` applied."""
    fields = [
        "level", "code", "slug", "name_vi", "name_en", "abbr_en", "category", "region",
        "region_basis", "valid_from", "valid_until", "successor", "centroid_lat",
        "centroid_lon", "note",
    ]  # fmt: skip
    data = {field: unit.serializable_value(field) for field in fields}
    data.update(changes)
    data.update({"former_names-TOTAL_FORMS": "0", "former_names-INITIAL_FORMS": "0"})
    return {key: "" if value is None else str(value) for key, value in data.items()}


@pytest.mark.django_db
def test_the_unit_admin_shows_the_region_and_its_basis(admin_client):
    gia_lai = province("52", 2025)

    change = admin_client.get(f"/admin/provinces/unit/{gia_lai.pk}/change/")
    listing = admin_client.get("/admin/provinces/unit/", {"region_basis": "provisional"})

    assert change.status_code == 200
    form = change.context["adminform"].form
    assert (form["region"].value(), form["region_basis"].value()) == (
        Region.objects.get(code="TN").pk,
        "provisional",
    )
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 7


@pytest.mark.django_db
def test_an_admin_changes_the_region_of_a_province_without_a_code_change(admin_client):
    gia_lai = province("52", 2025)
    coast = Region.objects.get(code="BTB-DHMT")

    response = admin_client.post(
        f"/admin/provinces/unit/{gia_lai.pk}/change/",
        change_form_data(gia_lai, region=coast.pk, region_basis="predecessors"),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    gia_lai.refresh_from_db()
    assert (gia_lai.region, gia_lai.region_basis) == (coast, "predecessors")
    assert provinces_of(2025).filter(region=coast).count() == 9


@pytest.mark.django_db
def test_the_admin_refuses_a_region_for_a_ministry_and_a_basis_without_region(admin_client):
    btp = ministry("BTP", 2025)
    gia_lai = province("52", 2025)

    for unit, changes, field in [
        (btp, {"region": Region.objects.get(code="DBSH").pk}, "region"),
        (gia_lai, {"region": ""}, "region_basis"),
    ]:
        response = admin_client.post(
            f"/admin/provinces/unit/{unit.pk}/change/", change_form_data(unit, **changes)
        )

        assert response.status_code == 200
        assert list(response.context["adminform"].form.errors) == [field]
    assert ministry("BTP", 2025).region is None
    assert province("52", 2025).region.code == "TN"
