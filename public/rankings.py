"""The rows of a published ranking as the public pages show them: read from the stored results
(never recomputed), sorted and filtered in the reader's chosen way."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse

from provinces.localized import localized
from provinces.models import Region
from scoring.models import Edition, FieldResult, Result


@dataclass
class RankingRow:
    code: str
    slug: str
    name: str
    region_code: str
    region_name: str
    ranked: bool
    note: str
    index: Decimal
    rank: int | None
    rank_in_region: int | None
    group: str
    appraised_points: Decimal | None
    survey_points: Decimal | None
    delta_index: Decimal | None
    delta_rank: int | None
    new_unit: bool
    fields: dict[str, Decimal] = field(default_factory=dict)
    tied: bool = False
    url: str = ""
    # The component indices in the order of the edition's fields, for the table's columns.
    field_list: list[Decimal | None] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    key: str  # the query parameter and download column name
    label: str


def ranking_rows(edition: Edition, field_codes: list[str] = ()) -> list[RankingRow]:
    """Every participant's published result, ranked ones by rank, then unranked by code."""
    # One reverse for all rows: a reverse per row costs as much as a query.
    unit_url = reverse("public:unit", args=["-slug-"])
    results = (
        Result.objects.filter(edition=edition)
        .select_related("participant__unit__region")
        .prefetch_related("participant__unit__former_names")
    )
    # Plain tuples: a model instance per unit × field costs more than the whole query.
    field_indices = defaultdict(dict)
    for result_id, code, index in FieldResult.objects.filter(result__edition=edition).values_list(
        "result_id", "field_code", "index"
    ):
        field_indices[result_id][code] = index
    rows = []
    for result in results:
        unit = result.participant.unit
        name_vi, name_en = unit.names_in(edition.year)
        region = unit.region
        rows.append(
            RankingRow(
                code=unit.code,
                slug=unit.slug,
                name=localized({"name_vi": name_vi, "name_en": name_en}, "name"),
                region_code=region.code if region else "",
                region_name=localized(region, "name") if region else "",
                ranked=result.participant.ranked,
                note=result.participant.note,
                index=result.index,
                rank=result.rank,
                rank_in_region=result.rank_in_region,
                group=result.group,
                appraised_points=result.appraised_points,
                survey_points=result.survey_points,
                delta_index=result.delta_index,
                delta_rank=result.delta_rank,
                new_unit=result.is_new_unit,
                fields=field_indices[result.pk],
                url=unit_url.replace("-slug-", unit.slug),
            )
        )
        rows[-1].field_list = [rows[-1].fields.get(code) for code in field_codes]
    ranks = [row.rank for row in rows if row.rank is not None]
    for row in rows:
        row.tied = row.rank is not None and ranks.count(row.rank) > 1
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.code))
    return rows


def sort_key(column: str):
    """A key for sorting rows by a column; blanks (None) always go last."""
    if column.startswith("field_"):
        code = column.removeprefix("field_")
        return lambda row: row.fields.get(code)
    if column == "unit":
        return lambda row: row.name
    if column == "region":
        return lambda row: row.region_name
    return lambda row: getattr(row, column)


def sorted_rows(rows: list[RankingRow], column: str, descending: bool) -> list[RankingRow]:
    key = sort_key(column)
    present = [row for row in rows if key(row) not in (None, "")]
    blank = [row for row in rows if key(row) in (None, "")]
    # Ties keep the published order (rank, then code): Python's sort is stable.
    return sorted(present, key=key, reverse=descending) + blank


def regions_of(rows: list[RankingRow]) -> list[Region]:
    codes = {row.region_code for row in rows if row.region_code}
    return list(Region.objects.filter(code__in=codes).order_by("order"))
