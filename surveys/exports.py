"""The SIPAS results of a year as a table: `export_sipas` (docs/formats.md) writes it; and the
SIPAS figures as published, every year at once, beside the PAR Index's tables across all
editions on the data page (data/all/sipas.<fmt>)."""

from surveys.models import ASPECTS, SipasFigure, SipasResult

COLUMNS = [
    "year", "unit_code", "unit_name_vi", "respondents", *ASPECTS,
    "sipas", "sipas_low", "sipas_high", "rank",
]  # fmt: skip
NATIONAL_CODE = "VN"
NATIONAL_NAME_VI = "Toàn quốc"
PUBLISHED_COLUMNS = [
    "year", "unit_code", "unit_name_vi", "unit_name_en", "sipas", "rank", "source",
]  # fmt: skip


def sipas_rows(year: int) -> list[dict]:
    """One row per province over all its respondents, by rank (then code; unranked last),
    then the whole country's. Empty when the year has no results."""
    results = list(
        SipasResult.objects.filter(year=year, breakdown=SipasResult.Breakdown.ALL)
        .select_related("unit")
        .prefetch_related("unit__former_names")
    )
    provinces = sorted(
        (row for row in results if row.unit_id),
        key=lambda row: (row.rank is None, row.rank or 0, row.unit.code),
    )
    national = [row for row in results if not row.unit_id]
    return [_sipas_row(year, row) for row in provinces + national]


def _sipas_row(year: int, result: SipasResult) -> dict:
    if result.unit_id:
        code, name = result.unit.code, result.unit.name_vi_in(year)
    else:
        code, name = NATIONAL_CODE, NATIONAL_NAME_VI
    row = {"year": year, "unit_code": code, "unit_name_vi": name}
    row["respondents"] = result.respondents
    row |= {aspect: getattr(result, aspect) for aspect in ASPECTS}
    row |= {
        "sipas": result.sipas,
        "sipas_low": result.sipas_low,
        "sipas_high": result.sipas_high,
        "rank": result.rank,
    }
    return row


def published_rows() -> list[dict]:
    """The SIPAS headline figures as published, year by year: the country first (VN), then the
    provinces by rank, then by code. Two queries."""
    figures = SipasFigure.objects.select_related("unit").prefetch_related("unit__former_names")
    rows = []
    for figure in figures:
        unit = figure.unit
        name_vi, name_en = unit.names_in(figure.year) if unit else ("", "")
        code = unit.code if unit else NATIONAL_CODE
        key = (figure.year, unit is not None, figure.rank is None, figure.rank or 0, code)
        row = {
            "year": figure.year,
            "unit_code": code,
            "unit_name_vi": name_vi,
            "unit_name_en": name_en,
            "sipas": figure.sipas,
            "rank": figure.rank,
            "source": figure.source,
        }
        rows.append((key, row))
    rows.sort(key=lambda item: item[0])
    return [row for _key, row in rows]
