import csv
import io
import json
import time
import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from provinces.models import Unit
from scoring import blank
from scoring.downloads import protect, render, result_rows
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


def _an_hour_later(monkeypatch):
    """The clock the zip format and openpyxl read moves on an hour (no waiting)."""
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 3600)


def test_two_xlsx_exports_of_the_same_data_are_the_same_bytes(published, monkeypatch):
    columns, rows = result_rows(published)
    first = render(columns, rows, "xlsx")

    _an_hour_later(monkeypatch)
    second = render(columns, rows, "xlsx")

    assert first == second


def test_the_export_command_writes_the_same_xlsx_twice(published, tmp_path, monkeypatch):
    paths = [tmp_path / "first.xlsx", tmp_path / "second.xlsx"]
    for path in paths:
        call_command(
            "export_results", "2019", "--level", "province", "--format", "xlsx",
            "--output", str(path), stderr=io.StringIO(),
        )  # fmt: skip
        _an_hour_later(monkeypatch)

    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_an_xlsx_is_stamped_with_the_time_it_is_given_or_the_zip_epoch(published):
    columns, rows = result_rows(published)
    published_at = datetime(2020, 3, 31, 9, 30, 15, tzinfo=UTC)

    stamped = render(columns, rows, "xlsx", stamp=published_at)
    unstamped = render(columns, rows, "xlsx")

    properties = load_workbook(io.BytesIO(stamped)).properties
    assert (properties.created, properties.modified) == (datetime(2020, 3, 31, 9, 30, 15),) * 2
    with zipfile.ZipFile(io.BytesIO(stamped)) as book:
        assert {entry.date_time for entry in book.infolist()} == {
            (2020, 3, 31, 9, 30, 14)
        }  # a zip keeps even seconds
    assert load_workbook(io.BytesIO(unstamped)).properties.created == datetime(1980, 1, 1)
    with zipfile.ZipFile(io.BytesIO(unstamped)) as book:
        assert {entry.date_time for entry in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_blank_xlsx_to_fill_in_is_the_same_bytes_each_time(monkeypatch):
    first, _type = blank.render("scores", "xlsx")
    _an_hour_later(monkeypatch)
    second, _type = blank.render("scores", "xlsx")

    assert first == second


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
