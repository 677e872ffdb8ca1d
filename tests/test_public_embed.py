"""Embeds: every chart at /<lang>/embed/<the chart's address parts>/, a page of its own that other
sites may frame, with the chart's title, its image, the source and a link back to the page the
chart belongs to; and a copyable <iframe> snippet beside the charts of the ranking and unit pages.

Fixture (tests/conftest.py, published here): 2019 provinces, Hà Nội first with 90.00.
"""

import html as html_lib
import re

import pytest
from django.core.cache import cache

from scoring.models import Edition

FIELDS = "/en/embed/unit/ha-noi/fields/2019/province/"


def h1(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)


def test_the_embed_shows_the_chart_with_its_title_source_and_a_link_back(client, published):
    response = client.get(FIELDS)
    html = response.text

    assert response.status_code == 200
    assert h1(html) == "Ha Noi: fields of the PAR Index 2019"
    assert '<img src="/en/charts/unit/ha-noi/fields/2019/province.svg" alt="Ha Noi scores' in html
    assert "Source: Ministry of Home Affairs, PAR Index." in html
    assert '<a href="http://testserver/en/units/ha-noi/?year=2019" target="_top">' in html
    assert "<header" not in html  # its own small page, not the site's


def test_other_sites_may_frame_an_embed_but_no_other_page(client, published):
    assert "X-Frame-Options" not in client.get(FIELDS).headers
    assert client.get("/en/units/ha-noi/").headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("embed", "title", "image", "back"),
    [
        (
            "/en/embed/ranking/2019/province/?group=A",
            "PAR Index 2019: Province, index by unit",
            "/en/charts/ranking/2019/province.svg?group=A",
            "http://testserver/en/rankings/2019/province/?group=A",
        ),
        (
            "/en/embed/unit/ha-noi/history/",
            "Ha Noi: PAR Index over the years",
            "/en/charts/unit/ha-noi/history.svg",
            "http://testserver/en/units/ha-noi/",
        ),
        (
            "/en/embed/regions/2019/",
            "PAR Index 2019: provinces by region",
            "/en/charts/regions/2019.svg",
            "http://testserver/en/regions/2019/",
        ),
        (
            "/vi/embed/field/2019/province/1/",
            "Chỉ số CCHC năm 2019: lĩnh vực 1, Lĩnh vực một",
            "/vi/charts/field/2019/province/1.svg",
            "http://testserver/vi/criteria/2019/province/1/",
        ),
    ],
)
def test_every_kind_of_chart_has_an_embed(client, published, embed, title, image, back):
    html = client.get(embed).text

    assert html_lib.unescape(h1(html)) == title
    assert f'<img src="{html_lib.escape(image)}"' in html
    assert f'<a href="{html_lib.escape(back)}" target="_top">' in html


def test_an_embed_is_in_the_readers_language_and_switches_to_the_other(client, published):
    html = client.get("/vi/embed/unit/ha-noi/fields/2019/province/").text

    assert '<html lang="vi">' in html
    assert h1(html) == "Hà Nội: các lĩnh vực của Chỉ số CCHC năm 2019"
    assert '<a href="/en/embed/unit/ha-noi/fields/2019/province/" hreflang="en"' in html


def test_a_demo_edition_s_embed_carries_the_banner(client, published):
    assert "illustrative demo data" not in client.get(FIELDS).text

    Edition.objects.filter(pk=published.pk).update(is_demo=True)
    cache.clear()

    assert '<p class="banner demo" role="note">' in client.get(FIELDS).text
    assert (
        '<p class="banner demo" role="note">' in client.get("/en/embed/unit/ha-noi/history/").text
    )


def test_no_embed_of_an_unpublished_edition_or_of_what_is_not_a_chart(
    client, admin_client, published
):
    Edition.objects.filter(pk=published.pk).update(status=Edition.Status.DRAFT)

    assert client.get(FIELDS).status_code == 404
    assert admin_client.get(FIELDS).status_code == 404
    assert client.get("/en/embed/ranking/2019/province/").status_code == 404
    assert client.get("/en/embed/units/ha-noi/").status_code == 404
    assert client.get("/en/embed/unit/atlantis/history/").status_code == 404
    assert client.get("/en/embed/nothing/").status_code == 404


def test_the_unit_page_offers_the_embed_of_each_chart_as_a_link_and_an_iframe_snippet(
    client, published
):
    html = client.get("/en/units/ha-noi/").text

    absolute = "http://testserver/en/embed/unit/ha-noi/fields/2019/province/"
    assert f'<a href="{absolute}">This chart alone, to embed</a>' in html
    snippet = re.search(
        r'<textarea id="[^"]+" class="embed-code" readonly[^>]*>(.*?)</textarea>', html
    )
    assert html_lib.unescape(snippet.group(1)) == (
        f'<iframe src="{absolute}" title="Fields against the national and regional averages" '
        'width="100%" height="560" style="border:0" loading="lazy"></iframe>'
    )
    # Each snippet has a label tied to its text box.
    for box in re.findall(r'<textarea id="([^"]+)"', html):
        assert f'<label for="{box}">' in html


def test_the_ranking_page_offers_the_embed_of_its_chart_as_filtered(client, published):
    html = client.get("/en/rankings/2019/province/", {"group": "A"}).text

    absolute = "http://testserver/en/embed/ranking/2019/province/?group=A"
    assert f'<a href="{html_lib.escape(absolute)}">Chart to embed</a>' in html
    assert f'&lt;iframe src="{html_lib.escape(absolute)}"' in html


def test_charts_shown_without_an_embed_address_have_no_snippet(client, published):
    html = client.get("/en/regions/2019/").text

    assert '<figure class="chart">' in html
    assert "embed-code" not in html


def test_an_embed_costs_few_queries(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get(FIELDS)
    with django_assert_max_num_queries(12):
        client.get("/en/embed/unit/ha-noi/history/")
