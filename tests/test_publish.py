from decimal import Decimal

import pytest

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


def test_publishing_is_refused_with_the_list_of_missing_points(province_edition):
    imported(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points
        2019,province,01,1.1,8,
        2019,province,01,2.1,5,5
        """,
    )

    with pytest.raises(PublishRefused) as refusal:
        publish_edition(province_edition)

    assert refusal.value.problems == [
        "Hà Nội (01): 3 leaves without final points: 1.1 (appraised), 1.2 (survey), "
        "2.2 (appraised)",
        "Lào Cai (10): 4 leaves without final points: 1.1 (appraised), 1.2 (survey), "
        "2.1 (appraised), 2.2 (appraised)",
        "Hải Phòng (31): 4 leaves without final points: 1.1 (appraised), 1.2 (survey), "
        "2.1 (appraised), 2.2 (appraised)",
    ]
    province_edition.refresh_from_db()
    assert province_edition.status == Edition.Status.DRAFT
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
