import re

import pytest

from scoring.models import Edition
from scoring.publish import publish_edition

BANNER_EN = "illustrative demo data, not official results"
BANNER_VI = "dữ liệu minh họa, không phải kết quả chính thức"


def listed_editions(html: str) -> list[str]:
    """The items of the home page's list of editions, as rendered, whitespace collapsed."""
    found = re.search(r'<ul class="editions">(.*?)</ul>', html, re.S)
    if found is None:
        return []
    items = re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    return [" ".join(re.sub(r"</?a\b[^>]*>", "", item).split()) for item in items]


def banner(text: str) -> str:
    return f'<strong class="demo">{text}</strong>'


def test_health_answers_ok(client, db):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_first_visitor_is_sent_to_the_vietnamese_home_page(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert (response.status_code, response["Location"]) == (302, "/vi/")


def test_a_reader_who_chose_english_is_sent_to_the_english_home_page(client, db):
    client.cookies["django_language"] = "en"

    assert client.get("/")["Location"] == "/en/"


def test_home_page_is_vietnamese_by_default_and_lists_published_editions(
    client, scored_provinces, ministry_edition
):
    publish_edition(scored_provinces)
    assert ministry_edition.status == Edition.Status.DRAFT

    response = client.get("/vi/")

    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    # The published province edition, without a banner; the draft ministry edition is not listed.
    assert listed_editions(response.text) == ["2019 · Tỉnh"]
    assert BANNER_VI not in response.text
    assert "Chưa có kỳ đánh giá nào được công bố." not in response.text


def test_home_page_is_available_in_english(client, db):
    response = client.get("/en/")

    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "<h1>Public Administration Reform Index</h1>" in response.text
    assert "<p>No edition has been published yet.</p>" in response.text
    assert "Chỉ số cải cách hành chính" not in response.text


@pytest.mark.django_db
def test_only_demo_editions_carry_the_banner(client):
    published = Edition.Status.PUBLISHED
    Edition.objects.create(year=2018, level="province", status=published, is_demo=True)
    Edition.objects.create(year=2017, level="province", status=published)
    Edition.objects.create(year=2016, level="ministry", status=published)
    Edition.objects.create(year=2020, level="province", is_demo=True)  # a draft: not listed

    response = client.get("/vi/")

    assert listed_editions(response.text) == [
        f"2018 · Tỉnh {banner(BANNER_VI)}",
        "2017 · Tỉnh",
        "2016 · Bộ",
    ]
    assert response.text.count(BANNER_VI) == 2


def test_home_page_speaks_vietnamese_by_default(client, db):
    response = client.get("/vi/")

    assert "<h1>Chỉ số cải cách hành chính</h1>" in response.text
    assert response.text.count("do Bộ Nội vụ đánh giá hằng năm.") == 1
    assert "<p>Chưa có kỳ đánh giá nào được công bố.</p>" in response.text
    assert '<ul class="editions">' not in response.text
    assert "Public Administration Reform Index" not in response.text


def test_the_home_page_takes_at_most_twelve_queries(
    client, published, django_assert_max_num_queries
):
    Edition.objects.create(year=2019, level="ministry", status=Edition.Status.PUBLISHED)
    # Issue 17's budget of a public page: the newest ranking and national average of every
    # level are read together, and the story reuses the page's editions.
    with django_assert_max_num_queries(12):
        response = client.get("/en/")

    assert response.status_code == 200
    assert "PAR Index 2019: Ministry" in response.text
    assert "PAR Index 2019: Province" in response.text
