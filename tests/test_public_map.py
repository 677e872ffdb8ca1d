"""The tile-grid map: one tile per province on a grid placed from the reference centroids, the
archipelagos labelled as part of Viet Nam, tiles coloured by the index or a field with a legend,
each a link to the unit with its name and value as text, and the same values as a table.

Fixture (tests/conftest.py, published here): Hà Nội 90.00 (fields 87.50, 93.75), Hải Phòng and
Lào Cai 75.00 (fields 75.00); the other 60 provinces of 2019 took no part.
"""

import csv
import itertools
import random
import re
from decimal import Decimal
from pathlib import Path

import pytest

from public.map import (
    GRID_LINES,
    NO_VALUE,
    PALETTE,
    band_of,
    cell_size,
    colour_bands,
    contrast,
    grid_positions,
    map_tiles,
    offshore_cell,
)
from scoring.models import Edition

DATA = Path(__file__).resolve().parent.parent / "provinces" / "data"
SITE_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "site.css"
URL = "/en/map/2019/"


def _centroids(filename: str) -> dict[str, tuple[float, float]]:
    with open(DATA / filename, encoding="utf-8") as f:
        return {
            row["code"]: (float(row["centroid_lat"]), float(row["centroid_lon"]))
            for row in csv.DictReader(f)
        }


SETS = {"63 provinces": "provinces_2004_2025.csv", "34 provinces": "provinces_2025.csv"}


@pytest.mark.parametrize("filename", SETS.values(), ids=SETS.keys())
def test_no_two_provinces_share_a_tile(filename):
    points = _centroids(filename)
    positions = grid_positions(points, cell_size(len(points)))

    assert set(positions) == set(points)
    assert len(set(positions.values())) == len(points)


@pytest.mark.parametrize("filename", SETS.values(), ids=SETS.keys())
def test_north_south_and_west_east_order_is_kept_between_provinces_two_cells_apart(filename):
    points = _centroids(filename)
    cell = cell_size(len(points))
    positions = grid_positions(points, cell)

    for a, b in itertools.permutations(points, 2):
        if points[a][0] - points[b][0] > 2 * cell:  # a lies well north of b
            assert positions[a][0] < positions[b][0], (a, b)
        if points[b][1] - points[a][1] > 2 * cell:  # a lies well west of b
            assert positions[a][1] < positions[b][1], (a, b)


def test_the_grid_is_compact_no_row_or_column_is_empty():
    points = _centroids("provinces_2004_2025.csv")
    positions = grid_positions(points, cell_size(len(points)))

    rows = {row for row, _col in positions.values()}
    cols = {col for _row, col in positions.values()}
    assert rows == set(range(len(rows))) and cols == set(range(len(cols)))
    assert (len(rows), len(cols)) == (26, 11)


@pytest.mark.parametrize("seed", range(20))
def test_any_points_get_distinct_cells_whatever_order_they_come_in(seed):
    rng = random.Random(seed)
    points = {f"p{i}": (rng.uniform(8, 23), rng.uniform(102, 110)) for i in range(40)}
    shuffled = dict(rng.sample(list(points.items()), len(points)))

    positions = grid_positions(points, 0.8)

    assert len(set(positions.values())) == len(points)
    assert grid_positions(shuffled, 0.8) == positions


def test_points_sharing_a_cell_go_to_the_nearest_free_one():
    positions = grid_positions({"a": (10.0, 100.0), "b": (10.0, 100.1), "c": (9.0, 100.0)}, 1.0)

    # a fits its cell best; b, a little east of it, takes the cell to its east.
    assert positions == {"a": (0, 0), "b": (0, 1), "c": (1, 0)}


def test_the_archipelagos_lie_off_the_coast_east_of_every_tile():
    points = _centroids("provinces_2025.csv")
    positions = grid_positions(points, cell_size(len(points)))

    paracels = offshore_cell(positions, points, 16.5)
    east = max(col for _row, col in positions.values())
    assert paracels[1] == east + 2
    assert paracels[0] == positions["46"][0]  # the row of Huế, at 16.46° N
    assert paracels not in positions.values()


def test_colour_bands_cover_every_value_in_at_most_five_round_bands():
    values = [Decimal(v) for v in ("61.75", "75.00", "84.43", "96.75")]

    bands = colour_bands(values)

    assert [(band.low, band.high) for band in bands] == [
        (60, 70), (70, 80), (80, 90), (90, 100),
    ]  # fmt: skip
    assert all(band_of(value, bands) is not None for value in values)
    assert band_of(Decimal("84.43"), bands) == bands[2]
    assert colour_bands([Decimal("75.00")])[0].low == 75


def test_every_tile_colour_has_aa_contrast_with_its_text():
    for background, text in (*PALETTE, NO_VALUE):
        assert contrast(text, background) >= 4.5, background


def _shades() -> dict[str, tuple[str, str]]:
    """site.css's tile shades: {"shade-0": (background, text), …}."""
    rules = re.findall(
        r"^\.(shade-[a-z0-9]+) \{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6}); \}$",
        SITE_CSS.read_text(encoding="utf-8"),
        re.M,
    )
    return {name: (background, text) for name, background, text in rules}


def test_the_stylesheet_shades_tiles_with_the_contrast_checked_palette():
    assert _shades() == {
        **{f"shade-{i}": colours for i, colours in enumerate(PALETTE)},
        "shade-none": NO_VALUE,
    }


@pytest.mark.parametrize("filename", SETS.values(), ids=SETS.keys())
def test_every_tile_and_archipelago_lies_within_the_grid_lines_the_stylesheet_places(filename):
    points = _centroids(filename)
    positions = grid_positions(points, cell_size(len(points)))
    cells = [*positions.values(), offshore_cell(positions, points, 16.5)]
    css = SITE_CSS.read_text(encoding="utf-8")

    assert max(row for row, _col in cells) + 1 <= GRID_LINES
    assert max(col for _row, col in cells) + 1 <= GRID_LINES
    for kind, prop in (("row", "grid-row"), ("col", "grid-column")):
        placed = re.findall(rf"\.tile-map > \.{kind}-(\d+) \{{ {prop}: (\d+); \}}", css)
        assert placed == [(str(n), str(n)) for n in range(1, GRID_LINES + 1)], kind


def test_a_tile_is_placed_and_shaded_by_classes_not_by_a_style_attribute(client, published):
    html = client.get(URL).text
    grid = re.search(r'<ul class="plain tile-map">.*?</ul>', html, re.S).group(0)
    legend = re.search(r'<div class="map-legend">(.*?)</div>', html, re.S).group(1)

    assert "style=" not in grid + legend
    classes = {href: c for c, href in re.findall(r'<li class="([^"]+)"><a href="([^"]+)"', grid)}
    hanoi, camau = classes[_tiles(html)["Ha Noi"][0]], classes[_tiles(html)["Ca Mau"][0]]
    assert hanoi.split()[0] == camau.split()[0] == "tile"
    assert re.fullmatch(r"tile row-\d+ col-\d+ shade-4", hanoi)  # 90.00: the darkest of 4 bands
    assert re.fullmatch(r"tile row-\d+ col-\d+ shade-none", camau)  # took no part
    assert re.findall(r'class="swatch ([a-z0-9-]+)"', legend) == [
        "shade-0", "shade-1", "shade-3", "shade-4", "shade-none",
    ]  # fmt: skip


def _tiles(html: str) -> dict[str, tuple[str, str]]:
    """Each tile's link and its text: {name: (href, value)}."""
    grid = re.search(r'<ul class="plain tile-map">.*?</ul>', html, re.S).group(0)
    return {
        name: (href, value)
        for href, name, value in re.findall(
            r'<a href="([^"]+)"[^>]*><span class="tile-name">([^<]+)</span> '
            r'<span class="tile-value">([^<]+)</span>',
            grid,
        )
    }


def test_every_province_of_the_year_has_a_tile_with_its_name_value_and_link(client, published):
    tiles = _tiles(client.get(URL).text)

    assert len(tiles) == 63
    assert tiles["Ha Noi"] == ("/en/units/ha-noi/", "90.00")
    assert tiles["Lao Cai"] == ("/en/units/lao-cai-2004-2025/", "75.00")
    assert tiles["Hai Phong"] == ("/en/units/hai-phong-2004-2025/", "75.00")
    assert tiles["Ca Mau"][1] == "–"  # took no part in the fixture's edition


def test_a_field_colours_the_map_by_its_component_index(client, published):
    tiles = _tiles(client.get(URL, {"field": "2"}).text)

    assert tiles["Ha Noi"][1] == "93.75"
    assert tiles["Lao Cai"][1] == "75.00"


def test_an_unknown_field_shows_the_index(client, published):
    assert _tiles(client.get(URL, {"field": "9"}).text)["Ha Noi"][1] == "90.00"


def test_the_archipelagos_are_labelled_as_part_of_viet_nam(client, published):
    html = client.get(URL).text

    assert "Hoàng Sa archipelago (Đà Nẵng), Viet Nam" in html
    assert "Trường Sa archipelago (Khánh Hòa), Viet Nam" in html


def test_the_legend_names_each_colour_band(client, published):
    html = client.get(URL).text

    legend = re.search(r'<div class="map-legend">(.*?)</div>', html, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", " ", legend).split())
    assert text.startswith("Legend 75 to under 80 80 to under 85 85 to under 90 90 to under 95")
    assert "no published result" in text


def test_the_table_below_holds_the_same_values_best_first(client, published):
    html = client.get(URL, {"field": "1"}).text

    body = re.search(r'<table class="map-values">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]
        for cells in (re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row) for row in body.split("</tr>"))
        if cells
    ]
    assert rows[:3] == [
        ["Ha Noi", "Red River Delta", "87.50"],
        ["Hai Phong", "Red River Delta", "75.00"],
        ["Lao Cai", "Northern Mountains", "75.00"],
    ]
    assert len(rows) == 63


def test_a_long_name_is_shortened_on_its_tile_and_whole_in_its_link(client, published):
    html = client.get(URL).text

    assert _tiles(html)["TT Hue"][1] == "–"
    tile = re.search(r'<a href="[^"]+" title="Thua Thien Hue">(.*?)</a>', html).group(1)
    assert tile.endswith('<span class="visually-hidden"> (Thua Thien Hue)</span>')
    assert 'title="Ha Noi"' not in html  # a short name needs no second one


def test_the_lowest_band_is_coloured_and_no_result_is_hatched():
    css = SITE_CSS.read_text(encoding="utf-8")

    lowest = [int(PALETTE[0][0][i : i + 2], 16) for i in (1, 3, 5)]
    assert max(lowest) - min(lowest) >= 128  # a saturated colour, not a tint near grey
    assert re.search(
        r"\.tile\.shade-none, \.swatch\.shade-none \{ background-image: repeating", css
    )


def test_numbers_follow_the_readers_language(client, published):
    assert _tiles(client.get("/vi/map/2019/").text)["Hà Nội"][1] == "90,00"


def test_the_34_provinces_of_2025_are_mapped(db):
    tiles, _bands = map_tiles(Edition(year=2025, level="province"), [], "")

    units = [tile for tile in tiles if tile.slug]
    assert len(units) == 34
    assert len({(tile.row, tile.column) for tile in tiles}) == 36  # with the two archipelagos


def test_an_unpublished_edition_has_no_map(client, scored_provinces, admin_client):
    assert client.get(URL).status_code == 404
    assert admin_client.get(URL).status_code == 404


def test_the_map_page_runs_a_bounded_number_of_queries(
    client, published, django_assert_max_num_queries
):
    # 9 for the page, and the site's navigation reading the latest year (once per data version)
    with django_assert_max_num_queries(10):
        client.get(URL, {"field": "2"})
