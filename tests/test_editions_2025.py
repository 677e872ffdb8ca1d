"""Editions of 2025 over the reference data of 2025: the 14 ministries of 1/3/2025 and the 34
provinces of 1/7/2025 with their regions, through import, publish and export.

Each tree is one leaf worth 10 points, so a unit's index is its points × 10. Every unit of 2025
scores 7.5 (index 75.00) except those named below. The 2024 editions, published first, hold a few
units only, so that the Δ of 2025 is easy to follow:

provinces  2024 (index, rank)              2025 (index, rank, rank in region)
  01 Hà Nội      80, 2                       90, 2, 1 in DBSH       continues: Δ +10.00, 0
  22 Quảng Ninh  70, 3                       85, 3, 2 in DBSH       continues: Δ +15.00, 0
  04 Cao Bằng    70, 3                       70, 33, 9 in TDMNPB    continues: Δ 0.00, -30
  46 Huế         70, 3 (Thừa Thiên Huế)      75, 4, 1 in BTB-DHMT   continues: Δ +5.00, -1
  80 Long An     90, 1                       -                      ended 30/6/2025
  72 Tây Ninh    60, 6                       -                      ended 30/6/2025
  80 Tây Ninh    -                           95, 1, 1 in DNB        new unit (provisional region)
  52 Gia Lai     -                           60, 34, 3 in TN        new unit (provisional region)

ministries 2024 (index, rank)              2025 (index, rank)
  BTP            80, 1                       90, 1                  continues: Δ +10.00, 0
  BYT            70, 2                       60, 14                 continues: Δ -10.00, -12
  BNV (old)      70, 2                       -                      ended 28/2/2025
  BTC (old)      60, 4                       -                      ended 28/2/2025
  BKHDT          60, 4                       -                      ended 28/2/2025
  BNV (new)      -                           80, 2                  new unit
"""

import csv
import io
import textwrap

import pytest
from django.core.management import call_command
from django.utils import translation

from provinces.models import Unit
from scoring.imports import import_file
from scoring.models import Average, Edition

DEFAULT_2025 = "7.5"
PROVINCES_2024 = {"01": "8", "22": "7", "04": "7", "46": "7", "80": "9", "72": "6"}
PROVINCES_2025 = {"01": "9", "22": "8.5", "04": "7", "80": "9.5", "52": "6"}
MINISTRIES_2024 = {"BTP": "8", "BYT": "7", "BNV": "7", "BTC": "6", "BKHDT": "6"}
MINISTRIES_2025 = {"BTP": "9", "BYT": "6", "BNV": "8"}
AT_75 = ["BCT", "BDTTG", "BGDDT", "BKHCN", "BNG", "BNNMT", "BTC", "BVHTTDL", "BXD", "NHNN", "TTCP"]


@pytest.fixture(autouse=True)
def english():
    """Reports in English, as the commands print them (Vietnamese is the default language)."""
    with translation.override("en"):
        yield


def imported(kind: str, text: str) -> None:
    """Import literal CSV text through the entry point the command and the admin share."""
    report = import_file(kind, textwrap.dedent(text).encode("utf-8"), f"{kind}.csv")
    assert [str(problem) for problem in report.problems] == []


def tree(year: int, level: str) -> str:
    return f"""\
        year,level,code,name_vi,name_en,max_points,method
        {year},{level},1,Lĩnh vực một,Field one,10,self
        """


def participants(year: int, level: str, codes) -> str:
    return "year,level,unit,ranked\n" + "".join(f"{year},{level},{c},yes\n" for c in codes)


def scores(year: int, level: str, points: dict[str, str]) -> str:
    rows = "".join(f"{year},{level},{c},1,{p},{p}\n" for c, p in points.items())
    return "year,level,unit,criterion,self_points,appraised_points\n" + rows


def codes_of(level: str, year: int) -> list[str]:
    return list(Unit.objects.filter(level=level).of_year(year).values_list("code", flat=True))


def publish(year: int, level: str) -> str:
    out = io.StringIO()
    call_command("publish", str(year), level=level, stdout=out)
    return out.getvalue()


def exported(year: int, level: str) -> dict[str, dict[str, str]]:
    """The CSV export of the edition, one row per unit code."""
    out = io.StringIO()
    call_command("export_results", str(year), level=level, format="csv", stdout=out)
    rows = csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff")))
    return {row["unit_code"]: row for row in rows}


def import_scores_with_the_command(tmp_path, year: int, level: str, points: dict[str, str]):
    path = tmp_path / f"scores_{level}_{year}.csv"
    path.write_text(scores(year, level, points), encoding="utf-8")
    out = io.StringIO()
    call_command("import_data", "scores", str(path), stdout=out, stderr=out)
    assert f"scores: {len(points)} created" in out.getvalue()


@pytest.fixture
def published_2024(db):
    """Small 2024 editions, published: the editions the 2025 ones are compared with."""
    for level, points in (("province", PROVINCES_2024), ("ministry", MINISTRIES_2024)):
        imported("methodology", tree(2024, level))
        imported("participants", participants(2024, level, points))
        imported("scores", scores(2024, level, points))
        publish(2024, level)


@pytest.fixture
def published_2025(published_2024, tmp_path):
    """2025 editions with their default participants, every one of them scored, published."""
    for level, named in (("province", PROVINCES_2025), ("ministry", MINISTRIES_2025)):
        imported("methodology", tree(2025, level))
        points = {code: named.get(code, DEFAULT_2025) for code in codes_of(level, 2025)}
        import_scores_with_the_command(tmp_path, 2025, level, points)
        publish(2025, level)


# --- default participants ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_2025_ministry_edition_has_the_14_ministries_of_2025_by_default():
    report = import_file("methodology", textwrap.dedent(tree(2025, "ministry")).encode(), "m.csv")

    edition = Edition.objects.get(year=2025, level="ministry")
    assert [str(note) for note in report.notes] == [
        "created the 2025 ministry edition with 14 participants"
    ]
    assert sorted(edition.participants.values_list("unit__code", flat=True)) == [
        "BCT", "BDTTG", "BGDDT", "BKHCN", "BNG", "BNNMT", "BNV",
        "BTC", "BTP", "BVHTTDL", "BXD", "BYT", "NHNN", "TTCP",
    ]  # fmt: skip
    assert not edition.participants.filter(unit__valid_until__isnull=False).exists()


@pytest.mark.django_db
def test_a_2024_ministry_edition_still_has_the_19_ministries_of_2019():
    imported("methodology", tree(2024, "ministry"))

    edition = Edition.objects.get(year=2024, level="ministry")
    assert edition.participants.count() == 19
    assert edition.participants.filter(unit__code="BKHDT").exists()


@pytest.mark.django_db
def test_every_province_of_a_2025_edition_has_a_region():
    imported("methodology", tree(2025, "province"))

    edition = Edition.objects.get(year=2025, level="province")
    assert edition.participants.count() == 34
    assert not edition.participants.filter(unit__region__isnull=True).exists()
    assert edition.participants.filter(unit__region_basis="provisional").count() == 7


# --- provinces: regions --------------------------------------------------------------------------


def test_the_2025_provinces_publish_and_export_with_a_rank_in_their_region(published_2025):
    rows = exported(2025, "province")

    assert len(rows) == 34
    assert all(row["region_code"] and row["rank_in_region"] for row in rows.values())
    assert {code: (rows[code]["index"], rows[code]["rank"]) for code in PROVINCES_2025} == {
        "80": ("95.00", "1"),
        "01": ("90.00", "2"),
        "22": ("85.00", "3"),
        "04": ("70.00", "33"),
        "52": ("60.00", "34"),
    }
    in_region = {code: (row["region_code"], row["rank_in_region"]) for code, row in rows.items()}
    assert {code: in_region[code] for code in ("01", "22", "24", "31", "33", "37")} == {
        "01": ("DBSH", "1"),
        "22": ("DBSH", "2"),
        "24": ("DBSH", "3"),  # Bắc Ninh, provisional
        "31": ("DBSH", "3"),
        "33": ("DBSH", "3"),
        "37": ("DBSH", "3"),
    }
    assert (in_region["04"], in_region["25"], in_region["08"]) == (
        ("TDMNPB", "9"),
        ("TDMNPB", "1"),
        ("TDMNPB", "1"),
    )
    assert (in_region["80"], in_region["75"], in_region["79"]) == (
        ("DNB", "1"),
        ("DNB", "2"),
        ("DNB", "2"),
    )
    assert (in_region["52"], in_region["66"], in_region["68"]) == (
        ("TN", "3"),
        ("TN", "1"),
        ("TN", "1"),
    )


def test_a_2025_province_edition_has_an_average_for_each_of_the_six_regions(published_2025):
    edition = Edition.objects.get(year=2025, level="province")
    averages = {
        a.region_code: str(a.value) for a in Average.objects.filter(edition=edition, field_code="")
    }

    assert averages == {
        "": "75.74",  # (95 + 90 + 85 + 70 + 60 + 29 × 75) / 34
        "TDMNPB": "74.44",  # (70 + 8 × 75) / 9
        "DBSH": "79.17",  # (90 + 85 + 4 × 75) / 6
        "BTB-DHMT": "75.00",
        "TN": "70.00",  # (60 + 75 + 75) / 3
        "DNB": "81.67",  # (95 + 75 + 75) / 3
        "DBSCL": "75.00",
    }


@pytest.mark.django_db
def test_a_region_changed_by_an_admin_counts_at_the_next_publish():
    gia_lai = Unit.objects.filter(level="province").of_year(2025).get(code="52")
    gia_lai.region = Unit.objects.get(level="province", code="46").region  # BTB-DHMT
    gia_lai.save(update_fields=["region"])
    imported("methodology", tree(2025, "province"))
    points = {code: PROVINCES_2025.get(code, DEFAULT_2025) for code in codes_of("province", 2025)}
    imported("scores", scores(2025, "province", points))

    publish(2025, "province")

    rows = exported(2025, "province")
    assert (rows["52"]["region_code"], rows["52"]["rank_in_region"]) == ("BTB-DHMT", "9")
    edition = Edition.objects.get(year=2025, level="province")
    assert {a.region_code: str(a.value) for a in edition.averages.filter(field_code="")} == {
        "": "75.74",
        "TDMNPB": "74.44",
        "DBSH": "79.17",
        "BTB-DHMT": "73.33",  # (60 + 8 × 75) / 9
        "TN": "75.00",
        "DNB": "81.67",
        "DBSCL": "75.00",
    }


# --- provinces: change since 2024 ---------------------------------------------------------------


def test_continuing_provinces_show_their_change_since_2024_and_merged_ones_are_new(
    published_2025,
):
    rows = exported(2025, "province")
    change = {
        code: (rows[code]["delta_index"], rows[code]["delta_rank"], rows[code]["new_unit"])
        for code in ("01", "22", "04", "46", "80", "52", "11")
    }

    assert change == {
        "01": ("10.00", "0", "no"),
        "22": ("15.00", "0", "no"),
        "04": ("0.00", "-30", "no"),
        "46": ("5.00", "-1", "no"),  # Thừa Thiên Huế in 2024, Huế in 2025: one unit
        # Code 80 was Long An (index 90) in 2024: the new Tây Ninh is not compared with it.
        "80": ("", "", "yes"),
        "52": ("", "", "yes"),
        "11": ("", "", "no"),  # continues, but was not in the 2024 edition
    }
    assert sum(row["new_unit"] == "yes" for row in rows.values()) == 23
    assert rows["46"]["unit_name_vi"] == "Huế"
    assert exported(2024, "province")["46"]["unit_name_vi"] == "Thừa Thiên Huế"


# --- ministries ---------------------------------------------------------------------------------


def test_the_14_ministries_of_2025_publish_and_export(published_2025):
    rows = exported(2025, "ministry")

    assert len(rows) == 14
    assert {code: (row["index"], row["rank"]) for code, row in rows.items()} == {
        "BTP": ("90.00", "1"),
        "BNV": ("80.00", "2"),
        **dict.fromkeys(AT_75, ("75.00", "3")),
        "BYT": ("60.00", "14"),
    }  # fmt: skip
    assert {row["region_code"] for row in rows.values()} == {""}
    assert {row["rank_in_region"] for row in rows.values()} == {""}
    assert rows["BNNMT"]["unit_name_vi"] == "Bộ Nông nghiệp và Môi trường"


def test_continuing_ministries_show_their_change_since_2024_and_merged_ones_are_new(
    published_2025,
):
    rows = exported(2025, "ministry")
    change = {
        code: (row["delta_index"], row["delta_rank"], row["new_unit"]) for code, row in rows.items()
    }

    assert {code: change[code] for code in ("BTP", "BYT", "BNG", "BNV", "BTC", "BNNMT")} == {
        "BTP": ("10.00", "0", "no"),
        "BYT": ("-10.00", "-12", "no"),
        "BNG": ("", "", "no"),  # continues, but was not in the 2024 edition
        # Same code and name as a unit of 2024, but a new unit since 1/3/2025.
        "BNV": ("", "", "yes"),
        "BTC": ("", "", "yes"),
        "BNNMT": ("", "", "yes"),
    }
    assert sorted(code for code, row in rows.items() if row["new_unit"] == "yes") == [
        "BDTTG", "BKHCN", "BNNMT", "BNV", "BTC", "BXD",
    ]  # fmt: skip
