"""SIPAS respondent files for the import tests, as a survey team would send them."""

from tests.files import workbook

HEADER = [
    "year", "unit", "respondent_id", "gov_level", "sector",
    "access", "procedures", "civil_servants", "results", "feedback",
]  # fmt: skip

# The hand-worked file of tests/test_sipas_aggregation.py (its docstring works out every figure).
SURVEY = """\
year,unit,respondent_id,gov_level,sector,access,procedures,civil_servants,results,feedback
2019,01,R1,province,đất đai,5,4,3,2,1
2019,Hà Nội,R2,district,đất đai,4,4,4,4,4
2019,01,R3,district,tư pháp,1,2,,,
2019,01,R4,commune,tư pháp,,5,,,
2019,01,R5,commune,tư pháp,,,,,
2019,31,R1,province,,5,5,5,5,5
2019,31,R2,province,,4,4,4,4,4
2019,10,R1,province,,5,5,5,1,1
2019,10,R2,province,,4,4,4,2,2
2019,22,R1,province,,1,1,1,1,1
"""


def sipas_csv(*rows: str, header: str = ",".join(HEADER)) -> str:
    """CSV text: the header line, then one line per row as written."""
    return "\n".join([header, *rows]) + "\n"


def sipas_workbook(*rows: list, header: list = HEADER) -> bytes:
    """An .xlsx with a sheet named sipas: the header, then the rows' cells as given (a text
    starting with = is written as a formula without a saved value, as openpyxl saves it)."""
    return workbook(("sipas", [header, *rows]))


def generated(count: int, *, year: int = 2019, codes=("01", "31", "10")) -> str:
    """`count` respondents spread over the provinces, every answer given."""
    lines = [
        f"{year},{codes[n % len(codes)]},R{n:06d},commune,,{n % 5 + 1},4,4,4,4"
        for n in range(count)
    ]
    return sipas_csv(*lines)
