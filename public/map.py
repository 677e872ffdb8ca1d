"""The tile-grid map: one square tile per province, placed on a grid that approximates geography.

`grid_positions`, `offshore_cell` and `colour_bands` are plain Python (no ORM, no settings),
tested on their own; `map_tiles` reads an edition's published results into the tiles the page
draws.
"""

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from django.utils.translation import gettext as _

from provinces.localized import localized
from provinces.models import Level, Unit, former_names
from public.rankings import RankingRow
from scoring.models import Edition

K = TypeVar("K", bound=Hashable)

# Where the two archipelagos lie (their approximate centres), to be placed off the coast.
HOANG_SA = (16.5, 112.0)  # part of Đà Nẵng
TRUONG_SA = (10.0, 114.0)  # part of Khánh Hòa


def grid_positions(
    points: Mapping[K, tuple[float, float]], cell: float
) -> dict[K, tuple[int, int]]:
    """(row, column) of each point (latitude, longitude) on a grid of `cell` degrees.

    Each point is snapped to the cell it falls in; points are placed best-fitting first (the
    closest to their cell's centre, then by key, so the result never depends on dict order), and
    one whose cell is taken goes to the nearest free cell (ties: the upper, then the left one).
    Rows and columns left empty are then dropped, so the map stays compact and north-south and
    west-east order is kept wherever points are more than a few cells apart. Row 0 is the north.
    """
    if not points:
        return {}
    north = max(lat for lat, _lon in points.values())
    west = min(lon for _lat, lon in points.values())
    # A degree of longitude is shorter than one of latitude by cos(latitude).
    mean_lat = sum(lat for lat, _lon in points.values()) / len(points)
    shrink = math.cos(math.radians(mean_lat))
    exact = {
        key: ((north - lat) / cell, (lon - west) * shrink / cell)
        for key, (lat, lon) in points.items()
    }

    def misfit(key: K) -> tuple[float, str]:
        row, col = exact[key]
        return ((row - round(row)) ** 2 + (col - round(col)) ** 2, str(key))

    taken: dict[tuple[int, int], K] = {}
    for key in sorted(points, key=misfit):
        row, col = exact[key]
        taken[_nearest_free(row, col, taken)] = key
    rows = sorted({row for row, _col in taken})
    cols = sorted({col for _row, col in taken})
    row_of = {row: i for i, row in enumerate(rows)}
    col_of = {col: i for i, col in enumerate(cols)}
    return {key: (row_of[row], col_of[col]) for (row, col), key in taken.items()}


def _nearest_free(row: float, col: float, taken: Mapping[tuple[int, int], object]):
    home = (round(row), round(col))
    if home not in taken:
        return home
    radius = 1
    while True:
        ring = [
            (home[0] + dr, home[1] + dc)
            for dr in range(-radius, radius + 1)
            for dc in range(-radius, radius + 1)
            if max(abs(dr), abs(dc)) == radius and (home[0] + dr, home[1] + dc) not in taken
        ]
        if ring:
            # The closest free cell of this ring; a nearer one may sit in the next ring's
            # corners no more than √2 further, so look one ring on before choosing.
            outer = [
                (home[0] + dr, home[1] + dc)
                for dr in range(-radius - 1, radius + 2)
                for dc in range(-radius - 1, radius + 2)
                if max(abs(dr), abs(dc)) == radius + 1 and (home[0] + dr, home[1] + dc) not in taken
            ]
            return min(ring + outer, key=lambda c: ((c[0] - row) ** 2 + (c[1] - col) ** 2, c))
        radius += 1


@dataclass(frozen=True)
class Band:
    low: Decimal  # inclusive
    high: Decimal  # exclusive, except for the last band
    background: str
    text: str
    shade: int  # its place in PALETTE: the page draws it with the class shade-<n> of site.css


# A sequential scale (viridis, light to dark): its lightest band is a clear yellow, never mistaken
# for the hatched grey of "no published result"; each text colour is chosen for WCAG AA contrast
# (4.5:1) against its background (tests/test_public_map.py checks every pair).
PALETTE = (
    ("#fde725", "#1a1a1a"),
    ("#7ad151", "#1a1a1a"),
    ("#22a884", "#1a1a1a"),
    ("#2a788e", "#ffffff"),
    ("#440154", "#ffffff"),
)
NO_VALUE = ("#f2f2f2", "#1a1a1a")
# The page places tiles with the classes row-<n> and col-<n> of site.css (the Content Security
# Policy refuses style attributes), written for this many grid lines: 63 provinces take 26 rows
# and 13 columns with the archipelagos.
GRID_LINES = 40
_STEPS = (1, 2, 5, 10, 20)


def colour_bands(values: Sequence[Decimal]) -> list[Band]:
    """At most five bands of one round width (1, 2, 5, 10 or 20 points) from whole numbers,
    covering the values: the legend reads "80 – 85", not "81.37 – 84.12"."""
    if not values:
        return []
    low, high = math.floor(min(values)), math.floor(max(values))
    step = next(s for s in _STEPS if high // s - low // s + 1 <= len(PALETTE))
    start, count = low // step * step, high // step - low // step + 1
    # Fewer bands than colours: spread them over the scale, light to dark.
    picks = (
        [round(i * (len(PALETTE) - 1) / (count - 1)) for i in range(count)] if count > 1 else [2]
    )
    return [
        Band(Decimal(start + i * step), Decimal(start + (i + 1) * step), *PALETTE[pick], pick)
        for i, pick in enumerate(picks)
    ]


def band_of(value: Decimal | None, bands: Sequence[Band]) -> Band | None:
    if value is None:
        return None
    for band in bands:
        if band.low <= value < band.high:
            return band
    return bands[-1] if bands else None


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def cell_size(count: int) -> float:
    """Degrees per cell: about 0.5 for the 63 provinces, 0.7 for the 34 (a map of ~12 × 27 and
    ~9 × 18 tiles), so dense deltas spread a little and the long coast stays one tile wide."""
    return 4.0 / math.sqrt(max(count, 1))


def offshore_cell(
    positions: Mapping[K, tuple[int, int]],
    points: Mapping[K, tuple[float, float]],
    latitude: float,
    gap: int = 1,
) -> tuple[int, int]:
    """A cell for an archipelago: east of every tile, past `gap` empty columns of sea, on the
    row of the tile whose latitude is nearest its own."""
    nearest = min(points, key=lambda key: (abs(points[key][0] - latitude), str(key)))
    east = max(col for _row, col in positions.values())
    return positions[nearest][0], east + 1 + gap


# Names too long for a tile of the 1280 px map at 12 px: the tile shows these, its link keeps
# the full name. Keyed by the name, in both languages, since codes were reused on 1/7/2025.
SHORT_NAMES = {
    "Thừa Thiên Huế": "TT Huế",
    "Thua Thien Hue": "TT Hue",
    "Bà Rịa - Vũng Tàu": "BR-VT",
    "Ba Ria - Vung Tau": "BR-VT",
    "TP Hồ Chí Minh": "TP HCM",
    "Ho Chi Minh City": "HCMC",
}


@dataclass
class Tile:
    row: int  # 1-based, as CSS grid lines count
    column: int
    name: str
    slug: str = ""  # blank for an archipelago: a label, not a unit with results
    value: Decimal | None = None
    band: Band | None = None
    region_name: str = ""
    region_short: str = ""

    @property
    def short_name(self) -> str:
        return SHORT_NAMES.get(self.name, self.name)


def map_tiles(
    edition: Edition, rows: Sequence[RankingRow], field_code: str
) -> tuple[list[Tile], list[Band]]:
    """A tile for every province of the edition's year (63 until 2024, 34 from 2025), coloured
    by its published index or a field's component index, and the two archipelagos."""
    by_slug = {row.slug: row for row in rows}
    units = list(
        Unit.objects.of_year(edition.year)
        .filter(level=Level.PROVINCE, centroid_lat__isnull=False, centroid_lon__isnull=False)
        .select_related("region")
        .prefetch_related(former_names())
    )
    points = {unit.slug: (float(unit.centroid_lat), float(unit.centroid_lon)) for unit in units}
    positions = grid_positions(points, cell_size(len(points)))

    def value(row: RankingRow | None) -> Decimal | None:
        if row is None:
            return None
        return row.fields.get(field_code) if field_code else row.index

    bands = colour_bands([v for v in map(value, by_slug.values()) if v is not None])
    tiles = []
    for unit in units:
        row = by_slug.get(unit.slug)
        tiles.append(
            Tile(
                row=positions[unit.slug][0] + 1,
                column=positions[unit.slug][1] + 1,
                name=unit.name_in(edition.year),
                slug=unit.slug,
                value=value(row),
                band=band_of(value(row), bands),
                region_name=localized(unit.region, "name") if unit.region else "",
                region_short=localized(unit.region, "short_name") if unit.region else "",
            )
        )
    if positions:
        for label, (latitude, _lon) in (
            (_("Hoàng Sa archipelago (Đà Nẵng), Viet Nam"), HOANG_SA),
            (_("Trường Sa archipelago (Khánh Hòa), Viet Nam"), TRUONG_SA),
        ):
            row, column = offshore_cell(positions, points, latitude)
            tiles.append(Tile(row=row + 1, column=column + 1, name=label))
    tiles.sort(key=lambda tile: (tile.row, tile.column))
    return tiles, bands
