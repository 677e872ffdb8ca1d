"""The story the home page tells over the years: the national average of each level and each
year's first province and ministry, each with where it was published (the SIPAS national figures
beside them are the surveys app's, surveys.pages.national_figures).

Read from the stored published figures only. Where the database holds real (official) editions
the story is theirs alone; a database of the illustrative demo only tells the demo's.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from provinces.models import Level, former_names
from scoring.models import Average, Edition, Result
from scoring.notes import SourceNote, SourceNotes


@dataclass(kw_only=True)
class Cited:
    """Where a figure was published, and the note citing it once `cite` has numbered it."""

    source: str = ""
    note: SourceNote | None = None


@dataclass
class Figure(Cited):
    value: Decimal | None


@dataclass
class First(Cited):
    name: str
    slug: str
    index: Decimal | None


@dataclass
class Year:
    year: int
    averages: dict[str, Figure] = field(default_factory=dict)  # by level
    firsts: dict[str, list[First]] = field(default_factory=dict)  # by level; ties give several


def story_editions(published: list[Edition] | None = None) -> list[Edition]:
    """The published editions the story is told from, oldest first: the real ones, or the demo's
    where there is no real one. From `published` (every published edition) when the caller has
    read them already."""
    if published is None:
        published = list(Edition.objects.published())
    editions = sorted(published, key=lambda edition: (edition.year, edition.level))
    real = [edition for edition in editions if not edition.is_demo]
    return real or editions


def years(editions: list[Edition]) -> list[Year]:
    """Each year of the editions, oldest first, with each level's national average and first
    unit(s) as published (a year without either has no line of it)."""
    by_id = {edition.pk: edition for edition in editions}
    lines: dict[int, Year] = {}
    for average in Average.objects.filter(
        edition__in=editions, region_code="", field_code=""
    ).order_by("edition__year"):
        edition = by_id[average.edition_id]
        line = lines.setdefault(edition.year, Year(edition.year))
        line.averages[edition.level] = Figure(average.value, source=average.source)
    firsts = defaultdict(list)
    for result in (
        Result.objects.filter(edition__in=editions, rank=1)
        .select_related("participant__unit")
        .prefetch_related(former_names("participant__unit__"))
        .order_by("participant__unit__code")
    ):
        edition = by_id[result.edition_id]
        unit = result.participant.unit
        firsts[(edition.year, edition.level)].append(
            First(
                name=unit.name_in(edition.year),
                slug=unit.slug,
                index=result.index,
                source=result.source,
            )
        )
    for (year, level), units in firsts.items():
        lines.setdefault(year, Year(year)).firsts[level] = units
    return [lines[year] for year in sorted(lines)]


def national_averages(lines: list[Year]) -> dict[str, list[tuple[int, Decimal]]]:
    """Each level's published national average by year, for the trend chart."""
    return {
        level: [
            (line.year, line.averages[level].value)
            for line in lines
            if level in line.averages and line.averages[level].value is not None
        ]
        for level in Level.values
    }


def cite(lines: list[Year], notes: SourceNotes) -> None:
    """Number the notes of the story's figures in the order the page shows them: the averages'
    table, then the firsts' table."""
    for line in lines:
        for level in Level.values:
            if level in line.averages:
                line.averages[level].note = notes.cite(line.averages[level].source)
    for line in lines:
        for level in Level.values:
            for first in line.firsts.get(level, []):
                first.note = notes.cite(first.source)
