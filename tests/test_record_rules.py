"""Rules around the public record on small files of its shape: changes across years only
between two published figures of consecutive real editions, the units' lineage as a download,
the JSON API readable from any origin, and bad record files refused at their row and column
with nothing written (tests/test_public_record.py loads the record itself)."""

import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from scoring.lifecycle import reopen_edition
from scoring.models import (
    Average,
    CorrectedValue,
    Edition,
    EditionChange,
    FieldFigure,
    Result,
    SummaryScore,
)
from scoring.publish import publish_edition
from surveys.models import SipasFigure
from tests.conftest import imported, lines, run_import
from tests.staff_fixtures import staff_user

RECORD = Path(settings.BASE_DIR) / "fixtures" / "public_record"

# -- changes across years ------------------------------------------------------------------------

SUMMARY = "year,level,unit,index,rank\n"


def test_no_change_is_measured_across_a_year_with_no_edition(db):
    imported("published", SUMMARY + "2017,province,01,80.00,2\n2017,province,31,85.00,1\n")
    imported("published", SUMMARY + "2019,province,01,86.00,1\n2019,province,31,84.00,2\n")
    publish_edition(Edition.objects.get(year=2017))

    publish_edition(Edition.objects.get(year=2019))

    assert list(
        Result.objects.filter(edition__year=2019).values_list("delta_index", "delta_rank")
    ) == [(None, None), (None, None)]


@pytest.mark.parametrize("demo", [True, False])
def test_no_change_is_measured_between_a_demo_and_a_real_edition(db, demo):
    imported("published", SUMMARY + "2018,province,01,80.00,2\n2018,province,31,85.00,1\n")
    imported("published", SUMMARY + "2019,province,01,86.00,1\n2019,province,31,84.00,2\n")
    Edition.objects.filter(year=2019).update(is_demo=demo)
    publish_edition(Edition.objects.get(year=2018))

    publish_edition(Edition.objects.get(year=2019))

    hanoi = Result.objects.get(edition__year=2019, participant__unit__code="01")
    expected = (None, None) if demo else (Decimal("6.00"), 1)
    assert (hanoi.delta_index, hanoi.delta_rank) == expected


def test_no_change_is_measured_from_a_figure_that_was_not_published(db):
    imported("published", SUMMARY + "2018,province,01,,2\n2018,province,31,85.00,\n")
    imported("published", SUMMARY + "2019,province,01,86.00,1\n2019,province,31,84.00,2\n")
    publish_edition(Edition.objects.get(year=2018))

    publish_edition(Edition.objects.get(year=2019))

    changes = dict(
        Result.objects.filter(edition__year=2019).values_list(
            "participant__unit__code", "delta_index"
        )
    )
    ranks = dict(
        Result.objects.filter(edition__year=2019).values_list(
            "participant__unit__code", "delta_rank"
        )
    )
    assert changes == {"01": None, "31": Decimal("-1.00")}
    assert ranks == {"01": 1, "31": None}


def test_the_lineage_of_every_unit_is_a_download(client, db):
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/en/data/all/lineage.csv").content.decode("utf-8").lstrip("\ufeff")
            )
        )
    )
    old_long_an = next(
        r for r in rows if r["unit_code"] == "80" and r["valid_until"] == "2025-06-30"
    )

    assert old_long_an == {
        "level": "province",
        "unit_code": "80",
        "unit_name_vi": "Long An",
        "unit_name_en": "Long An",
        "valid_from": "",
        "valid_until": "2025-06-30",
        "successor_code": "80",
        "successor_name_vi": "Tây Ninh",
        "successor_name_en": "Tay Ninh",
        "successor_valid_from": "2025-07-01",
    }
    # Every province of 2004-2025 (63) and of today (34), each once.
    assert sum(1 for r in rows if r["level"] == "province") == 63 + 34 - 11


def test_the_data_page_links_the_whole_record_downloads(client, db):
    html = client.get("/en/data/").text

    for table in ("figures", "averages", "sipas", "lineage"):
        for fmt in ("csv", "xlsx", "json"):
            assert f'href="/en/data/all/{table}.{fmt}"' in html


def test_the_json_api_answers_any_origin_for_reading_only(client, published):
    get = client.get("/en/api/editions.json", HTTP_ORIGIN="https://notebook.example")
    preflight = client.options(
        "/en/api/editions/2019/province.json",
        HTTP_ORIGIN="https://notebook.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    missing = client.get("/en/api/units/nowhere.json")
    post = client.post("/en/api/editions.json")
    page = client.get("/en/data/")

    assert (get.status_code, get["Access-Control-Allow-Origin"]) == (200, "*")
    assert client.head("/en/api/editions.json")["Access-Control-Allow-Origin"] == "*"
    assert (preflight.status_code, preflight["Access-Control-Allow-Origin"]) == (204, "*")
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert (missing.status_code, missing["Access-Control-Allow-Origin"]) == (404, "*")
    assert post.status_code == 405 and "Access-Control-Allow-Origin" not in post
    assert "Access-Control-Allow-Origin" not in page
    assert "Access-Control-Allow-Credentials" not in get


# -- bad input -----------------------------------------------------------------------------------

PAR_HEADER = "year,level,unit_code,unit_name_vi,par_index_pct,rank,rank_of,source\n"
PAGE = "https://news.example/par-2019"


def _snapshot() -> tuple:
    return (
        Edition.objects.count(),
        SummaryScore.objects.count(),
        Average.objects.count(),
        FieldFigure.objects.count(),
        SipasFigure.objects.count(),
        EditionChange.objects.count(),
    )


def _refused(kind: str, text: str) -> list[str]:
    before = _snapshot()
    report = run_import(kind, text)
    assert not report.ok
    assert _snapshot() == before
    return lines(report.problems)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            f"2019,province,99,Nowhere,80.00,1,63,{PAGE}",
            "row 2, column unit_code: ",
        ),
        (
            f"2019,province,01,Hà Nội,80.00,64,63,{PAGE}",
            "row 2, column rank: rank 64 is beyond the 63 units ranked (ranked_total)",
        ),
        (
            f"2019,province,01,Hà Nội,100.01,1,63,{PAGE}",
            "row 2, column par_index_pct: 100.01 is above the maximum of 100",
        ),
        (
            f"2019,province,01,Hà Nội,-1,1,63,{PAGE}",
            "row 2, column par_index_pct: -1 is below 0",
        ),
        (
            "2019,province,01,Hà Nội,80.00,1,63,javascript:alert(1)",
            'row 2, column source: "javascript:alert(1)" is neither a web address (http:// or '
            "https://) nor a text saying where the figure was read",
        ),
        (
            "2019,province,01,Hà Nội,80.00,1,63,",
            "row 2, column source: a source is required: the address of the page the figure was "
            "read on, or a short text",
        ),
        (
            f"2019,province,01,Hà Nội,,,63,{PAGE}",
            "row 2, column par_index_pct: an index or a rank is required (either may be blank, "
            "not both)",
        ),
    ],
)
def test_a_bad_record_row_is_refused_at_its_row_and_column_and_nothing_is_written(db, row, problem):
    refused = _refused("published", PAR_HEADER + row + "\n")

    assert len(refused) == 1 and refused[0].startswith(problem), refused


def test_a_record_file_for_a_year_that_holds_a_full_edition_is_refused(province_edition):
    assert _refused("published", PAR_HEADER + f"2019,province,01,Hà Nội,80.00,1,63,{PAGE}\n") == [
        "row 2, column year: the 2019 province edition has a criteria tree; its results are "
        "computed from its scores, not imported"
    ]
    averages = f"year,level,scope,average_pct,source\n2019,province,national,80,{PAGE}\n"
    assert _refused("averages", averages) == [
        "row 2, column year: the 2019 province edition has a criteria tree; its results are "
        "computed from its scores, not imported"
    ]


def test_the_other_record_kinds_refuse_bad_rows_at_their_row_and_column(db):
    imported("published", PAR_HEADER + f"2019,province,01,Hà Nội,80.00,1,63,{PAGE}\n")

    assert _refused(
        "averages", f"year,level,scope,average_pct,source\n2019,province,Atlantis,80,{PAGE}\n"
    )[0].startswith('row 2, column scope: "Atlantis" is neither national nor a region')
    assert _refused(
        "averages", "year,level,scope,average_pct,source\n2019,province,national,80, ; \n"
    ) == [
        "row 2, column source: the source has an empty part between two ' ; ' (addresses are "
        "separated by ' ; ')"
    ]
    assert _refused(
        "field_figures",
        f"year,level,unit_code,field,index_pct,source\n2019,province,01,Cải cách,101,{PAGE}\n",
    ) == ["row 2, column index_pct: 101 is above the maximum of 100"]
    assert _refused(
        "sipas_published",
        "year,unit_code,unit_name_vi,sipas_pct,rank,source\n"
        '2019,01,Hà Nội,80,1,"data:text/html,x"\n',
    ) == [
        'row 2, column source: "data:text/html,x" is neither a web address (http:// or '
        "https://) nor a text saying where the figure was read"
    ]


def test_a_bad_file_in_the_record_folder_leaves_nothing_of_the_record(db, tmp_path):
    folder = tmp_path / "record"
    shutil.copytree(RECORD, folder)
    with (folder / "par_2023_province.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"2023,province,99,Nowhere,80.00,30,63,{PAGE}\n")
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 problem"):
        call_command("load_public_record", "--folder", folder, stdout=io.StringIO(), stderr=err)

    assert err.getvalue().startswith("par_2023_province.csv: row 31, column unit_code: ")
    assert _snapshot()[:5] == (0, 0, 0, 0, 0)


def test_a_corrected_record_edition_names_an_index_published_where_there_was_none(db):
    imported("published", SUMMARY + "2019,province,01,,2\n2019,province,31,85.00,1\n")
    edition = publish_edition(Edition.objects.get(year=2019))
    reopen_edition(edition, user=staff_user("admin"), reason="The full table was obtained")
    imported("published", SUMMARY + "2019,province,01,84.00,2\n2019,province,31,85.00,1\n")

    publish_edition(edition)

    corrected = CorrectedValue.objects.filter(correction__edition=edition, unit__code="01")
    assert dict(corrected.values_list("figure", "old_value")) == {
        "group": "",
        "index": "",
        "rank_in_region": "",
    }
    assert dict(corrected.values_list("figure", "new_value"))["index"] == "84.00"


def test_units_with_a_rank_and_no_index_can_be_compared(client, db):
    imported("published", SUMMARY + "2019,province,01,,2\n2019,province,31,85.00,1\n")
    publish_edition(Edition.objects.get(year=2019))

    for first in ("01", "31"):
        other = "31" if first == "01" else "01"
        response = client.get(f"/en/compare/province/?year=2019&units={first}&units={other}")
        assert response.status_code == 200, first
