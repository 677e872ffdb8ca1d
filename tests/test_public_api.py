"""The read-only JSON of the published data: an index of editions, one document per edition and
one per unit, language-neutral, numbers as JSON numbers, never an unpublished edition.

Fixture (tests/conftest.py, published here): Hà Nội 90.00 (rank 1), Hải Phòng 75.00 and Lào Cai
75.00 (tied at 2); tree 1 = 1.1 self 8 + 1.2 survey 4, 2 = 2.1 self 5 + 2.2 self 3.
"""

from django.utils.dateparse import parse_datetime

from public.codebook import CODEBOOK
from scoring.models import Edition
from scoring.publish import publish_edition
from tests.conftest import imported

EDITION = "/en/api/editions/2019/province.json"


def document(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/json"
    return response.json()


def published_at(data: dict, edition: Edition) -> bool:
    """The publication time, to the millisecond as JSON keeps it."""
    stamp = edition.published_at
    return parse_datetime(data.pop("published_at")) == stamp.replace(
        microsecond=stamp.microsecond // 1000 * 1000
    )


def result(code, name_vi, name_en, region, index, rank, rank_in_region, group, appraised,
           fields) -> dict:  # fmt: skip
    return {
        "year": 2019, "level": "province", "unit_code": code, "unit_name_vi": name_vi,
        "unit_name_en": name_en, "region_code": region, "ranked": "yes", "index": index,
        "rank": rank, "rank_in_region": rank_in_region, "group": group,
        "appraised_points": appraised, "survey_points": 3.0, "total_points": appraised + 3,
        "max_points": 20.0, "delta_index": None, "delta_rank": None,
        "field_1": fields[0], "field_2": fields[1], "new_unit": "no", "illustrative": "no",
        "source": "",
    }  # fmt: skip


HANOI = result("01", "Hà Nội", "Ha Noi", "DBSH", 90.0, 1, 1, "A", 15.0, (87.5, 93.75))
LAOCAI = result("10", "Lào Cai", "Lao Cai", "TDMNPB", 75.0, 2, 1, "C", 12.0, (75.0, 75.0))
HAIPHONG = result("31", "Hải Phòng", "Hai Phong", "DBSH", 75.0, 2, 2, "C", 12.0, (75.0, 75.0))


def field(code, field_code, points, maximum, index, rank) -> dict:
    return {
        "year": 2019, "level": "province", "unit_code": code, "field_code": field_code,
        "points": points, "max_points": maximum, "index": index, "rank": rank,
        "illustrative": "no",
    }  # fmt: skip


def test_the_edition_document_holds_the_tree_thresholds_averages_and_results(client, published):
    data = document(client, EDITION)

    assert published_at(data, published)
    assert data == {
        "year": 2019,
        "level": "province",
        "illustrative": "no",
        "summary_only": "no",
        "partial": "no",
        "ranked_total": None,
        "max_points": 20.0,
        "groups": {"A": 90.0, "B": 80.0, "C": 70.0},
        "averages": {
            "national": 80.0,
            "regions": {"DBSH": 82.5, "TDMNPB": 75.0},
            "fields": {"1": 79.17, "2": 81.25},
        },
        "published_averages": [],
        "criteria": [
            {"code": "1", "name_vi": "Lĩnh vực một", "name_en": "Field one", "max_points": 12.0,
             "method": None},
            {"code": "1.1", "name_vi": "Tiêu chí 1.1", "name_en": "Criterion 1.1",
             "max_points": 8.0, "method": "self"},
            {"code": "1.2", "name_vi": "Tiêu chí 1.2", "name_en": "Criterion 1.2",
             "max_points": 4.0, "method": "survey"},
            {"code": "2", "name_vi": "Lĩnh vực hai", "name_en": "Field two", "max_points": 8.0,
             "method": None},
            {"code": "2.1", "name_vi": "Tiêu chí 2.1", "name_en": "Criterion 2.1",
             "max_points": 5.0, "method": "self"},
            {"code": "2.2", "name_vi": "Tiêu chí 2.2", "name_en": "Criterion 2.2",
             "max_points": 3.0, "method": "self"},
        ],
        "results": [HANOI, LAOCAI, HAIPHONG],
        "field_results": [
            field("01", "1", 10.5, 12.0, 87.5, 1),
            field("01", "2", 7.5, 8.0, 93.75, 1),
            field("10", "1", 9.0, 12.0, 75.0, 2),
            field("10", "2", 6.0, 8.0, 75.0, 2),
            field("31", "1", 9.0, 12.0, 75.0, 2),
            field("31", "2", 6.0, 8.0, 75.0, 2),
        ],
        "field_figures": [],
    }  # fmt: skip


def test_numbers_are_json_numbers_and_results_keep_the_downloads_column_order(client, published):
    text = client.get(EDITION).content.decode("utf-8")

    assert '"index": 90.0, "rank": 1,' in text
    assert '"name_vi": "Lĩnh vực một"' in text  # Vietnamese kept as written, not \u-escaped
    assert list(document(client, EDITION)["results"][0]) == list(HANOI)


def test_the_documents_are_the_same_in_both_languages(client, published):
    assert client.get("/vi/api/editions/2019/province.json").content == client.get(EDITION).content
    assert (
        client.get("/vi/api/units/ha-noi.json").content
        == client.get("/en/api/units/ha-noi.json").content
    )


def test_the_index_lists_published_editions_with_their_documents_and_downloads(
    client, published, ministry_edition
):
    data = document(client, "/en/api/editions.json")

    assert published_at(data["editions"][0], published)
    assert data == {
        "editions": [
            {
                "year": 2019,
                "level": "province",
                "illustrative": "no",
                "summary_only": "no",
                "partial": "no",
                "ranked_total": None,
                "url": EDITION,
                "downloads": {
                    table: {fmt: f"/en/data/2019/province/{table}.{fmt}" for fmt in
                            ("csv", "xlsx", "json")}
                    for table in ("results", "fields", "leaves")
                },
            }
        ]
    }  # fmt: skip


def test_a_partial_summary_only_edition_says_so_and_lists_no_leaf_table(client, db):
    imported("published", "year,level,unit,index,rank\n2018,province,01,90.00,1\n")
    Edition.objects.filter(year=2018).update(ranked_total=63)
    publish_edition(Edition.objects.get(year=2018))

    [entry] = document(client, "/en/api/editions.json")["editions"]
    data = document(client, "/en/api/editions/2018/province.json")

    assert (entry["summary_only"], entry["partial"], entry["ranked_total"]) == ("yes", "yes", 63)
    assert list(entry["downloads"]) == ["results", "fields"]
    assert (data["max_points"], data["criteria"], data["averages"]["regions"]) == (None, [], {})
    assert [(r["unit_code"], r["index"], r["rank"]) for r in data["results"]] == [("01", 90.0, 1)]


def test_the_unit_document_holds_its_lineage_and_published_results(client, published):
    data = document(client, "/en/api/units/hai-phong-2004-2025.json")

    assert data == {
        "code": "31",
        "slug": "hai-phong-2004-2025",
        "level": "province",
        "category": "city",
        "name_vi": "Hải Phòng",
        "name_en": "Hai Phong",
        "region_code": "DBSH",
        "region_basis": "",
        "valid_from": None,
        "valid_until": "2025-06-30",
        "former_names": [],
        "successor": {"code": "31", "slug": "hai-phong", "name_vi": "Hải Phòng",
                      "name_en": "Hai Phong"},
        "predecessors": [],
        "results": [HAIPHONG],
    }  # fmt: skip


def test_a_merged_unit_lists_its_predecessors(client, db):
    data = document(client, "/en/api/units/hai-phong.json")

    assert (data["valid_from"], data["region_basis"], data["successor"]) == (
        "2025-07-01",
        "predecessors",
        None,
    )
    assert data["predecessors"] == [
        {"code": "30", "slug": "hai-duong", "name_vi": "Hải Dương", "name_en": "Hai Duong"},
        {"code": "31", "slug": "hai-phong-2004-2025", "name_vi": "Hải Phòng",
         "name_en": "Hai Phong"},
    ]  # fmt: skip
    assert data["results"] == []


def test_a_renamed_unit_keeps_its_former_name_and_the_name_of_each_year(client, db):
    imported("published", "year,level,unit,index,rank\n2019,province,46,80.00,1\n")
    publish_edition(Edition.objects.get(year=2019))

    data = document(client, "/en/api/units/hue.json")

    assert data["former_names"] == [
        {"name_vi": "Thừa Thiên Huế", "name_en": "Thua Thien Hue", "valid_until": "2024-12-31"}
    ]
    assert (data["name_en"], data["results"][0]["unit_name_en"]) == ("Hue", "Thua Thien Hue")


def test_every_key_of_a_result_is_a_column_of_the_codebook(client, published):
    results = {table.key: table for table in CODEBOOK}["results"]
    fields = {table.key: table for table in CODEBOOK}["fields"]
    edition = document(client, EDITION)
    unit = document(client, "/en/api/units/ha-noi.json")

    keys = {*edition["results"][0], *unit["results"][0]}
    assert [key for key in keys if results.column(key) is None] == []
    assert [key for key in edition["field_results"][0] if fields.column(key) is None] == []


def test_unpublished_editions_are_absent_for_everyone(client, admin_client, published):
    # Reopened for a correction: its results are still stored, but no longer public.
    Edition.objects.filter(pk=published.pk).update(status=Edition.Status.REVIEW)

    assert client.get(EDITION).status_code == 404
    assert admin_client.get(EDITION).status_code == 404
    assert document(client, "/en/api/editions.json") == {"editions": []}
    assert document(client, "/en/api/units/ha-noi.json")["results"] == []


def test_unknown_editions_levels_and_units_are_not_found(client, published):
    for url in (
        "/en/api/editions/2020/province.json",
        "/en/api/editions/2019/county.json",
        "/en/api/units/atlantis.json",
    ):
        assert client.get(url).status_code == 404


def test_the_documents_run_a_bounded_number_of_queries(
    client, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):
        client.get("/en/api/editions.json")
    # One more since the public record: its published field figures.
    with django_assert_max_num_queries(8):
        client.get(EDITION)
    with django_assert_max_num_queries(5):
        client.get("/en/api/units/ha-noi.json")
