"""Search over units and criteria, in any spelling people type.

Names are matched through the same keys as the imports (provinces/names.py: `normalize`, the
prefixes "Tỉnh", "TP", "Bộ", "Ministry of" dropped, the alias table and the former names), so
"ha noi", "tp hcm", "Thua Thien Hue" and "bo tai chinh" find what a file saying so would. Unlike an
import, search is not year-aware and never reports ambiguity: every unit the words fit is listed,
the one still existing first, and words may be partial ("quang" lists every Quảng).

The index holds a few hundred units and the criteria of the published editions; it is built once
per process and per (data version, published editions) and reused by every request, so a search
costs two small queries whatever it asks. The published editions are part of the key, and not only
the data version, because reopening an edition for correction takes it off the public pages
without a publish.
"""

import datetime
import threading
from dataclasses import dataclass, field

from provinces.localized import localized
from provinces.models import Level, Unit
from provinces.names import ALIASES, _code_key, _core, normalize
from scoring.models import Criterion, Edition, Participant
from scoring.versions import data_version_number

# How well a spelling fits the words typed, best first (the tier is the sort key).
EXACT, PREFIX, WORD_PREFIX, CONTAINS = range(4)
UNIT_LIMIT = 50
CRITERION_LIMIT = 30
QUERY_MAX_LENGTH = 100
# Shorter words are looked for only at the start of a word: "hn" inside "ethnic" is noise.
MIN_INSIDE = 3


@dataclass(frozen=True)
class Spelling:
    """One way of writing a name, as the words compared: 'tp ho chi minh' and 'tphochiminh'."""

    spaced: str
    compact: str

    @classmethod
    def of(cls, key: str) -> "Spelling":
        return cls(key, key.replace(" ", ""))


def _spellings(texts, strip_prefixes: bool = True) -> tuple[Spelling, ...]:
    keys: dict[str, None] = {}
    for text in filter(None, texts):
        key = normalize(text)
        keys[key] = None
        if strip_prefixes:
            keys[_core(key)] = None
    return tuple(Spelling.of(key) for key in keys if key)


def tier(spellings: tuple[Spelling, ...], query: tuple[Spelling, ...]) -> int | None:
    """The best fit of any spelling to any form of the query, or None if none fits. Words run
    together ("hanoi", "quangn") fit only whole or from the start, not anywhere inside, and so
    do words shorter than MIN_INSIDE."""
    best = None
    for spelling in spellings:
        for typed in query:
            if spelling.spaced == typed.spaced or spelling.compact == typed.compact:
                return EXACT
            if spelling.spaced.startswith(typed.spaced) or spelling.compact.startswith(
                typed.compact
            ):
                found = PREFIX
            elif f" {typed.spaced}" in f" {spelling.spaced}":
                found = WORD_PREFIX
            elif len(typed.spaced) >= MIN_INSIDE and typed.spaced in spelling.spaced:
                found = CONTAINS
            else:
                continue
            best = found if best is None else min(best, found)
    return best


@dataclass(frozen=True)
class NamedLink:
    slug: str
    name_vi: str
    name_en: str


@dataclass(frozen=True)
class UnitEntry:
    slug: str
    level: str
    code: str
    name_vi: str
    name_en: str
    former_names: tuple[NamedLink, ...]  # slug repeated: the former names are this unit's
    valid_until: datetime.date | None
    successor: NamedLink | None
    years: tuple[int, ...]  # of the published editions it took part in
    spellings: tuple[Spelling, ...]

    @property
    def ended(self) -> bool:
        return self.valid_until is not None


@dataclass(frozen=True)
class CriterionEntry:
    year: int
    level: str
    code: str
    sort_key: str
    name_vi: str
    name_en: str
    spellings: tuple[Spelling, ...]


@dataclass(frozen=True)
class Index:
    units: tuple[UnitEntry, ...]
    criteria: tuple[CriterionEntry, ...]


@dataclass
class UnitHit:
    """A unit found, as the results page shows it."""

    slug: str
    name: str
    level: str
    level_label: str
    code: str
    years: tuple[int, ...]
    former_names: list[str]
    valid_until: datetime.date | None
    successor: NamedLink | None
    tier: int


@dataclass
class CriterionHit:
    """A criterion found: one code and name of one level, with the published years that have
    it (each year its own criterion page)."""

    level: str
    level_label: str
    code: str
    name: str
    years: list[int] = field(default_factory=list)
    tier: int = CONTAINS


@dataclass
class Results:
    query: str
    units: list[UnitHit]
    unit_count: int
    criteria: list[CriterionHit]
    criterion_count: int

    @property
    def empty(self) -> bool:
        return not self.units and not self.criteria


_lock = threading.Lock()
_cached: dict[tuple, Index] = {}


def clear_cache() -> None:
    with _lock:
        _cached.clear()


def index() -> Index:
    """The index of the current data version and published editions (two queries when cached)."""
    editions = tuple(Edition.objects.published().order_by("pk").values_list("pk", "year", "level"))
    key = (data_version_number(), editions)
    with _lock:
        found = _cached.get(key)
    if found is None:
        found = _build(editions)
        with _lock:
            _cached.clear()  # only the newest is ever asked for again
            _cached[key] = found
    return found


def _build(editions: tuple[tuple[int, int, str], ...]) -> Index:
    edition_years = {pk: year for pk, year, _level in editions}
    years: dict[int, set[int]] = {}
    for unit_id, edition_id in Participant.objects.filter(edition_id__in=edition_years).values_list(
        "unit_id", "edition_id"
    ):
        years.setdefault(unit_id, set()).add(edition_years[edition_id])
    units = []
    for unit in Unit.objects.select_related("successor").prefetch_related("former_names"):
        former = [(f.name_vi, f.name_en) for f in unit.former_names.all()]
        texts = [unit.name_vi, unit.name_en, unit.abbr_en, *(n for pair in former for n in pair)]
        texts += ALIASES.get((unit.level, unit.code), ())
        successor = unit.successor
        units.append(
            UnitEntry(
                slug=unit.slug,
                level=unit.level,
                code=unit.code,
                name_vi=unit.name_vi,
                name_en=unit.name_en,
                former_names=tuple(NamedLink(unit.slug, vi, en) for vi, en in former),
                valid_until=unit.valid_until,
                successor=NamedLink(successor.slug, successor.name_vi, successor.name_en)
                if successor
                else None,
                years=tuple(sorted(years.get(unit.pk, ()))),
                spellings=_spellings(texts),
            )
        )
    criteria = tuple(
        CriterionEntry(
            year=edition_years[row["edition_id"]],
            level=row["edition__level"],
            code=row["code"],
            sort_key=row["sort_key"],
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            # A criterion's name has no "Tỉnh" or "Bộ" to drop: "Bộ phận một cửa" stays whole.
            spellings=_spellings((row["name_vi"], row["name_en"]), strip_prefixes=False),
        )
        for row in Criterion.objects.filter(edition_id__in=edition_years).values(
            "edition_id", "edition__level", "code", "sort_key", "name_vi", "name_en"
        )
    )
    return Index(units=tuple(units), criteria=criteria)


def search(text: str) -> Results:
    """The units and criteria whose code or name fits the words typed, best fits first."""
    text = text.strip()[:QUERY_MAX_LENGTH]
    query = _spellings([text])
    found = index()
    code = _code_key(text)
    units = []
    for entry in found.units:
        fit = EXACT if code == entry.code.upper() else tier(entry.spellings, query)
        if fit is not None:
            units.append((fit, entry))
    # The best fit first; among equals the unit that exists today before the one it became,
    # provinces before ministries, then by name.
    units.sort(
        key=lambda pair: (
            pair[0],
            pair[1].ended,
            pair[1].level != Level.PROVINCE,
            normalize(pair[1].name_vi),
            pair[1].code,
        )
    )
    # Whole words for criteria: "bo tai chinh" names a ministry, not every criterion on finance.
    criteria = _criterion_hits(found.criteria, _spellings([text], strip_prefixes=False))
    return Results(
        query=text,
        units=[_unit_hit(entry, fit) for fit, entry in units[:UNIT_LIMIT]],
        unit_count=len(units),
        criteria=criteria[:CRITERION_LIMIT],
        criterion_count=len(criteria),
    )


def _unit_hit(entry: UnitEntry, fit: int) -> UnitHit:
    return UnitHit(
        slug=entry.slug,
        name=localized(entry, "name"),
        level=entry.level,
        level_label=Level(entry.level).label,
        code=entry.code,
        years=entry.years,
        former_names=[localized(former, "name") for former in entry.former_names],
        valid_until=entry.valid_until,
        successor=entry.successor,
        tier=fit,
    )


def _criterion_hits(entries: tuple[CriterionEntry, ...], query: tuple[Spelling, ...]) -> list:
    """Criteria that fit, one hit per level, code and name across the years that have them."""
    hits: dict[tuple[str, str, str], tuple[CriterionHit, str]] = {}
    for entry in sorted(entries, key=lambda e: -e.year):  # the newest name is the one shown
        fit = tier(entry.spellings, query)
        if fit is None:
            continue
        key = (entry.level, entry.code, normalize(entry.name_vi))
        if key not in hits:
            hit = CriterionHit(
                level=entry.level,
                level_label=Level(entry.level).label,
                code=entry.code,
                name=localized(entry, "name"),
                tier=fit,
            )
            hits[key] = (hit, entry.sort_key)
        hits[key][0].years.append(entry.year)
    ordered = sorted(
        hits.values(), key=lambda pair: (pair[0].tier, pair[0].level != Level.PROVINCE, pair[1])
    )
    for hit, _sort_key in ordered:
        hit.years.sort()
    return [hit for hit, _sort_key in ordered]
