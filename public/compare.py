"""Units of one edition side by side: which units the reader chose, the peers suggested for the
first of them (same region, nearest index), their history over the years, the bars of the
comparison's chart and its download."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from public.rankings import RankingRow
from scoring.models import Edition, Result

MIN_UNITS = 2
MAX_UNITS = 5
PEERS = 3


def chosen_codes(values: Iterable[str]) -> list[str]:
    """The unit codes in the order given, blanks and repeats dropped."""
    seen: list[str] = []
    for value in values:
        code = value.strip()
        if code and code not in seen:
            seen.append(code)
    return seen


def peers(first: RankingRow, rows: list[RankingRow], chosen: list[str]) -> list[RankingRow]:
    """Up to three ranked units not yet chosen, nearest to the first unit's index: in its
    region when it has one (provinces), among all units otherwise (ministries)."""
    if first.index is None:
        return []  # a published rank without its index: no index to be near to
    candidates = [
        row
        for row in rows
        if row.ranked
        and row.index is not None
        and row.code not in chosen
        and (not first.region_code or row.region_code == first.region_code)
    ]
    candidates.sort(key=lambda row: (abs(row.index - first.index), -row.index, row.code))
    return candidates[:PEERS]


def query(year: int, codes: list[str]) -> str:
    """The permalink query of a comparison: the year, then the units in their order."""
    return "?" + urlencode({"year": year, "units": codes}, doseq=True)


@dataclass
class ComparedYear:
    """One year of the chosen units' history: (index, rank) of each unit, None where it took no
    part or its edition is not shown."""

    year: int
    cells: list[tuple[Decimal | None, int | None] | None]


def history(level: str, chosen: list[RankingRow]) -> list[ComparedYear]:
    """The chosen units' index and rank in every shown edition of the level, newest first (one
    query). An edition under correction counts with its last published results."""
    slugs = [row.slug for row in chosen]
    found: dict[int, dict[str, tuple[Decimal | None, int | None]]] = {}
    for year, slug, index, rank in (
        Result.objects.filter(
            edition__in=Edition.objects.shown(),
            edition__level=level,
            participant__unit__slug__in=slugs,
        )
        .values_list("edition__year", "participant__unit__slug", "index", "rank")
        .order_by("-edition__year")
    ):
        found.setdefault(year, {})[slug] = (index, rank)
    return [
        ComparedYear(year, [found[year].get(slug) for slug in slugs])
        for year in sorted(found, reverse=True)
    ]


def bar_rows(chosen: list[RankingRow], field_rows: list[tuple[str, str, list]]) -> list[dict]:
    """The comparison's chart: for the index and each field (code "" for the index), one bar per
    unit on the scale 0 to 100, as (unit name, value)."""
    names = [row.name for row in chosen]
    rows = [{"code": "", "name": "", "bars": [(row.name, row.index) for row in chosen]}]
    rows += [
        {"code": code, "name": name, "bars": list(zip(names, values, strict=True))}
        for code, name, values in field_rows
    ]
    return rows


# The comparison as a file (docs/formats.md): its context first, year and level, then what the
# table shows, and `illustrative` (demo data) as every download names it.
DOWNLOAD_COLUMNS = [
    "year", "level", "unit_code", "unit_name", "region_code", "index", "rank",
    "rank_in_region", "group", "delta_index", "delta_rank", "ranked",
]  # fmt: skip


def download_rows(edition: Edition, chosen: list[RankingRow], field_codes: list[str]):
    """(columns, rows) of the comparison's download: one row per unit in the page's order."""
    columns = DOWNLOAD_COLUMNS + [f"field_{code}" for code in field_codes] + ["illustrative"]
    rows = [
        {
            "year": edition.year,
            "level": edition.level,
            "unit_code": row.code,
            "unit_name": row.name,
            "region_code": row.region_code,
            "index": row.index,
            "rank": row.rank,
            "rank_in_region": row.rank_in_region,
            "group": row.group,
            "delta_index": row.delta_index,
            "delta_rank": row.delta_rank,
            "ranked": "yes" if row.ranked else "no",
            **{f"field_{code}": row.fields.get(code) for code in field_codes},
            "illustrative": "yes" if edition.is_demo else "no",
        }
        for row in chosen
    ]
    return columns, rows
