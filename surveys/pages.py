"""The SIPAS figures as the public pages show them: read from the stored SipasResult rows (never
recomputed), with the labels of the reader's language and, for the province ranking, which
provinces' 95 % intervals tell them apart.

Which ranks mean something (shown on the ranking page in the same words): two provinces are
*told apart* when their SIPAS intervals do not overlap, i.e. one's lower end is strictly above the
other's upper end. Intervals that touch overlap; a province without an interval (fewer than two
respondents) is told apart from no one. For each ranked province of a year, of N ranked:
  ahead  = provinces whose lower end is above its upper end (certainly better),
  behind = provinces whose upper end is below its lower end (certainly worse);
its rank could be anything from 1 + ahead to N − behind (the published rank always lies in that
range, since a province ahead has a strictly higher SIPAS), it is told apart from ahead + behind
of the N − 1 others, and it is marked "≈" when its interval overlaps that of the province listed
just above it, so that their order says nothing.

Which years are illustrative: a SIPAS year is demo data when the province edition of that year
is a demo edition (Edition.is_demo, set by scoring.demo; surveys.demo invents the respondents
of those years). The pages show the demo banner for such a year, as for a demo edition.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Subquery,
    prefetch_related_objects,
)
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from provinces.collation import vietnamese
from provinces.models import Level, Unit
from scoring.models import Edition
from scoring.notes import SourceNote, SourceNotes
from surveys.aggregation import AspectShare
from surveys.models import ASPECTS, GovLevel, SipasFigure, SipasResult
from surveys.sectors import sector_name

ASPECT_LABELS = {
    "access": _("Access to services"),
    "procedures": _("Administrative procedures"),
    "civil_servants": _("Civil servants"),
    "results": _("Results of services"),
    "feedback": _("Feedback handling"),
}
_ALL = SipasResult.Breakdown.ALL


def demo() -> Exists:
    """Annotates a SipasResult query: is its year demo data (the module docstring's rule)?"""
    return Exists(Edition.objects.filter(year=OuterRef("year"), level=Level.PROVINCE, is_demo=True))


@dataclass(frozen=True)
class Aspect(AspectShare):
    """An aspect's share as a page shows it: which aspect, and its name in the reader's language."""

    key: str
    label: str


@dataclass(frozen=True)
class ResultFigures:
    """One SipasResult: its SIPAS with interval, respondents and the five aspects."""

    label: str
    respondents: int
    sipas: Decimal | None
    low: Decimal | None
    high: Decimal | None
    aspects: list[Aspect]


def result_figures(result: SipasResult, label: str = "") -> ResultFigures:
    return ResultFigures(
        label=label,
        respondents=result.respondents,
        sipas=result.sipas,
        low=result.sipas_low,
        high=result.sipas_high,
        aspects=[
            Aspect(
                key=aspect,
                label=str(ASPECT_LABELS[aspect]),
                value=getattr(result, aspect),
                low=getattr(result, f"{aspect}_low"),
                high=getattr(result, f"{aspect}_high"),
                answered=getattr(result, f"{aspect}_n"),
            )
            for aspect in ASPECTS
        ],
    )


def sipas_years() -> list[int]:
    """The years with SIPAS results, newest first: those with a national row."""
    return list(
        SipasResult.objects.filter(unit__isnull=True, breakdown=_ALL)
        .order_by("-year")
        .values_list("year", flat=True)
    )


@dataclass
class National:
    year: int
    overall: ResultFigures
    provinces: int  # provinces with results this year
    by_level: list[ResultFigures]
    by_sector: list[ResultFigures]
    is_demo: bool = False  # named as Edition's, for templates/public/_demo_banner.html


def national_figures(year: int) -> National:
    """The country's figures of a year, over all respondents and by government level and
    sector; 404 for a year without results. Two queries."""
    rows = list(SipasResult.objects.filter(year=year, unit__isnull=True).annotate(is_demo=demo()))
    overall = next((row for row in rows if row.breakdown == _ALL), None)
    if overall is None:
        raise Http404("no SIPAS results for this year")
    levels = {row.category: row for row in rows if row.breakdown == SipasResult.Breakdown.GOV_LEVEL}
    sectors = sorted(
        (row for row in rows if row.breakdown == SipasResult.Breakdown.SECTOR),
        key=lambda row: vietnamese(sector_name(row.category)),
    )
    return National(
        year=year,
        overall=result_figures(overall),
        provinces=SipasResult.objects.filter(year=year, breakdown=_ALL, unit__isnull=False).count(),
        by_level=[
            result_figures(levels[value], str(label))
            for value, label in GovLevel.choices
            if value in levels
        ],
        by_sector=[result_figures(row, sector_name(row.category)) for row in sectors],
        is_demo=overall.is_demo,
    )


@dataclass
class RankedProvince:
    code: str
    slug: str
    url: str
    name: str
    rank: int | None
    respondents: int
    sipas: Decimal | None
    low: Decimal | None
    high: Decimal | None
    tied: bool = False
    ahead: int = 0
    behind: int = 0
    rank_from: int | None = None
    rank_to: int | None = None
    # Its interval overlaps that of the province listed just above it.
    like_above: bool = False

    @property
    def told_apart(self) -> int:
        return self.ahead + self.behind


def told_apart(better: RankedProvince, worse: RankedProvince) -> bool:
    """True when `better`'s interval lies wholly above `worse`'s (see the module docstring)."""
    if None in (better.low, better.high, worse.low, worse.high):
        return False
    return better.low > worse.high


def mark_distinctions(ranked: list[RankedProvince]) -> None:
    """Fill ahead, behind, the possible ranks and like_above of provinces listed by rank."""
    total = len(ranked)
    for row in ranked:
        row.ahead = sum(told_apart(other, row) for other in ranked if other is not row)
        row.behind = sum(told_apart(row, other) for other in ranked if other is not row)
        row.rank_from, row.rank_to = 1 + row.ahead, total - row.behind
    for above, row in zip(ranked, ranked[1:], strict=False):
        row.like_above = not told_apart(above, row)


@dataclass
class Ranking:
    year: int
    ranked: list[RankedProvince]
    unranked: list[RankedProvince] = field(default_factory=list)
    national: Decimal | None = None  # the country's SIPAS
    is_demo: bool = False

    @property
    def others(self) -> int:
        return max(len(self.ranked) - 1, 0)


def sipas_ranking(year: int) -> Ranking:
    """The provinces of a year by rank (ties by code), then those without a SIPAS, with their
    names of that year, and the country's SIPAS. Two queries."""
    results = list(
        SipasResult.objects.filter(year=year, breakdown=_ALL)
        .annotate(is_demo=demo())
        .select_related("unit")
        .prefetch_related("unit__former_names")
    )
    national = next((result for result in results if result.unit_id is None), None)
    if national is None:
        raise Http404("no SIPAS results for this year")
    unit_url = reverse("public:unit", args=["-slug-"])  # one reverse for every row
    rows = []
    for result in results:
        unit = result.unit
        if unit is None:
            continue
        rows.append(
            RankedProvince(
                code=unit.code,
                slug=unit.slug,
                url=unit_url.replace("-slug-", unit.slug),
                name=unit.name_in(year),
                rank=result.rank,
                respondents=result.respondents,
                sipas=result.sipas,
                low=result.sipas_low,
                high=result.sipas_high,
            )
        )
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.code))
    ranked = [row for row in rows if row.rank is not None]
    ranks = [row.rank for row in ranked]
    for row in ranked:
        row.tied = ranks.count(row.rank) > 1
    mark_distinctions(ranked)
    unranked = [row for row in rows if row.rank is None]
    return Ranking(year, ranked, unranked, national.sipas, national.is_demo)


@dataclass
class UnitYear:
    year: int
    name: str
    figures: ResultFigures
    rank: int | None
    ranked_total: int
    is_demo: bool = False


def unit_years(unit: Unit) -> list[UnitYear]:
    """A province's SIPAS over all respondents, newest year first, with its rank out of how many
    provinces were ranked that year; empty for a ministry. One query, and one for its former
    names when it has results."""
    if unit.level != Level.PROVINCE:
        return []
    ranked_total = (
        SipasResult.objects.filter(
            year=OuterRef("year"), breakdown=_ALL, unit__isnull=False, rank__isnull=False
        )
        .order_by()
        .values("year")
        .annotate(count=Count("pk"))
        .values("count")
    )
    results = (
        SipasResult.objects.filter(unit=unit, breakdown=_ALL)
        .annotate(ranked_total=Subquery(ranked_total, output_field=IntegerField()), is_demo=demo())
        .order_by("-year")
    )
    results = list(results)
    if results:
        # One query for the names of every year, not one per year.
        prefetch_related_objects([unit], "former_names")
    lines = []
    for result in results:
        lines.append(
            UnitYear(
                year=result.year,
                name=unit.name_in(result.year),
                figures=result_figures(result),
                rank=result.rank,
                ranked_total=result.ranked_total or 0,
                is_demo=result.is_demo,
            )
        )
    return lines


# The published headline figures (surveys.SipasFigure): what the portal shows for a year whose
# respondents it does not hold, each figure with the page it was read on.


@dataclass
class PublishedFigure:
    year: int
    name: str  # "" for the whole country
    slug: str
    sipas: Decimal | None
    rank: int | None
    source: str
    note: SourceNote | None = None


@dataclass
class PublishedYear:
    year: int
    national: PublishedFigure | None
    provinces: list[PublishedFigure]
    notes: SourceNotes


def figure_years() -> list[int]:
    """The years with published headline figures and no respondent results, newest first."""
    held = set(sipas_years())
    found = set(SipasFigure.objects.values_list("year", flat=True))
    return sorted(found - held, reverse=True)


def _published(figure: SipasFigure) -> PublishedFigure:
    unit = figure.unit
    return PublishedFigure(
        year=figure.year,
        name=unit.name_in(figure.year) if unit else "",
        slug=unit.slug if unit else "",
        sipas=figure.sipas,
        rank=figure.rank,
        source=figure.source,
    )


def published_year(year: int) -> PublishedYear:
    """The country's and the provinces' headline figures of a year, provinces by rank (those
    without one after, by code), each with its numbered source note; 404 without any."""
    found = list(
        SipasFigure.objects.filter(year=year)
        .select_related("unit")
        .prefetch_related("unit__former_names")
    )
    if not found:
        raise Http404("no published SIPAS figures for this year")
    national = next((_published(f) for f in found if f.unit_id is None), None)
    provinces = sorted(
        (_published(f) for f in found if f.unit_id is not None),
        key=lambda f: (f.rank is None, f.rank or 0, f.slug),
    )
    notes = SourceNotes()
    for figure in [national, *provinces] if national else provinces:
        figure.note = notes.cite(figure.source)
    return PublishedYear(year, national, provinces, notes)


def national_trend(prefix: str = "sipas-source") -> tuple[list[PublishedFigure], SourceNotes]:
    """The country's published SIPAS of every year, oldest first, with their notes (anchored
    under `prefix`, apart from other notes of the page)."""
    trend = [
        _published(figure)
        for figure in SipasFigure.objects.filter(unit__isnull=True).order_by("year")
    ]
    notes = SourceNotes(prefix=prefix)
    for figure in trend:
        figure.note = notes.cite(figure.source)
    return trend, notes


def unit_figures(unit: Unit) -> tuple[list[PublishedFigure], SourceNotes]:
    """A province's published headline figures of the years whose respondents the portal does not
    hold, newest first, with their notes (anchored apart from the profile's other notes). One
    query; the unit's names come from the unit given (the profile has read them)."""
    notes = SourceNotes(prefix="sipas-source")
    if unit.level != Level.PROVINCE:
        return [], notes
    held = SipasResult.objects.filter(year=OuterRef("year"), unit__isnull=True, breakdown=_ALL)
    found = []
    for figure in SipasFigure.objects.filter(unit=unit).exclude(Exists(held)).order_by("-year"):
        figure.unit = unit
        found.append(_published(figure))
        found[-1].note = notes.cite(figure.source)
    return found, notes
