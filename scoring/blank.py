"""Blank files to fill in, one per kind and format: the header row of docs/formats.md (required
columns first) and one example row.

The example rows belong together: they describe the 2019 province edition whose field 1 holds
a self-assessed leaf 1.1 (8 points) and a survey leaf 1.2 (4 points), with Hà Nội (01) taking
part, so that each file, imported as it is into such an edition, passes every check.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from scoring.downloads import workbook_bytes
from scoring.imports import IMPORTER_COLUMNS, KINDS

EXTENSIONS = ("xlsx", "csv")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

EXAMPLES: dict[str, dict[str, object]] = {
    "methodology": {
        "year": 2019,
        "level": "province",
        "code": "1.1",
        "name_vi": "Tiêu chí 1.1",
        "max_points": 8,
        "name_en": "Criterion 1.1",
        "method": "self",
    },
    "participants": {"year": 2019, "level": "province", "unit": "01", "ranked": "yes"},
    "scores": {
        "year": 2019,
        "level": "province",
        "unit": "01",
        "criterion": "1.1",
        "self_points": 8,
        "appraised_points": 7.5,
        "appraisal_reason": "Thiếu tài liệu kiểm chứng",
        "evidence_url": "https://example.gov.vn/tai-lieu/1.1.pdf",
    },
    "survey": {
        "year": 2019,
        "level": "province",
        "unit": "01",
        "criterion": "1.2",
        "points": 3,
        "respondents": 500,
    },
    "published": {
        "year": 2015,
        "level": "province",
        "unit": "01",
        "index": 84.43,
        "rank": 1,
        "ranked": "yes",
        "ranked_total": 63,
        "source": "https://example.gov.vn/par-index-2015",
    },
    "averages": {
        "year": 2015,
        "level": "province",
        "scope": "national",
        "average": 85.11,
        "source": "https://example.gov.vn/par-index-2015",
    },
    "field_figures": {
        "year": 2015,
        "level": "province",
        "unit": "01",
        "field": "Cải cách thủ tục hành chính",
        "source": "https://example.gov.vn/par-index-2015",
        "index": 90.25,
    },
    "sipas_published": {
        "year": 2019,
        "unit": "01",
        "source": "https://example.gov.vn/sipas-2019",
        "unit_name_vi": "Hà Nội",
        "sipas": 85.5,
        "rank": 1,
    },
    "sipas": {
        "year": 2019,
        "unit": "01",
        "respondent_id": "R00001",
        "gov_level": "province",
        "sector": "land",
        "access": 4,
        "procedures": 5,
        "civil_servants": 4,
        "results": 3,
        "feedback": "",
    },
}


def columns(kind: str) -> list[str]:
    """The kind's columns: required first, then the optional ones, as formats.md lists them."""
    if kind in KINDS:
        return [*KINDS[kind].required, *KINDS[kind].optional]
    # A kind with an importer of its own gave its columns when it registered.
    required, optional = IMPORTER_COLUMNS[kind]
    return [*required, *optional]


def example(kind: str) -> list[object]:
    values = EXAMPLES.get(kind, {})
    return [values.get(column, "") for column in columns(kind)]


def render(kind: str, extension: str) -> tuple[bytes, str]:
    """The blank file's bytes and content type."""
    if extension == "csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(columns(kind))
        writer.writerow(example(kind))
        # With a byte-order mark, so that Excel opens it as UTF-8 (Vietnamese names).
        return text.getvalue().encode("utf-8-sig"), CONTENT_TYPES["csv"]
    book = Workbook()
    sheet = book.active
    sheet.title = kind
    sheet.append(columns(kind))
    sheet.append(example(kind))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, column in enumerate(columns(kind), start=1):
        sheet.column_dimensions[get_column_letter(number)].width = max(12, len(column) + 2)
    # Stamped with the downloads' fixed time, not the time of writing: every copy is the same.
    return workbook_bytes(book), CONTENT_TYPES["xlsx"]
