"""Where a unit stands among the units of one published edition, for its profile: whether its rank
is shared, its position as a share of the ranked units ("among the top 20 %"), and the units like
it a reader may want to look at next (the nearest indices, in its region and nationwide).

Read from the edition's published ranking rows (public.rankings), as the ranking page shows them,
so a tie or a neighbour here is the one the ranking prints."""

from dataclasses import dataclass, field, replace

from public.compare import peers, query
from public.rankings import RankingRow
from scoring.models import Edition

# Shares are told in steps of ten per cent, as a reader says them ("the top 20 %"); a finer step
# would claim more precision than a rank among a few dozen units has.
SHARE_STEP = 10


@dataclass(frozen=True)
class Share:
    """The unit's place as a share: `side` is "top" or "bottom" with `percent` of 10 to 50, or
    "middle" (percent None) for a unit in neither half's outer part."""

    side: str
    percent: int | None


@dataclass
class Standing:
    tied: bool = False
    share: Share | None = None
    # Units of the same region with the nearest index (provinces; none for ministries).
    in_region: list[RankingRow] = field(default_factory=list)
    # Units of any region with the nearest index.
    nationwide: list[RankingRow] = field(default_factory=list)
    # The comparison of the unit with its regional neighbours (or nationwide ones), as a query.
    compare_query: str = ""


def share_of(rank: int | None, count: int | None) -> Share | None:
    """The position of `rank` among `count` ranked units, rounded up to the next step: 12th of
    63 is 19.05 % from the top, "among the top 20 %"; 63rd of 63 is "among the bottom 10 %";
    None without a rank or among fewer than ten units."""
    # Among fewer units than steps a single place spans more than a step: "the top 40 %" for
    # the first of three says less than its rank does.
    if not rank or not count or rank > count or count < 100 // SHARE_STEP:
        return None
    top = -(-rank * 100 // (count * SHARE_STEP)) * SHARE_STEP
    if top <= 50:
        return Share("top", top)
    # The units at or below this one, from the bottom.
    bottom = -(-(count - rank + 1) * 100 // (count * SHARE_STEP)) * SHARE_STEP
    if bottom <= 50:
        return Share("bottom", bottom)
    return Share("middle", None)


def standing(
    code: str, edition: Edition, ranked_count: int | None, rows: list[RankingRow]
) -> Standing:
    """The unit with this code among the other units of `edition`, from the edition's ranking
    rows (the profile reads them with its own results, in the same queries)."""
    own = next((row for row in rows if row.code == code), None)
    if own is None:
        return Standing()
    found = Standing(tied=own.tied, share=share_of(own.rank, ranked_count) if own.ranked else None)
    # compare.peers finds none for a unit without an index.
    if own.region_code:
        found.in_region = _by_index(peers(own, rows, [code]))
    # Nearest among every region, as compare.peers reads a ministry's row.
    nearest = peers(replace(own, region_code=""), rows, [code, *(r.code for r in found.in_region)])
    found.nationwide = _by_index(nearest)
    alike = found.in_region or found.nationwide
    if alike:
        found.compare_query = query(edition.year, [code, *(row.code for row in alike)])
    return found


def _by_index(rows: list[RankingRow]) -> list[RankingRow]:
    # compare.peers orders by nearness; a list of units reads best by index.
    return sorted(rows, key=lambda row: (-row.index, row.code))
