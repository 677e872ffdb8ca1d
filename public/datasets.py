"""The bulk downloads of a published edition beside the results table of scoring.downloads: one
row per unit and field, and one row per unit and leaf with its final points, so that anyone can
recompute every index and rank with docs/rules.md. Read from what scoring.publish stored and
from the scores it published from; never recomputed here."""

from scoring.downloads import result_rows
from scoring.models import Criterion, Edition, FieldResult, Score
from scoring.tree import Tree

TABLES = ("results", "fields", "leaves")

FIELD_COLUMNS = [
    "year", "level", "unit_code", "field_code", "points", "max_points", "index", "rank",
    "illustrative",
]  # fmt: skip
LEAF_COLUMNS = [
    "year", "level", "unit_code", "criterion", "method", "max_points", "self_points",
    "appraised_points", "appraisal_reason", "survey_points", "final_points", "illustrative",
]  # fmt: skip


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
