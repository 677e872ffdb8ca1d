"""Being found: sitemap.xml, robots.txt, and the head of every public page (canonical address,
hreflang alternates, title, description, Open Graph and Twitter card)."""

import html as htmllib
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from provinces.models import Unit
from scoring.models import Edition, Participant
from scoring.publish import publish_edition

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
HOST = "http://testserver"
FILE = re.compile(r"\.(pdf|csv|xlsx|json|svg|png)$")


def sitemap(client) -> dict[str, dict[str, str]]:
    """Each address of the sitemap with its alternates by hreflang."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")
        }
        for url in root.iter(f"{SITEMAP}url")
    }


def head(html: str) -> dict:
    """What search engines and link previews read from a page's head."""
    part = html[: html.index("</head>")]

    def attribute(pattern: str) -> list[str]:
        return [htmllib.unescape(value) for value in re.findall(pattern, part)]

    return {
        "title": htmllib.unescape(re.search(r"<title>(.*?)</title>", part, re.S).group(1)),
        "description": attribute(r'<meta name="description" content="([^"]*)">')[0],
        "canonical": attribute(r'<link rel="canonical" href="([^"]*)">')[0],
        "alternates": {
            code: htmllib.unescape(href)
            for code, href in re.findall(
                r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', part
            )
        },
        "og": {
            key: htmllib.unescape(value)
            for key, value in re.findall(r'<meta property="og:([^"]+)" content="([^"]*)">', part)
        },
        "twitter": {
            key: htmllib.unescape(value)
            for key, value in re.findall(r'<meta name="twitter:([^"]+)" content="([^"]*)">', part)
        },
    }


def links(html: str) -> set[str]:
    return {htmllib.unescape(href) for href in re.findall(r'<a [^>]*href="([^"#]*)', html)}


def crawl(client, start: str) -> set[str]:
    """The canonical address of every HTML page reached from `start` by its links, within its
    language; files, images and embeds are not pages of the sitemap."""
    seen, queue, canonical = set(), [start], set()
    prefix = start
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        if "/embed/" in path:
            continue
        canonical.add(head(response.text)["canonical"])
        for href in links(response.text):
            target = urlsplit(href)
            if target.netloc or not target.path.startswith(prefix):
                continue
            if target.path.startswith(f"{prefix}embed/") or FILE.search(target.path):
                continue
            if "format=" in target.query:
                continue
            queue.append(href if href.startswith("/") else path + href)
    return canonical


@pytest.fixture
def published(scored_provinces, ministry_edition) -> Edition:
    """The province edition published; the ministry edition stays a draft."""
    return publish_edition(scored_provinces)


def slugs() -> dict[str, str]:
    """The 2019 provinces' slugs by code (a code names a unit only with a year)."""
    return dict(
        Participant.objects.filter(edition__level="province").values_list(
            "unit__code", "unit__slug"
        )
    )


def expected_pages(language: str) -> set[str]:
    units = slugs()
    pages = {
        "",
        "data/",
        "data/codebook/",
        "rankings/2019/province/",
        "methodology/2019/province/",
        *(f"criteria/2019/province/{code}/" for code in ("1", "1.1", "1.2", "2", "2.1", "2.2")),
        "regions/2019/",
        "map/2019/",
        "compare/province/?year=2019",
        "corrections/",
        "sipas/",
        # Every unit's profile: the map links every province of its year, profiles link
        # their predecessors and successors, with or without results.
        *(f"units/{slug}/" for slug in Unit.objects.values_list("slug", flat=True)),
        # And the profile as of each published year of the unit, which "units like this one"
        # links to: the three provinces of the 2019 edition.
        *(f"units/{units[code]}/?year=2019" for code in ("01", "31", "10")),
    }
    assert {f"units/{units[code]}/" for code in ("01", "31", "10")} <= pages
    pages.add("search/")
    return {f"{HOST}/{language}/{page}" for page in pages}


def test_the_sitemap_lists_every_page_of_published_editions_in_both_languages(
    client, published, django_assert_max_num_queries
):
    # A query a section, and the years of the units' results.
    with django_assert_max_num_queries(5):
        listed = sitemap(client)

    # Nothing of the draft ministry edition.
    assert set(listed) == expected_pages("vi") | expected_pages("en")
    assert not [address for address in listed if "/ministry/" in address]


def test_each_page_of_the_sitemap_names_its_other_language_and_a_default(client, published):
    listed = sitemap(client)
    hanoi = slugs()["01"]

    for address in (f"{HOST}/vi/units/{hanoi}/", f"{HOST}/en/units/{hanoi}/"):
        assert listed[address] == {
            "vi": f"{HOST}/vi/units/{hanoi}/",
            "en": f"{HOST}/en/units/{hanoi}/",
            "x-default": f"{HOST}/vi/units/{hanoi}/",
        }
    # The root sends a reader to their language: the default of the home page.
    assert listed[f"{HOST}/en/"] == {
        "vi": f"{HOST}/vi/",
        "en": f"{HOST}/en/",
        "x-default": f"{HOST}/",
    }
    assert listed[f"{HOST}/en/compare/province/?year=2019"]["vi"] == (
        f"{HOST}/vi/compare/province/?year=2019"
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_sitemap_lists_what_a_crawler_finds_from_the_home_page(client, published, language):
    found = crawl(client, f"/{language}/")
    listed = {address for address in sitemap(client) if address.startswith(f"{HOST}/{language}/")}

    # A comparison of chosen units is its own page but not listed: there are endlessly many.
    found = {address for address in found if "units=" not in address}
    assert found <= listed
    # Not found by links: profiles of units no page links (ministries of no published edition)
    # and the search page, which the header's form reaches.
    missed = listed - found
    assert {address for address in missed if "/units/" not in address} <= {
        f"{HOST}/{language}/search/"
    }


def test_robots_txt_keeps_the_admin_health_checks_and_staff_out_and_names_the_sitemap(client, db):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = [line for line in response.text.splitlines() if line and not line.startswith("#")]
    assert lines == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /health/",
        "Disallow: /healthz",
        "Disallow: /readyz",
        "Disallow: /vi/staff/",
        "Disallow: /en/staff/",
        f"Sitemap: {HOST}/sitemap.xml",
    ]


def test_the_canonical_address_leaves_out_sorting_filters_and_formats(client, published):
    page = head(client.get("/en/rankings/2019/province/?sort=index&order=desc&region=DBSH").text)

    assert page["canonical"] == f"{HOST}/en/rankings/2019/province/"
    assert page["og"]["url"] == page["canonical"]
    assert page["alternates"] == {
        "vi": f"{HOST}/vi/rankings/2019/province/",
        "en": f"{HOST}/en/rankings/2019/province/",
        "x-default": f"{HOST}/vi/rankings/2019/province/",
    }


def test_the_canonical_address_keeps_what_makes_a_different_page(client, published):
    hanoi = slugs()["01"]
    unit = head(client.get(f"/vi/units/{hanoi}/?year=2019&utm_source=x").text)
    compare = head(client.get("/en/compare/province/?year=2019&units=01&units=31&sort=x").text)

    assert unit["canonical"] == f"{HOST}/vi/units/{hanoi}/?year=2019"
    assert unit["alternates"]["en"] == f"{HOST}/en/units/{hanoi}/?year=2019"
    assert compare["canonical"] == f"{HOST}/en/compare/province/?year=2019&units=01&units=31"
    assert compare["alternates"]["vi"] == f"{HOST}/vi/compare/province/?year=2019&units=01&units=31"


def test_the_home_page_heads_name_each_other_and_the_root_as_default(client, db):
    vietnamese = head(client.get("/vi/").text)
    english = head(client.get("/en/").text)

    expected = {"vi": f"{HOST}/vi/", "en": f"{HOST}/en/", "x-default": f"{HOST}/"}
    assert vietnamese["alternates"] == english["alternates"] == expected
    assert (vietnamese["og"]["locale"], vietnamese["og"]["locale:alternate"]) == ("vi_VN", "en_US")
    assert (english["og"]["locale"], english["og"]["locale:alternate"]) == ("en_US", "vi_VN")


def page_types() -> dict[str, str]:
    hanoi = slugs()["01"]
    return {
        "home": "",
        "ranking": "rankings/2019/province/",
        "unit": f"units/{hanoi}/",
        "regions": "regions/2019/",
        "map": "map/2019/",
        "methodology": "methodology/2019/province/",
        "criterion": "criteria/2019/province/1/",
        "compare": "compare/province/?year=2019",
        "data": "data/",
        "codebook": "data/codebook/",
    }


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_page_type_has_its_own_title_and_description(client, published, language):
    heads = {
        kind: head(client.get(f"/{language}/{path}").text) for kind, path in page_types().items()
    }

    titles = {kind: page["title"] for kind, page in heads.items()}
    descriptions = {kind: page["description"] for kind, page in heads.items()}
    assert len(set(titles.values())) == len(titles), titles
    assert len(set(descriptions.values())) == len(descriptions), descriptions
    for kind, page in heads.items():
        assert len(page["description"]) >= 80, kind
        assert page["og"]["title"] == page["twitter"]["title"] == page["title"].rsplit(" · ", 1)[0]
        assert page["og"]["description"] == page["twitter"]["description"] == page["description"]


def test_titles_and_descriptions_say_what_the_page_is_about(client, published):
    hanoi = slugs()["01"]
    ranking = head(client.get("/en/rankings/2019/province/").text)
    unit = head(client.get(f"/en/units/{hanoi}/").text)
    criterion = head(client.get("/en/criteria/2019/province/1/").text)

    assert ranking["title"] == "PAR Index 2019: Province ranking · Ministry of Home Affairs"
    assert unit["title"] == "Ha Noi: PAR Index results · Ministry of Home Affairs"
    assert unit["description"].startswith("Ha Noi in the PAR Index 2019: index 90.00, rank 1.")
    assert criterion["title"] == (
        "1 Field one: PAR Index 2019, Province · Ministry of Home Affairs"
    )
    assert "at most 12.00 points" in criterion["description"]


def test_the_vietnamese_unit_description_writes_numbers_the_vietnamese_way(client, published):
    page = head(client.get(f"/vi/units/{slugs()['01']}/").text)

    assert "90,00" in page["description"]


def test_every_page_has_a_large_share_card_of_its_subject(client, published):
    hanoi = slugs()["01"]
    cards = {
        "": "/vi/share/site.png",
        "data/": "/vi/share/site.png",
        "rankings/2019/province/": "/vi/share/ranking/2019/province.png",
        "regions/2019/": "/vi/share/ranking/2019/province.png",
        "criteria/2019/province/1/": "/vi/share/ranking/2019/province.png",
        f"units/{hanoi}/": f"/vi/share/unit/{hanoi}.png",
    }
    for path, card in cards.items():
        page = head(client.get(f"/vi/{path}").text)

        assert page["og"]["image"] == page["twitter"]["image"] == HOST + card, path
        assert (page["og"]["image:width"], page["og"]["image:height"]) == ("1200", "630")
        assert page["og"]["image:alt"] and page["twitter"]["image:alt"] == page["og"]["image:alt"]
        assert page["og"]["type"] == "website"
        assert page["twitter"]["card"] == "summary_large_image"
        assert client.get(card).status_code == 200
