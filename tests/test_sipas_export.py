"""export_sipas writes the year's SIPAS per province and for the country (docs/formats.md)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.conftest import imported
from tests.sipas_files import SURVEY

HEADER = (
    "year,unit_code,unit_name_vi,respondents,access,procedures,civil_servants,results,feedback,"
    "sipas,sipas_low,sipas_high,rank"
)


@pytest.fixture
def surveyed(db):
    imported("sipas", SURVEY)


def _export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_sipas", *args, stdout=out)
    return out.getvalue()


def test_the_csv_lists_provinces_by_rank_then_the_country(surveyed):
    assert _export("2019") == "\ufeff" + "\n".join(
        [
            HEADER,
            "2019,31,Hải Phòng,2,100.00,100.00,100.00,100.00,100.00,100.00,100.00,100.00,1",
            "2019,01,Hà Nội,4,66.67,75.00,50.00,50.00,50.00,60.00,11.99,100.00,2",
            "2019,10,Lào Cai,2,100.00,100.00,100.00,0.00,0.00,60.00,60.00,60.00,2",
            "2019,22,Quảng Ninh,1,0.00,0.00,0.00,0.00,0.00,0.00,,,4",
            "2019,VN,Toàn quốc,9,75.00,77.78,71.43,42.86,42.86,62.22,34.93,89.51,",
            "",
        ]
    )


def test_the_json_keeps_numbers_as_numbers(surveyed):
    rows = json.loads(_export("2019", "--format", "json"))

    assert rows[1] == {
        "year": 2019, "unit_code": "01", "unit_name_vi": "Hà Nội", "respondents": 4,
        "access": 66.67, "procedures": 75.0, "civil_servants": 50.0, "results": 50.0,
        "feedback": 50.0, "sipas": 60.0, "sipas_low": 11.99, "sipas_high": 100.0, "rank": 2,
    }  # fmt: skip
    assert (rows[3]["sipas_low"], rows[-1]["unit_code"], rows[-1]["rank"]) == (None, "VN", None)


def test_the_xlsx_has_the_same_rows_with_numeric_cells(surveyed, tmp_path):
    path = tmp_path / "sipas.xlsx"
    call_command(
        "export_sipas", "2019", "--format", "xlsx", "--output", str(path), stderr=io.StringIO()
    )

    sheet = load_workbook(path).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER.split(",")
    # Numbers, not texts: openpyxl reads them back as int or float.
    assert rows[2] == [2019, "01", "Hà Nội", 4, 66.67, 75, 50, 50, 50, 60, 11.99, 100, 2]
    assert rows[5][:4] == [2019, "VN", "Toàn quốc", 9]
    assert rows[5][-1] is None


def test_a_year_without_results_is_an_error(db):
    with pytest.raises(CommandError, match="^there are no SIPAS results for 2020$"):
        _export("2020")
