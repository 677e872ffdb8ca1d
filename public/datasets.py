"""The bulk downloads of a published edition beside the results table of scoring.downloads: one
row per unit and field, and one row per unit and leaf with its final points, so that anyone can
recompute every index and rank with docs/rules.md; and tables across all editions: every
published figure of every year and level with its source, every average, and every unit's
lineage. Read from
what scoring.publish stored and from the scores it published from; never recomputed here."""

import datetime

from provinces.models import Unit, former_names
from scoring.downloads import published_index, result_rows, unit_columns
from scoring.models import Average, Criterion, Edition, FieldResult, Result, Score
from scoring.tree import Tree

TABLES = ("results", "fields", "leaves")
# The tables across every edition and every unit, beside the per-edition ones. The SIPAS figures
# as published, at the same address data/all/sipas.<fmt>, are surveys' (surveys/exports.py).
WHOLE_TABLES = ("figures", "averages", "lineage")

FIGURE_COLUMNS = [
    "year", "level", "unit_code", "unit_name_vi", "unit_name_en", "index", "rank",
    "ranked_total", "group", "source", "illustrative",
]  # fmt: skip
AVERAGE_COLUMNS = [
    "year", "level", "region_code", "field_code", "average", "published", "source",
    "illustrative",
]  # fmt: skip
LINEAGE_COLUMNS = [
    "level", "unit_code", "unit_name_vi", "unit_name_en", "valid_from", "valid_until",
    "successor_code", "successor_name_vi", "successor_name_en", "successor_valid_from",
]  # fmt: skip

FIELD_COLUMNS = [
    "year", "level", "unit_code", "field_code", "points", "max_points", "index", "rank",
    "illustrative",
]  # fmt: skip
LEAF_COLUMNS = [
    "year", "level", "unit_code", "criterion", "method", "max_points", "self_points",
    "appraised_points", "appraisal_reason", "survey_points", "final_points", "illustrative",
]  # fmt: skip


def figure_rows() -> list[dict]:
    """Every published figure of every edition, one row per unit and edition: year by year, each
    level's ranked units by rank, then the others, each by code. A figure not published is
    empty, never 0; `illustrative` tells the demo from official results. Two queries."""
    results = (
        Result.objects.filter(edition__status=Edition.Status.PUBLISHED)
        .select_related("edition", "participant__unit")
        .prefetch_related(former_names("participant__unit__"))
        .order_by("edition__year", "edition__level")
    )
    rows = []
    for result in results:
        edition, unit = result.edition, result.participant.unit
        row = {
            **unit_columns(edition, unit),
            "index": published_index(edition, result),
            "rank": result.rank,
            "ranked_total": edition.ranked_total,
            "group": result.group,
            "source": result.source,
            "illustrative": "yes" if edition.is_demo else "no",
        }
        rows.append(((edition.year, edition.level, *_order(result.rank, unit.code)), row))
    rows.sort(key=lambda row: row[0])
    return [row for _key, row in rows]


def average_rows() -> list[dict]:
    """Every average of every published edition: national, per region and per field, those the
    publisher printed (`published`, with their source) and those computed from complete
    editions. One query."""
    averages = (
        Average.objects.filter(edition__status=Edition.Status.PUBLISHED)
        .select_related("edition")
        .order_by("edition__year", "edition__level", "field_code", "region_code")
    )
    return [
        {
            "year": average.edition.year,
            "level": average.edition.level,
            "region_code": average.region_code,
            "field_code": average.field_code,
            "average": average.value,
            "published": "yes" if average.published else "no",
            "source": average.source,
            "illustrative": "yes" if average.edition.is_demo else "no",
        }
        for average in averages
    ]


def lineage_rows() -> list[dict]:
    """Every unit of 2004-2025 with its dates and the unit of today's geography that carries it
    on (after the 2025 mergers; itself for a unit that still exists). One query."""
    units = {unit.pk: unit for unit in Unit.objects.all()}
    rows = []
    for unit in sorted(units.values(), key=lambda u: (u.level, u.code, u.valid_from or _NO_DATE)):
        last, seen = unit, {unit.pk}
        while last.successor_id is not None and last.successor_id not in seen:
            last = units[last.successor_id]
            seen.add(last.pk)
        rows.append(
            {
                "level": unit.level,
                "unit_code": unit.code,
                "unit_name_vi": unit.name_vi,
                "unit_name_en": unit.name_en,
                "valid_from": unit.valid_from,
                "valid_until": unit.valid_until,
                "successor_code": last.code,
                "successor_name_vi": last.name_vi,
                "successor_name_en": last.name_en,
                "successor_valid_from": last.valid_from,
            }
        )
    return rows


def whole_table_rows(table: str) -> tuple[list[str], list[dict]]:
    if table == "figures":
        return FIGURE_COLUMNS, figure_rows()
    if table == "averages":
        return AVERAGE_COLUMNS, average_rows()
    if table == "lineage":
        return LINEAGE_COLUMNS, lineage_rows()
    raise ValueError(f"unknown table {table!r}; expected one of {', '.join(WHOLE_TABLES)}")


def has_leaves(edition: Edition) -> bool:
    """A summary-only edition was imported without leaf scores: it has no leaf table."""
    return not edition.summary_only


def table_rows(edition: Edition, table: str) -> tuple[list[str], list[dict]]:
    if table == "results":
        return result_rows(edition)
    if table == "fields":
        return FIELD_COLUMNS, field_rows(edition)
    if table == "leaves":
        return LEAF_COLUMNS, leaf_rows(edition)
    raise ValueError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")


def _order(rank: int | None, unit_code: str) -> tuple:
    # The order of the results table: ranked units by rank, then unranked, each by code.
    return (rank is None, rank or 0, unit_code)


_NO_DATE = datetime.date.min


def field_rows(edition: Edition) -> list[dict]:
    """One row per unit and field: the field's points, maximum, component index and the rank on
    it, as published (points and maximum are empty in a summary-only edition). One query."""
    stored = FieldResult.objects.filter(result__edition=edition).values_list(
        "result__participant__unit__code",
        "result__rank",
        "field_code",
        "points",
        "max_points",
        "index",
        "rank",
    )
    illustrative = "yes" if edition.is_demo else "no"
    rows = [
        (
            _order(result_rank, unit_code),
            int(field_code),
            {
                "year": edition.year,
                "level": edition.level,
                "unit_code": unit_code,
                "field_code": field_code,
                "points": points,
                "max_points": max_points,
                "index": index,
                "rank": rank,
                "illustrative": illustrative,
            },
        )
        for unit_code, result_rank, field_code, points, max_points, index, rank in stored
    ]
    rows.sort(key=lambda row: row[:2])
    return [row for _order_key, _field, row in rows]


def leaf_rows(edition: Edition) -> list[dict]:
    """One row per unit and leaf: self-assessed, appraised and survey points and the final
    points that counted (appraised on `self` leaves, survey on `survey` leaves, as
    scoring.publish takes them). Empty for a summary-only edition. Two queries."""
    if not has_leaves(edition):
        return []
    leaves = {leaf.pk: leaf for leaf in Tree.of(edition).leaves}
    stored = Score.objects.filter(
        participant__edition=edition, criterion_id__in=leaves
    ).values_list(
        "participant__unit__code",
        "participant__result__rank",
        "criterion_id",
        "self_points",
        "appraised_points",
        "appraisal_reason",
        "survey_points",
    )
    illustrative = "yes" if edition.is_demo else "no"
    rows = []
    for unit_code, result_rank, leaf_id, self_points, appraised, reason, survey in stored:
        leaf = leaves[leaf_id]
        final = survey if leaf.method == Criterion.Method.SURVEY else appraised
        row = {
            "year": edition.year,
            "level": edition.level,
            "unit_code": unit_code,
            "criterion": leaf.code,
            "method": leaf.method,
            "max_points": leaf.max_points,
            "self_points": self_points,
            "appraised_points": appraised,
            "appraisal_reason": reason,
            "survey_points": survey,
            "final_points": final,
            "illustrative": illustrative,
        }
        rows.append((_order(result_rank, unit_code), leaf.sort_key, row))
    rows.sort(key=lambda row: row[:2])
    return [row for _order_key, _sort_key, row in rows]
