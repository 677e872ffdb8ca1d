"""Charts: SVG images with their text kept as text (Vietnamese too), an accessible name and a
generated summary, the published numbers, one URL each, cached until the next publish.

Fixture (tests/conftest.py, published here): Hà Nội 90.00 (fields 87.50 and 93.75), Hải Phòng
75.00 and Lào Cai 75.00 (both fields 75.00); Hà Nội and Hải Phòng in DBSH, Lào Cai in TDMNPB.
National average 80.00; field averages 79.17 and 81.25.
"""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import translation

from charts import results
from public.views.charts import cache_key
from scoring.models import Edition
from scoring.publish import publish_edition
from tests.conftest import imported
from tests.sipas_files import SURVEY

SVG = "{http://www.w3.org/2000/svg}"
RANKING = "/en/charts/ranking/2019/province.svg"


def _svg(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    return ET.fromstring(response.content)  # well-formed XML, or this raises


def _texts(root: ET.Element) -> list[str]:
    return [text.text for text in root.iter(f"{SVG}text") if text.text]


def test_the_ranking_chart_is_an_image_with_a_name_and_a_generated_summary(client, published):
    root = _svg(client.get(RANKING))

    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "PAR Index 2019: Province, index by unit"
    assert root.find(f"{SVG}desc").text == (
        "Ha Noi has the highest index, 90.00; Lao Cai and Hai Phong the lowest, 75.00; "
        "the national average is 80.00."
    )
    assert root.get("aria-labelledby") == "chart-title chart-desc"


def test_the_ranking_chart_labels_each_bar_with_its_unit_and_published_index(client, published):
    texts = _texts(_svg(client.get(RANKING)))

    assert {"Ha Noi", "Lao Cai", "Hai Phong", "90.00", "75.00"} <= set(texts)
    assert "National average 80.00" in texts


def test_vietnamese_text_stays_text_with_its_diacritics_and_numbers_in_vietnamese(
    client, published
):
    ranking = _texts(_svg(client.get("/vi/charts/ranking/2019/province.svg")))
    regions = _texts(_svg(client.get("/vi/charts/regions/2019.svg")))

    assert {"Hà Nội", "Hải Phòng", "Lào Cai", "90,00"} <= set(ranking)
    assert "Đồng bằng sông Hồng" in regions


def test_any_vietnamese_label_is_written_as_text_in_a_font_that_has_its_glyphs():
    label = "Đồng bằng sông Hồng, Thừa Thiên Huế"
    chart = results.ranking_chart("Chỉ số", [results.Bar(label, Decimal("84.43"))], None)

    text = next(t for t in ET.fromstring(chart.svg).iter(f"{SVG}text") if t.text == label)
    assert "DejaVu Sans" in text.get("font-family")
    assert "<path" not in ET.tostring(text, encoding="unicode")


def test_a_ranking_chart_of_a_filtered_view_shows_only_its_units(client, published):
    texts = _texts(_svg(client.get(RANKING, {"region": "DBSH"})))

    assert "Ha Noi" in texts and "Hai Phong" in texts
    assert "Lao Cai" not in texts


def test_the_fields_chart_sets_the_unit_against_its_region_and_the_nation(client, published):
    root = _svg(client.get("/en/charts/unit/ha-noi/fields/2019/province.svg"))

    texts = _texts(root)
    # Hà Nội 87.50 and 93.75; DBSH (Hà Nội, Hải Phòng) 81.25 and 84.38; national 79.17, 81.25.
    assert {"87.50", "93.75", "84.38", "79.17", "81.25"} <= set(texts)
    assert {"Ha Noi", "Average of Red River Delta", "National average"} <= set(texts)
    assert root.find(f"{SVG}desc").text == (
        "Ha Noi scores highest on 2. Field two, 93.75, and lowest on 1. Field one, 87.50. "
        "It is above the national average on 2 of 2 fields."
    )


def test_the_history_chart_has_a_point_per_published_year(client, published):
    root = _svg(client.get("/en/charts/unit/ha-noi/history.svg"))

    assert root.find(f"{SVG}desc").text == "Ha Noi's index in 2019 is 90.00."
    assert "2019" in _texts(root) and "90.00" in _texts(root)


def test_the_region_chart_has_each_regions_average(client, published):
    root = _svg(client.get("/en/charts/regions/2019.svg"))

    assert root.find(f"{SVG}desc").text == (
        "Red River Delta has the highest regional average, 82.50; "
        "Northern Midlands and Mountains the lowest, 75.00."
    )


def test_the_field_chart_summarises_the_distribution(client, published):
    root = _svg(client.get("/en/charts/field/2019/province/1.svg"))

    assert root.find(f"{SVG}desc").text == (
        "3 units, component indices from 75.00 to 87.50; the national average is 79.17."
    )


def test_charts_of_unpublished_editions_or_unknown_things_are_not_found(
    client, scored_provinces, admin_client
):
    assert client.get(RANKING).status_code == 404
    assert admin_client.get(RANKING).status_code == 404
    assert client.get("/en/charts/regions/2019.svg").status_code == 404
    assert client.get("/en/charts/unit/ha-noi/fields/2019/province.svg").status_code == 404
    publish_edition(scored_provinces)
    assert client.get("/en/charts/field/2019/province/9.svg").status_code == 404
    assert client.get("/en/charts/unit/ha-noi/fields/2019/ministry.svg").status_code == 404
    assert client.get("/en/charts/unit/hue/fields/2019/province.svg").status_code == 404


def test_charts_are_cached_publicly_and_served_from_the_cache(
    client, published, django_assert_max_num_queries
):
    first = client.get(RANKING)
    with django_assert_max_num_queries(2):  # the edition and the data version
        second = client.get(RANKING)

    assert second.content == first.content
    assert "public" in second["Cache-Control"] and "max-age=3600" in second["Cache-Control"]


def test_a_publish_refreshes_the_charts(client, published):
    with translation.override("en"):
        before = cache_key(RANKING)
    assert "90.00" in _texts(_svg(client.get(RANKING)))
    # A correction: reopened, Hà Nội's 1.1 appraised down from 7.5 to 5.5, published again.
    Edition.objects.filter(pk=published.pk).update(status=Edition.Status.REVIEW)
    imported(
        "scores",
        "year,level,unit,criterion,self_points,appraised_points,appraisal_reason\n"
        "2019,province,01,1.1,8,5.5,Thiếu tài liệu\n",
    )
    publish_edition(published)

    with translation.override("en"):
        assert cache_key(RANKING) != before
    texts = _texts(_svg(client.get(RANKING)))
    assert "80.00" in texts and "90.00" not in texts  # (18 - 2) / 20


def test_each_language_has_its_own_cache_entry(client, published):
    client.get("/vi/charts/ranking/2019/province.svg")

    assert "Ha Noi" in _texts(_svg(client.get(RANKING)))


def test_the_ranking_page_shows_the_chart_with_its_summary_as_alt_text(client, published):
    html = client.get("/en/rankings/2019/province/").text

    assert (
        '<img src="/en/charts/ranking/2019/province.svg" alt="Ha Noi has the highest index, '
        '90.00; Lao Cai and Hai Phong the lowest, 75.00." loading="lazy"'
    ) in html
    assert '<a href="#ranking-table">' in html and 'id="ranking-table"' in html


def test_the_ranking_pages_chart_follows_its_filters(client, published):
    html = client.get("/en/rankings/2019/province/", {"region": "DBSH", "sort": "unit"}).text

    assert '<img src="/en/charts/ranking/2019/province.svg?region=DBSH" alt="Ha Noi has' in html


def test_the_home_page_shows_each_levels_chart_with_the_national_average(client, published):
    html = client.get("/en/").text

    assert (
        'alt="Ha Noi has the highest index, 90.00; Lao Cai and Hai Phong the lowest, 75.00; '
        'the national average is 80.00."'
    ) in html
    assert "Source: Ministry of Home Affairs, PAR Index." in html


# -- no CSS: the site's Content Security Policy refuses inline styles in a chart opened alone --

# Every chart view of the site, each at one address of the fixture's data.
CHARTS = {
    "public:chart_ranking": "/vi/charts/ranking/2019/province.svg",
    "public:chart_unit_fields": "/vi/charts/unit/ha-noi/fields/2019/province.svg",
    "public:chart_unit_history": "/vi/charts/unit/ha-noi/history.svg",
    "public:chart_regions": "/vi/charts/regions/2019.svg",
    "public:chart_averages": "/vi/charts/averages.svg",
    "public:chart_field": "/vi/charts/field/2019/province/1.svg",
    "surveys:chart_ranking": "/vi/sipas/charts/2019/provinces.svg",
    "surveys:chart_aspects": "/vi/sipas/charts/2019/aspects.svg",
}


def _svg_views(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _svg_views(pattern, inner)
        elif isinstance(pattern, URLPattern) and str(pattern.pattern).endswith(".svg"):
            names.add(f"{namespace}{pattern.name}")
    return names


def test_the_list_below_has_every_chart_view_of_the_site():
    with translation.override("vi"):
        assert _svg_views(get_resolver()) == set(CHARTS)
        assert {name: resolve(path).view_name for name, path in CHARTS.items()} == {
            name: name for name in CHARTS
        }


@pytest.mark.parametrize("path", CHARTS.values(), ids=CHARTS.keys())
def test_no_chart_has_a_style_attribute_or_a_style_element(client, published, path):
    imported("sipas", SURVEY)

    response = client.get(path)
    root = _svg(response)

    assert [element.tag for element in root.iter() if "style" in element.attrib] == []
    assert root.find(f".//{SVG}style") is None
    assert b"style" not in response.content
    # The style block's rule, which every element inherits from here.
    assert (root.get("stroke-linejoin"), root.get("stroke-linecap")) == ("round", "butt")


def test_the_ranking_charts_margin_fits_its_widest_name_and_no_more():
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    long_name = "Bộ Lao động - Thương binh và Xã hội"
    bars = [results.Bar(long_name, Decimal("80")), results.Bar("Bộ Y tế", Decimal("70"))]
    root = ET.fromstring(results.ranking_chart("Chỉ số", bars, None).svg)

    name = next(t for t in root.iter(f"{SVG}text") if t.text == long_name)
    width = text_to_path.get_text_width_height_descent(
        long_name, FontProperties(family="DejaVu Sans", size=10), False
    )[0]
    # The name ends 7 points left of the axis, which stands its width and 13 points in.
    assert name.get("text-anchor") == "end"
    assert float(name.get("x")) == pytest.approx(width + 6, abs=0.01)


def test_a_ranking_chart_with_an_absurdly_long_name_still_draws_its_bars():
    bars = [results.Bar("Tỉnh " * 60, Decimal("80")), results.Bar("Bộ Y tế", Decimal("70"))]

    root = ET.fromstring(results.ranking_chart("Chỉ số", bars, None).svg)

    assert {"Tỉnh " * 60, "80.00", "Bộ Y tế", "70.00"} <= set(_texts(root))
