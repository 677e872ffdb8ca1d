import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from provinces.models import Unit
from scoring.downloads import protect
from scoring.models import Edition
from scoring.publish import publish_edition
from tests.conftest import imported


@pytest.fixture
def published(scored_provinces):
    publish_edition(scored_provinces)
    return scored_provinces


def _export(*args) -> str:
    out = io.StringIO()
    call_command("export_results", *args, stdout=out)
    return out.getvalue()


def test_csv_export_has_the_documented_columns_in_rank_order(published):
    rows = list(
        csv.DictReader(io.StringIO(_export("2019", "--level", "province").lstrip("\ufeff")))
    )

    assert list(rows[0])[:17] == [
        "year", "level", "unit_code", "unit_name_vi", "unit_name_en", "region_code", "ranked",
        "index", "rank", "rank_in_region", "group", "appraised_points", "survey_points",
        "total_points", "max_points", "delta_index", "delta_rank",
    ]  # fmt: skip
    assert [(r["unit_code"], r["index"], r["rank"]) for r in rows] == [
        ("01", "90.00", "1"),
        ("10", "75.00", "2"),
        ("31", "75.00", "2"),
    ]
    assert (rows[0]["unit_name_vi"], rows[0]["field_1"], rows[0]["field_2"]) == (
        "Hà Nội", "87.50", "93.75"
    )  # fmt: skip
    assert (rows[0]["delta_index"], rows[0]["illustrative"]) == ("", "no")


def test_json_export_keeps_numbers_as_numbers(published):
    rows = json.loads(_export("2019", "--level", "province", "--format", "json"))

    assert rows[0]["index"] == 90.0
    assert rows[0]["rank"] == 1
    assert rows[1]["unit_name_en"] == "Lao Cai"


def test_xlsx_export_writes_a_workbook_with_numeric_cells(published, tmp_path):
    path = tmp_path / "results.xlsx"
    call_command(
        "export_results", "2019", "--level", "province", "--format", "xlsx", "--output", str(path),
        stderr=io.StringIO(),
    )  # fmt: skip

    sheet = load_workbook(path).active
    header = [cell.value for cell in sheet[1]]
    first = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert first["index"] == pytest.approx(90.0)
    assert isinstance(first["index"], float | int | Decimal)
    assert first["unit_name_vi"] == "Hà Nội"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+84 912", "'+84 912"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Hà Nội", "Hà Nội"),
        (Decimal("-3.54"), Decimal("-3.54")),
        (-2, -2),
    ],
)
def test_text_that_a_spreadsheet_would_run_is_neutralised_and_numbers_stay_numbers(value, expected):
    assert protect(value) == expected


def test_exporting_an_unpublished_edition_is_an_error(province_edition):
    with pytest.raises(CommandError, match="no published 2019 province edition"):
        _export("2019", "--level", "province")


def test_a_name_that_looks_like_a_formula_is_neutralised_in_the_csv(published):
    Unit.objects.filter(code="10", level="province").update(name_en='=HYPERLINK("x")')

    rows = list(
        csv.DictReader(io.StringIO(_export("2019", "--level", "province").lstrip("\ufeff")))
    )

    assert rows[1]["unit_name_en"] == '\'=HYPERLINK("x")'
    assert rows[1]["index"] == "75.00"


@pytest.fixture
def partial_2019(db):
    """The top two and the last of the 63 provinces ranked in 2019, as the public record has it."""
    imported(
        "published",
        """\
        year,level,unit,index,rank,field_1
        2019,province,01,91.20,1,95.00
        2019,province,31,88.10,2,70.00
        2019,province,10,60.55,63,50.00
        """,
    )
    edition = Edition.objects.get(year=2019, level="province")
    Edition.objects.filter(pk=edition.pk).update(ranked_total=63)
    publish_edition(edition)
    return edition


def test_a_partial_edition_exports_its_ranks_and_leaves_region_ranks_empty(partial_2019):
    rows = list(
        csv.DictReader(io.StringIO(_export("2019", "--level", "province").lstrip("\ufeff")))
    )

    assert [
        (r["unit_code"], r["index"], r["rank"], r["rank_in_region"], r["group"], r["field_1"])
        for r in rows
    ] == [
        ("01", "91.20", "1", "", "A", "95.00"),
        ("31", "88.10", "2", "", "B", "70.00"),
        ("10", "60.55", "63", "", "D", "50.00"),
    ]


def test_a_partial_edition_exports_region_ranks_as_null_in_json(partial_2019):
    rows = json.loads(_export("2019", "--level", "province", "--format", "json"))

    assert [(r["rank"], r["rank_in_region"]) for r in rows] == [(1, None), (2, None), (63, None)]
