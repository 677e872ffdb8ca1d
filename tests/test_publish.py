import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.models import Average, DataVersion, Edition, Result
from scoring.publish import PublishRefused, publish_edition
from tests.conftest import imported


def _results(edition: Edition) -> dict[str, Result]:
    return {r.participant.unit.code: r for r in edition.results.select_related("participant__unit")}


def test_publishing_stores_indices_ranks_groups_and_field_results(scored_provinces):
    publish_edition(scored_provinces)

    results = _results(scored_provinces)
    hanoi, haiphong, laocai = results["01"], results["31"], results["10"]
    # Hà Nội: 7.5 + 3 + 5 + 2.5 = 18 of 20 -> 90.00, group A (A >= 90).
    assert (hanoi.total_points, hanoi.index, hanoi.rank, hanoi.group) == (
        Decimal("18.00"),
        Decimal("90.00"),
        1,
        "A",
    )
    assert (hanoi.appraised_points, hanoi.survey_points) == (Decimal("15.00"), Decimal("3.00"))
    # Hải Phòng and Lào Cai both have 15 of 20 -> 75.00: they share rank 2.
    assert (haiphong.index, haiphong.rank, haiphong.group) == (Decimal("75.00"), 2, "C")
    assert (laocai.index, laocai.rank) == (Decimal("75.00"), 2)
    # Regions: Hà Nội and Hải Phòng in DBSH, Lào Cai alone in TDMNPB.
    assert (hanoi.rank_in_region, haiphong.rank_in_region, laocai.rank_in_region) == (1, 2, 1)
    fields = {f.field_code: f for f in hanoi.fields.all()}
    # Field 1: 7.5 + 3 = 10.5 of 12 -> 87.50; field 2: 7.5 of 8 -> 93.75.
    assert (fields["1"].points, fields["1"].index) == (Decimal("10.50"), Decimal("87.50"))
    assert (fields["2"].points, fields["2"].index, fields["2"].rank) == (
        Decimal("7.50"),
        Decimal("93.75"),
        1,
    )


def test_publishing_stores_national_regional_and_field_averages(scored_provinces):
    publish_edition(scored_provinces)

    averages = {(a.region_code, a.field_code): a.value for a in Average.objects.all()}
    # (90 + 75 + 75) / 3 = 80.00
    assert averages[("", "")] == Decimal("80.00")
    assert averages[("DBSH", "")] == Decimal("82.50")
    assert averages[("TDMNPB", "")] == Decimal("75.00")
    # Field 1 indices: 87.50, 75.00 (9/12), 75.00 -> 79.17 (79.1666... rounded half-up).
    assert averages[("", "1")] == Decimal("79.17")


def test_publishing_marks_the_edition_published_and_bumps_the_data_version(scored_provinces):
    before = DataVersion.current()

    publish_edition(scored_provinces)

    scored_provinces.refresh_from_db()
    assert scored_provinces.status == Edition.Status.PUBLISHED
    assert scored_provinces.published_at is not None
    assert DataVersion.current() == before + 1
    assert scored_provinces.events.get().action == "publish"


def test_publishing_is_refused_with_the_list_of_missing_points(half_scored_provinces):
    with pytest.raises(PublishRefused) as refusal:
        publish_edition(half_scored_provinces)

    assert refusal.value.problems == [
        "Hà Nội (01): 3 sub-criteria without final points: 1.1 (appraised), 1.2 (survey), "
        "2.2 (appraised)",
        "Lào Cai (10): 4 sub-criteria without final points: 1.1 (appraised), 1.2 (survey), "
        "2.1 (appraised), 2.2 (appraised)",
        "Hải Phòng (31): 4 sub-criteria without final points: 1.1 (appraised), 1.2 (survey), "
        "2.1 (appraised), 2.2 (appraised)",
    ]
    half_scored_provinces.refresh_from_db()
    assert half_scored_provinces.status == Edition.Status.DRAFT
    assert not Result.objects.exists()


def test_unranked_participants_get_results_without_rank_and_stay_out_of_averages(
    ministry_edition,
):
    imported(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points
        2019,ministry,BTP,1.1,6,5
        2019,ministry,BYT,1.1,6,6
        """,
    )
    imported(
        "survey",
        "year,level,unit,criterion,points\n2019,ministry,BTP,1.2,2.25\n2019,ministry,BYT,1.2,4\n",
    )

    publish_edition(ministry_edition)

    results = _results(ministry_edition)
    # BTP: 5 + 2.25 = 7.25 of 10 -> 72.50, rank 1. BYT: 10 of 10 -> 100.00, not ranked.
    assert (results["BTP"].index, results["BTP"].rank) == (Decimal("72.50"), 1)
    assert (results["BYT"].index, results["BYT"].rank, results["BYT"].group) == (
        Decimal("100.00"),
        None,
        "A",
    )
    assert Average.objects.get(edition=ministry_edition, region_code="", field_code="").value == (
        Decimal("72.50")
    )


def test_across_the_2025_merger_continuing_units_get_changes_and_merged_ones_are_new(db):
    imported(
        "published",
        """\
        year,level,unit,index,rank,field_1
        2024,province,Hà Nội,85.50,1,80.25
        2024,province,Long An,80.00,2,
        2024,province,Tây Ninh,79.00,3,
        """,
    )
    imported(
        "published",
        """\
        year,level,unit,index,field_1
        2025,province,Hà Nội,86.25,81
        2025,province,Tây Ninh,88.00,90
        """,
    )
    for year in (2024, 2025):
        publish_edition(Edition.objects.get(year=year, level="province"))

    results = _results(Edition.objects.get(year=2025, level="province"))
    hanoi, tayninh = results["01"], results["80"]
    # No ranks in the 2025 file: computed from the indices, 88.00 before 86.25.
    assert (tayninh.rank, hanoi.rank) == (1, 2)
    assert (hanoi.delta_index, hanoi.delta_rank, hanoi.is_new_unit) == (Decimal("0.75"), -1, False)
    # The new Tây Ninh (80) is not the Long An that had code 80 in 2024.
    assert (tayninh.delta_index, tayninh.delta_rank, tayninh.is_new_unit) == (None, None, True)
    assert tayninh.participant.unit.valid_from.isoformat() == "2025-07-01"
    assert hanoi.fields.get().index == Decimal("81.00")


def test_a_summary_only_edition_keeps_the_published_ranks_it_was_given(db):
    imported(
        "published",
        """\
        year,level,unit,index,rank,ranked,appraised_points,survey_points
        2019,ministry,BTP,80.10,2,yes,50.10,30.00
        2019,ministry,BYT,80.30,1,yes,50.30,30.00
        2019,ministry,BNG,99.00,,no,,
        """,
    )

    publish_edition(Edition.objects.get(year=2019, level="ministry"))

    results = _results(Edition.objects.get(year=2019, level="ministry"))
    assert [(code, r.rank, r.total_points) for code, r in sorted(results.items())] == [
        ("BNG", None, None),
        ("BTP", 2, Decimal("80.10")),
        ("BYT", 1, Decimal("80.30")),
    ]


def test_publishing_twice_is_refused(scored_provinces):
    publish_edition(scored_provinces)

    with pytest.raises(PublishRefused, match="is published"):
        publish_edition(scored_provinces)


def test_the_publish_command_lists_what_is_missing_and_fails(province_edition):
    err = io.StringIO()

    with pytest.raises(CommandError, match="the 2019 province edition was not published"):
        call_command("publish", "2019", "--level", "province", stderr=err)

    assert err.getvalue().splitlines()[0] == (
        "Hà Nội (01): 4 sub-criteria without final points: 1.1 (appraised), 1.2 (survey), "
        "2.1 (appraised), 2.2 (appraised)"
    )


def test_the_publish_command_reports_the_number_of_results(scored_provinces):
    out = io.StringIO()

    call_command("publish", "2019", "--level", "province", stdout=out)

    assert out.getvalue() == "published the 2019 province edition: 3 results\n"


def test_the_publish_command_leaves_a_published_edition_as_it_is(scored_provinces):
    call_command("publish", "2019", "--level", "province", stdout=io.StringIO())
    before = list(Result.objects.values_list("pk", "index", "rank"))
    out = io.StringIO()

    call_command("publish", "2019", "--level", "province", stdout=out)

    assert out.getvalue() == "the 2019 province edition is already published; nothing changed\n"
    assert list(Result.objects.values_list("pk", "index", "rank")) == before


def test_publishing_costs_the_same_queries_however_many_units_take_part(db):
    sizes = {2018: ["01"], 2019: ["01", "31"], 2020: ["01", "31", "10", "22", "04"]}
    for year, units in sizes.items():
        rows = "".join(f"{year},province,{code},80.00\n" for code in units)
        imported("published", "year,level,unit,index\n" + rows)
    # 2019 and 2020 then both have a previous edition and a version row to update.
    publish_edition(Edition.objects.get(year=2018, level="province"))
    counts = []
    for year in (2019, 2020):
        with CaptureQueriesContext(connection) as queries:
            publish_edition(Edition.objects.get(year=year, level="province"))
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1]


# --- the rules publishing applies, each pinned by a test that fails when the rule breaks ------


def _publish(year: int, level: str = "province") -> Edition:
    edition = Edition.objects.get(year=year, level=level)
    publish_edition(edition)
    return edition


def _import_published(rows: str, **edition_fields) -> Edition:
    """Import a `published` file (header included) and set edition-level figures on it."""
    imported("published", rows)
    year, level = rows.splitlines()[1].split(",")[:2]
    editions = Edition.objects.filter(year=int(year), level=level)
    if edition_fields:
        # Until the `published` kind reads ranked_total and average, set them as it would.
        editions.update(**edition_fields)
    return editions.get()


def test_groups_follow_the_editions_own_thresholds_not_the_defaults(scored_provinces):
    Edition.objects.filter(pk=scored_provinces.pk).update(
        group_a=Decimal("92"), group_b=Decimal("90"), group_c=Decimal("76")
    )

    publish_edition(scored_provinces)

    results = _results(scored_provinces)
    # 90.00 is an A by the defaults (A >= 90) but a B here; 75.00 a C there, a D here.
    assert (results["01"].index, results["01"].group) == (Decimal("90.00"), "B")
    assert (results["31"].index, results["31"].group) == (Decimal("75.00"), "D")


THREE_YEARS = {
    # Hà Nội: 70.00 (2nd), 84.00 (1st), 86.00; Hải Phòng: 75.00 (1st), 80.00 (2nd), 87.00.
    2017: "2017,province,01,70.00,2\n2017,province,31,75.00,1\n",
    2018: "2018,province,01,84.00,1\n2018,province,31,80.00,2\n",
    2019: "2019,province,01,86.00,2\n2019,province,31,87.00,1\n",
}


def _three_years(*years: int) -> None:
    for year in years:
        imported("published", "year,level,unit,index,rank\n" + THREE_YEARS[year])


def test_changes_are_against_the_latest_earlier_published_edition(db):
    _three_years(2017, 2018, 2019)
    _publish(2017)
    _publish(2018)

    hanoi = _results(_publish(2019))["01"]

    # Against 2018 (84.00, 1st), not 2017 (70.00, 2nd).
    assert (hanoi.delta_index, hanoi.delta_rank) == (Decimal("2.00"), -1)


def test_no_change_is_measured_across_an_unpublished_year(db):
    _three_years(2017, 2018, 2019)
    _publish(2017)

    hanoi = _results(_publish(2019))["01"]

    # 2018 is imported but not published: a change against 2017 would span two years
    # (docs/rules.md: only between consecutive editions).
    assert (hanoi.delta_index, hanoi.delta_rank) == (None, None)


def test_a_later_published_edition_is_not_the_previous_one(db):
    _three_years(2017, 2018, 2019)
    _publish(2017)
    _publish(2019)

    hanoi = _results(_publish(2018))["01"]

    # 2018 is published last: its previous edition is still 2017, not 2019.
    assert (hanoi.delta_index, hanoi.delta_rank) == (Decimal("14.00"), 1)


def test_the_previous_edition_is_of_the_same_level(db):
    _three_years(2017, 2018)
    imported("published", "year,level,unit,index,rank\n2017,ministry,BTP,90.00,1\n")
    _publish(2017)
    _publish(2017, "ministry")

    hanoi = _results(_publish(2018))["01"]

    # The 2017 ministry edition was published later, but it is of the other level.
    assert (hanoi.delta_index, hanoi.delta_rank) == (Decimal("14.00"), 1)


def test_a_unit_absent_last_year_is_new_only_if_it_has_predecessors(db):
    imported("published", "year,level,unit,index\n2024,province,01,80.00\n")
    imported(
        "published",
        """\
        year,level,unit,index
        2025,province,01,81.00
        2025,province,04,82.00
        2025,province,08,83.00
        """,
    )
    _publish(2024)

    results = _results(_publish(2025))

    # Cao Bằng (04) continues unchanged and simply was not in the 2024 edition; the new
    # Tuyên Quang (08) was formed from Hà Giang (02) and the old Tuyên Quang (08).
    assert [(code, results[code].is_new_unit) for code in ("01", "04", "08")] == [
        ("01", False),
        ("04", False),
        ("08", True),
    ]
    assert results["04"].delta_index is None


def test_unchanged_provinces_continue_across_2025_and_merged_ones_start_afresh(db):
    imported(
        "published",
        """\
        year,level,unit,index,rank
        2024,province,01,85.00,2
        2024,province,04,86.50,1
        2024,province,08,79.00,3
        2024,province,02,70.00,4
        """,
    )
    imported(
        "published",
        """\
        year,level,unit,index,rank
        2025,province,01,88.25,1
        2025,province,04,84.00,3
        2025,province,08,87.00,2
        """,
    )
    _publish(2024)

    results = _results(_publish(2025))
    hanoi, caobang, tuyenquang = results["01"], results["04"], results["08"]

    # Hà Nội and Cao Bằng are the same units in both years: 85.00 (2nd) -> 88.25 (1st) and
    # 86.50 (1st) -> 84.00 (3rd).
    assert (hanoi.delta_index, hanoi.delta_rank, hanoi.is_new_unit) == (
        Decimal("3.25"),
        1,
        False,
    )
    assert (caobang.delta_index, caobang.delta_rank, caobang.is_new_unit) == (
        Decimal("-2.50"),
        -2,
        False,
    )
    # Code 08 in 2025 is the merged Tuyên Quang, not the one ranked 3rd in 2024.
    assert (tuyenquang.delta_index, tuyenquang.delta_rank, tuyenquang.is_new_unit) == (
        None,
        None,
        True,
    )
    assert (
        hanoi.participant.unit_id
        == Result.objects.get(edition__year=2024, participant__unit__code="01").participant.unit_id
    )


# Hà Nội and Hải Phòng (DBSH) at the top, Lào Cai (TDMNPB) last of 63: a partial file.
PARTIAL_2019 = """\
year,level,unit,index,rank,field_1
2019,province,01,91.20,1,95.00
2019,province,31,88.10,2,70.00
2019,province,10,60.55,63,50.00
"""


def test_a_partial_summary_edition_keeps_the_ranks_of_its_file(db):
    edition = _import_published(PARTIAL_2019, ranked_total=63)

    results = _results(_publish(2019))

    assert edition.is_partial
    assert [(code, results[code].rank) for code in ("01", "31", "10")] == [
        ("01", 1),
        ("31", 2),
        ("10", 63),
    ]


def test_a_partial_summary_edition_ranks_nobody_within_a_region_or_on_a_field(db):
    _import_published(PARTIAL_2019, ranked_total=63)

    results = _results(_publish(2019))

    # Hà Nội and Hải Phòng are 1st and 2nd of those in the file, not of their region.
    assert [results[code].rank_in_region for code in ("01", "31", "10")] == [None, None, None]
    assert [results[code].fields.get().rank for code in ("01", "31", "10")] == [None] * 3
    assert results["31"].fields.get().index == Decimal("70.00")


def test_a_partial_summary_edition_still_gets_groups_from_its_thresholds(db):
    _import_published(PARTIAL_2019, ranked_total=63, group_c=Decimal("60"))

    results = _results(_publish(2019))

    assert [results[code].group for code in ("01", "31", "10")] == ["A", "B", "C"]


def test_a_partial_summary_edition_stores_only_the_published_national_average(db):
    edition = _import_published(PARTIAL_2019, ranked_total=63, published_average=Decimal("75.31"))

    _publish(2019)

    # Not (91.20 + 88.10 + 60.55) / 3 = 79.95, and no regional or field averages.
    stored = edition.averages.values_list("region_code", "field_code", "value")
    assert list(stored) == [("", "", Decimal("75.31"))]


def test_a_partial_summary_edition_without_a_published_average_has_no_averages(db):
    edition = _import_published(PARTIAL_2019, ranked_total=63)

    _publish(2019)

    assert not Average.objects.filter(edition=edition).exists()


def test_unranked_units_of_a_file_do_not_count_towards_the_units_ranked(db):
    edition = _import_published(
        "year,level,unit,index,rank,ranked\n2019,province,01,91.20,1,yes\n"
        "2019,province,31,99.00,,no\n",
        ranked_total=2,
        published_average=Decimal("80.00"),
    )

    _publish(2019)

    # One ranked result of two ranked units: partial, so the published 80.00, not 91.20.
    assert edition.averages.get().value == Decimal("80.00")


def test_a_summary_edition_whose_file_holds_every_ranked_unit_is_computed_as_ever(db):
    edition = _import_published(PARTIAL_2019.replace(",63,", ",3,"), ranked_total=3)

    results = _results(_publish(2019))

    assert not edition.is_partial
    assert [results[code].rank_in_region for code in ("01", "31", "10")] == [1, 2, 1]
    averages = {(a.region_code, a.field_code): a.value for a in edition.averages.all()}
    # (91.20 + 88.10 + 60.55) / 3 = 79.95; DBSH (91.20 + 88.10) / 2 = 89.65.
    assert (averages[("", "")], averages[("DBSH", "")], averages[("", "1")]) == (
        Decimal("79.95"),
        Decimal("89.65"),
        Decimal("71.67"),
    )


def test_an_edition_is_partial_only_when_summary_only_with_fewer_ranked_results_than_ranked(
    db, scored_provinces, django_assert_num_queries
):
    _import_published(
        "year,level,unit,index,ranked\n2018,province,01,91.20,yes\n2018,province,31,50,no\n",
        ranked_total=2,
    )
    scored_provinces.ranked_total = 1  # meaningless on a scored edition: it is never partial

    summary = Edition.objects.get(year=2018)

    with django_assert_num_queries(1):
        # The unranked Hải Phòng does not count: 1 ranked result of 2 ranked units.
        assert (summary.is_partial, summary.is_partial) == (True, True)
    with django_assert_num_queries(0):
        assert not scored_provinces.is_partial
