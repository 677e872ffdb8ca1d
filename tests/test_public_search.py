"""Search: the box in every page's header, and the results page that finds units by code or name
in any spelling (no diacritics, NFD, aliases, former names, partial words) and criteria of the
published editions by name.

Fixture (tests/conftest.py): the reference units of the migrations (111 of them: the 63 provinces
before 1/7/2025, the 34 after, the ministries before and after 1/3/2025) and the 2019 province
edition with Hà Nội (01), Hải Phòng (31) and Lào Cai (10), published here.
"""

import re
import unicodedata

import pytest

from public import search
from scoring.lifecycle import reopen_edition
from scoring.publish import publish_edition
from tests.conftest import imported

SEARCH = "/en/search/"


@pytest.fixture(autouse=True)
def fresh_index():
    """Each test's database is rolled back without a publish, so the data version alone would
    hand a test the index of the one before."""
    search.clear_cache()
    yield
    search.clear_cache()


@pytest.fixture
def published_ministries(ministry_edition):
    imported(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points
        2019,ministry,BTP,1.1,6,5
        2019,ministry,BYT,1.1,6,6
        """,
    )
    imported(
        "survey",
        """\
        year,level,unit,criterion,points
        2019,ministry,BTP,1.2,3
        2019,ministry,BYT,1.2,2
        """,
    )
    return publish_edition(ministry_edition)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html: str, heading_id: str) -> str:
    found = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    return found.group(1) if found else ""


def unit_slugs(html: str) -> list[str]:
    """The units found, in order: the slug of each result's first link (its profile)."""
    items = re.findall(r"<li>(.*?)</li>", section(html, "search-units"), re.S)
    return [re.search(r'href="/\w\w/units/([^/]+)/"', item).group(1) for item in items]


def unit_lines(html: str) -> list[str]:
    items = re.findall(r"<li>(.*?)</li>", section(html, "search-units"), re.S)
    return [text(item) for item in items]


def criterion_lines(html: str) -> list[str]:
    items = re.findall(r"<li>(.*?)</li>", section(html, "search-criteria"), re.S)
    return [text(item) for item in items]


def found(client, query: str, language: str = "en") -> list[str]:
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code == 200
    return unit_slugs(response.text)


def nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ("ha noi", ["ha-noi"]),
        ("Hà Nội", ["ha-noi"]),
        ("HANOI", ["ha-noi"]),
        ("hn", ["ha-noi"]),
        ("01", ["ha-noi"]),
        ("1", ["ha-noi"]),
        # The city formed on 1/7/2025 first, the one it replaced after.
        ("tp hcm", ["ho-chi-minh-city", "ho-chi-minh-city-2004-2025"]),
        ("TP. Hồ Chí Minh", ["ho-chi-minh-city", "ho-chi-minh-city-2004-2025"]),
        ("Ho Chi Minh City", ["ho-chi-minh-city", "ho-chi-minh-city-2004-2025"]),
        ("Thua Thien Hue", ["hue"]),
        ("hue", ["hue"]),
        ("bo tai chinh", ["mof", "mof-until-2025"]),
        ("Ministry of Finance", ["mof", "mof-until-2025"]),
        ("btc", ["mof", "mof-until-2025"]),
        ("quang ninh", ["quang-ninh"]),
        ("tinh quang ninh", ["quang-ninh"]),
        # A reused code: the Tây Ninh of today, then the Long An that had it until 30/6/2025.
        ("80", ["tay-ninh", "long-an"]),
    ],
)
def test_a_unit_is_found_by_code_name_alias_or_former_name_in_any_spelling(
    client, published, query, slugs
):
    assert found(client, query) == slugs
    assert found(client, nfd(query), "vi") == slugs


def test_a_partial_word_lists_every_unit_it_begins_then_those_with_a_word_that_begins_with_it(
    client, published
):
    assert found(client, "quang") == [
        # Provinces of today, then those that ended on 30/6/2025, each by name.
        "quang-ngai",
        "quang-ninh",
        "quang-tri",
        "quang-binh",
        "quang-nam",
        "quang-ngai-2004-2025",
        "quang-tri-2004-2025",
        # A later word of the name begins with it.
        "tuyen-quang",
        "tuyen-quang-2004-2025",
    ]


def test_exact_names_come_before_names_that_begin_with_the_words_then_those_containing_them(
    client, published
):
    # "Nam Định" begins with it; Ngân hàng Nhà nước Việt Nam, Hà Nam and Quảng Nam have a word.
    assert found(client, "nam") == ["nam-dinh", "sbv", "ha-nam", "quang-nam"]
    # The Lào Cai of today (code 15) and the one of 2019 it grew from.
    assert found(client, "lao cai") == ["lao-cai", "lao-cai-2004-2025"]
    # Inside a word only after every better fit: "Yên Bái" begins with it, "Hưng Yên" and "Phú
    # Yên" have a word that does, "Thái Nguyên" has it inside one.
    assert found(client, "yen")[:5] == [
        "yen-bai",
        "hung-yen",
        "hung-yen-2004-2025",
        "phu-yen",
        "thai-nguyen",
    ]


def test_a_result_shows_the_level_code_and_the_years_of_its_published_editions(client, published):
    response = client.get(SEARCH, {"q": "ha noi"})

    assert unit_lines(response.text) == ["Ha Noi Province code 01 Published editions: 2019"]


def test_a_renamed_unit_shows_its_former_name_in_the_readers_language(client, published):
    english = client.get("/en/search/", {"q": "hue"}).text
    vietnamese = client.get("/vi/search/", {"q": "hue"}).text

    assert unit_lines(english) == [
        "Hue Province code 46 Former name: Thua Thien Hue no published results"
    ]
    assert unit_lines(vietnamese)[0].startswith("Huế Tỉnh mã 46")
    assert "Thừa Thiên Huế" in unit_lines(vietnamese)[0]


def test_a_unit_from_before_2025_links_its_successor(client, published):
    response = client.get(SEARCH, {"q": "hai phong"})

    assert unit_lines(response.text) == [
        "Hai Phong Province code 31 no published results",
        "Hai Phong Province code 31 Published editions: 2019 last day 30 June 2025 · "
        "Became part of Hai Phong",
    ]
    old = re.findall(r"<li>(.*?)</li>", section(response.text, "search-units"), re.S)[1]
    assert re.findall(r'href="([^"]+)"', old) == [
        "/en/units/hai-phong-2004-2025/",
        "/en/units/hai-phong/",
    ]


def test_criteria_of_published_editions_are_found_by_name_and_link_their_page(
    client, published, ministry_edition
):
    # The ministry edition is a draft: its "Criterion 2..." does not exist, its field one is hidden.
    response = client.get(SEARCH, {"q": "criterion 2"})

    assert criterion_lines(response.text) == [
        "2.1 Criterion 2.1 Province Published editions: 2019",
        "2.2 Criterion 2.2 Province Published editions: 2019",
    ]
    assert 'href="/en/criteria/2019/province/2.1/"' in response.text
    assert criterion_lines(client.get(SEARCH, {"q": "field one"}).text) == [
        "1 Field one Province Published editions: 2019"
    ]
    vietnamese = client.get("/vi/search/", {"q": nfd("lĩnh vực hai")}).text
    assert criterion_lines(vietnamese) == ["2 Lĩnh vực hai Tỉnh Các kỳ đánh giá đã công bố: 2019"]


def test_a_publish_adds_its_years_and_criteria_to_the_results(
    client, published, published_ministries
):
    assert found(client, "bo tu phap") == ["moj"]
    lines = unit_lines(client.get(SEARCH, {"q": "bo tu phap"}).text)
    assert lines == ["Ministry of Justice Ministry code BTP Published editions: 2019"]
    assert criterion_lines(client.get(SEARCH, {"q": "field one"}).text) == [
        "1 Field one Province Published editions: 2019",
        "1 Field one Ministry Published editions: 2019",
    ]


def test_an_edition_reopened_for_correction_leaves_the_results_at_once(client, published):
    assert unit_lines(client.get(SEARCH, {"q": "ha noi"}).text)[0].endswith("2019")

    reopen_edition(published, user=None, reason="Sửa điểm tiêu chí 1.1")

    assert unit_lines(client.get(SEARCH, {"q": "ha noi"}).text) == [
        "Ha Noi Province code 01 no published results"
    ]
    assert criterion_lines(client.get(SEARCH, {"q": "field one"}).text) == []


def test_an_empty_search_explains_what_to_type(client, published):
    response = client.get(SEARCH, {"q": "  "})

    assert response.status_code == 200
    assert "Type the name or code of a province or ministry" in response.text
    assert "<section" not in response.text


def test_a_search_that_finds_nothing_says_so_and_suggests_checking_the_spelling(client, published):
    response = client.get(SEARCH, {"q": "xyzzy"})

    assert "Nothing found for “xyzzy”. Check the spelling" in text(response.text)


def test_the_search_page_keeps_the_words_in_its_box(client, published):
    response = client.get(SEARCH, {"q": "tp hcm"})

    assert re.search(
        r'<input id="search-page-q" type="search" name="q" value="tp hcm"', response.text
    )


def test_every_public_page_has_a_search_form_in_its_header_that_needs_no_javascript(
    client, published
):
    for path, action in (("/vi/", "/vi/search/"), ("/en/units/ha-noi/", "/en/search/")):
        html = client.get(path).text
        header = re.search(r'<header class="site">(.*?)</header>', html, re.S).group(1)
        form = re.search(r"<form [^>]*>", header).group(0)

        assert 'role="search"' in form
        assert f'action="{action}"' in form
        assert 'method="get"' in form
        assert re.search(r'<label [^>]*for="site-search-q"', header)
        assert re.search(r'<input id="site-search-q" type="search" name="q"', header)


def test_suggestions_are_the_best_matches_as_json(client, published):
    response = client.get(SEARCH, {"q": "quang n", "format": "json"})

    assert response.json() == {
        "query": "quang n",
        "suggestions": [
            {"label": "Quang Ngai", "detail": "Province · 51", "url": "/en/units/quang-ngai/"},
            {"label": "Quang Ninh", "detail": "Province · 22", "url": "/en/units/quang-ninh/"},
            {
                "label": "Quang Nam",
                "detail": "Province · 49 · until 2025",
                "url": "/en/units/quang-nam/",
            },
            {
                "label": "Quang Ngai",
                "detail": "Province · 51 · until 2025",
                "url": "/en/units/quang-ngai-2004-2025/",
            },
        ],
    }
    assert client.get(SEARCH, {"format": "json"}).json() == {"query": "", "suggestions": []}


def test_a_search_runs_a_bounded_number_of_queries_and_reuses_its_index(
    client, published, django_assert_max_num_queries, django_assert_num_queries
):
    # The first search builds the index: units, former names, participations, criteria.
    # +2 at most: the site's navigation, read once per data version (navigation.py)
    with django_assert_max_num_queries(7):
        client.get(SEARCH, {"q": "quang"})
    # Later ones only check that the published editions are the same (the data version is the
    # one this process remembers, scoring.versions).
    with django_assert_num_queries(1):
        client.get(SEARCH, {"q": "ha"})
    with django_assert_num_queries(1):
        client.get(SEARCH, {"q": "a", "format": "json"})
