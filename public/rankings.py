"""The rows of a published ranking as the public pages show them: read from the stored results
(never recomputed, scoring/rows.py), sorted and filtered in the reader's chosen way."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from provinces.localized import localized
from provinces.models import Region, former_names
from public.disagreements import disagreements_in
from scoring.models import Average, Edition, Result
from scoring.notes import SourceNote, SourceNotes

# The rows are built in the domain, shared with the staff's review preview; the public pages
# read them through this module, beside the sorting and the notes below.
from scoring.rows import RankingRow as RankingRow
from scoring.rows import ranking_columns as ranking_columns
from scoring.rows import ranking_rows as ranking_rows
from scoring.rows import rows_of as rows_of


@dataclass(frozen=True)
class PublishedAverage:
    """An average as its publisher printed it (never computed from a partial set)."""

    scope: str  # the national average's label or a region's name
    value: Decimal
    note: SourceNote | None


@dataclass(frozen=True)
class PublishedFieldFigure:
    unit: str
    slug: str
    field: str  # as the page names it, with the points or rank it gave where no index
    index: Decimal | None
    note: SourceNote | None


@dataclass(frozen=True)
class Column:
    key: str  # the query parameter and download column name
    label: str


def rows_by_edition(editions: list[Edition]) -> dict[int, list[RankingRow]]:
    """The ranking rows of each edition by its id, without the component indices (`fields` is
    empty), read in two queries whatever the number of editions: the home page's glance at the
    latest edition of each level shows no field."""
    results = defaultdict(list)
    for result in (
        Result.objects.filter(edition__in=editions)
        .select_related("participant__unit__region")
        .prefetch_related(former_names("participant__unit__"))
    ):
        results[result.edition_id].append(result)
    return {edition.pk: rows_of(edition, results[edition.pk], {}) for edition in editions}


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


def cite_sources(edition: Edition, rows: list[RankingRow], notes: SourceNotes) -> None:
    """Number the source note of each row's published figures, in the order the rows are shown;
    a unit whose figure the sources disagree on gets a note saying so."""
    disagreements = disagreements_in(edition.year, edition.level)
    for row in rows:
        row.source_note = notes.cite(row.source, disagreements.get(row.code, ""))


def published_averages(edition: Edition, notes: SourceNotes) -> list[PublishedAverage]:
    """The national and regional averages printed with the edition, national first, each with
    its note."""
    regions = {region.code: region for region in Region.objects.all()}
    averages = sorted(
        Average.objects.filter(edition=edition, published=True, field_code=""),
        key=lambda a: (a.region_code != "", regions[a.region_code].order if a.region_code else 0),
    )
    return [
        PublishedAverage(
            scope=localized(regions[a.region_code], "name")
            if a.region_code
            else _("National average"),
            value=a.value,
            note=notes.cite(a.source),
        )
        for a in averages
    ]


def published_field_figures(edition: Edition, notes: SourceNotes) -> list[PublishedFieldFigure]:
    """The figures of single fields printed for some units, by unit code, each with its note."""
    figures = []
    for figure in edition.field_figures.select_related("unit").prefetch_related(
        former_names("unit__")
    ):
        figures.append(
            PublishedFieldFigure(
                unit=figure.unit.name_in(edition.year),
                slug=figure.unit.slug,
                field=figure.field,
                index=figure.index,
                note=notes.cite(figure.source),
            )
        )
    return figures


def regions_of(rows: list[RankingRow]) -> list[Region]:
    """The regions of the rows' units, in the order of Region (the rows carry them: no query)."""
    regions = {row.region.code: row.region for row in rows if row.region is not None}
    return sorted(regions.values(), key=lambda region: (region.order, region.code))
