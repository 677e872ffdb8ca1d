"""Result tables as CSV, XLSX or JSON: the export command and the public downloads share them."""

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from provinces.models import Unit
from scoring.models import Edition, Result

BASE_COLUMNS = [
    "year", "level", "unit_code", "unit_name_vi", "unit_name_en", "region_code", "ranked",
    "index", "rank", "rank_in_region", "group", "appraised_points", "survey_points",
    "total_points", "max_points", "delta_index", "delta_rank",
]  # fmt: skip
# Optional columns after the required ones (docs/formats.md allows adding, never changing).
EXTRA_COLUMNS = ["new_unit", "illustrative", "source"]
FORMATS = ("csv", "xlsx", "json")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A workbook's stamp when the data has no date of its own: the first date a zip entry can hold.
EPOCH = datetime(1980, 1, 1, tzinfo=UTC)
TWO_PLACES = Decimal("0.01")


def result_rows(edition: Edition) -> tuple[list[str], list[dict]]:
    """Columns and one row per participant, ranked units first by rank, then unranked."""
    results = list(
        Result.objects.filter(edition=edition)
        .select_related("participant__unit__region")
        .prefetch_related("fields", "participant__unit__former_names")
    )
    field_codes = sorted(
        {field.field_code for result in results for field in result.fields.all()}, key=int
    )
    columns = BASE_COLUMNS + [f"field_{code}" for code in field_codes] + EXTRA_COLUMNS
    results.sort(key=lambda r: (r.rank is None, r.rank or 0, r.participant.unit.code))
    return columns, [result_row(edition, result) for result in results]


def result_row(edition: Edition, result: Result) -> dict:
    """One result under the download's column names (its fields, unit and region loaded)."""
    unit = result.participant.unit
    row = {
        **unit_columns(edition, unit),
        "region_code": unit.region.code if unit.region else "",
        "ranked": "yes" if result.participant.ranked else "no",
        "index": published_index(edition, result),
        "rank": result.rank,
        "rank_in_region": result.rank_in_region,
        "group": result.group,
        "appraised_points": result.appraised_points,
        "survey_points": result.survey_points,
        "total_points": result.total_points,
        "max_points": result.max_points,
        "delta_index": result.delta_index,
        "delta_rank": result.delta_rank,
    }
    for field in sorted(result.fields.all(), key=lambda field: int(field.field_code)):
        row[f"field_{field.field_code}"] = field.index
    row["new_unit"] = "yes" if result.is_new_unit else "no"
    row["illustrative"] = "yes" if edition.is_demo else "no"
    row["source"] = result.source
    return row


def unit_columns(edition: Edition, unit: Unit) -> dict:
    """The first columns of a row about one unit in one edition: the edition, the unit's code
    and its names as they were that year."""
    name_vi, name_en = unit.names_in(edition.year)
    return {
        "year": edition.year,
        "level": edition.level,
        "unit_code": unit.code,
        "unit_name_vi": name_vi,
        "unit_name_en": name_en,
    }


def published_index(edition: Edition, result: Result) -> Decimal | None:
    """The index as the downloads give it: 2 decimals, or as printed for an imported published
    figure (a few were printed with up to 4 decimals, which the exact index keeps)."""
    if not edition.summary_only or result.index_exact is None:
        return result.index
    exact = result.index_exact.normalize()
    return exact if exact.as_tuple().exponent <= -2 else exact.quantize(TWO_PLACES)


def protect(value: object) -> object:
    """Neutralise text that a spreadsheet would run as a formula; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def render(
    columns: list[str], rows: list[dict], fmt: str, *, stamp: datetime | None = None
) -> bytes:
    """The table as a file. An .xlsx is stamped with `stamp` (the edition's publishing time,
    say), or EPOCH without one, instead of the time of writing: the same data gives the same
    bytes."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else protect(row[c]) for c in columns])
        # A BOM so that Excel opens the Vietnamese names as UTF-8.
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet("results")
        sheet.append(columns)
        for row in rows:
            sheet.append([protect(row.get(c)) for c in columns])
        return workbook_bytes(book, stamp)
    if fmt == "json":
        return json.dumps(
            [{c: _json_value(row.get(c)) for c in columns} for row in rows],
            ensure_ascii=False,
            indent=1,
        ).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def workbook_bytes(book: Workbook, stamp: datetime | None = None) -> bytes:
    """The saved workbook, its created and modified times and its zip entries' times all
    `stamp` (EPOCH without one). openpyxl's own save stamps the workbook with the time of
    writing, and the zip stamps each entry with it (or with its temporary file's time), so
    two saves of the same sheet a second apart would differ."""
    # Naive UTC, as the workbook's properties hold it; the zip's entries take the same.
    when = (stamp or EPOCH).astimezone(UTC).replace(tzinfo=None, microsecond=0)
    book.properties.created = book.properties.modified = when
    written = io.BytesIO()
    # The writer, not book.save(): save() sets the modified time to now first.
    ExcelWriter(book, ZipFile(written, "w", ZIP_DEFLATED, allowZip64=True)).save()
    stable = io.BytesIO()
    with ZipFile(written) as source, ZipFile(stable, "w", ZIP_DEFLATED) as target:
        for entry in source.infolist():
            fixed = ZipInfo(entry.filename, date_time=when.timetuple()[:6])
            target.writestr(fixed, source.read(entry), compress_type=ZIP_DEFLATED)
    return stable.getvalue()


def _json_value(value: object) -> object:
    # Two-decimal values convert to float and print back exactly (84.43 -> 84.43).
    if isinstance(value, date):
        return value.isoformat()
    return float(value) if isinstance(value, Decimal) else value
