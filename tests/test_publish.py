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
        "Hà Nội (01): 3 leaves without final points: 1.1 (appraised), 1.2 (survey), "
        "2.2 (appraised)",
        "Lào Cai (10): 4 leaves without final points: 1.1 (appraised), 1.2 (survey), "
        "2.1 (appraised), 2.2 (appraised)",
        "Hải Phòng (31): 4 leaves without final points: 1.1 (appraised), 1.2 (survey), "
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
        "Hà Nội (01): 4 leaves without final points: 1.1 (appraised), 1.2 (survey), "
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
