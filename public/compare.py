"""Units of one edition side by side: which units the reader chose, and the peers suggested
for the first of them (same region, nearest index)."""

from collections.abc import Iterable
from urllib.parse import urlencode

from public.rankings import RankingRow

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
