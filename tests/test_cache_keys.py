"""Query strings cannot bust the page cache: each public page is stored under the parameters it
reads, in one order; an address carrying any other parameter is sent to the page's own address
(nothing rendered, nothing stored); the local-memory cache is bounded in bytes; documents that
take long to draw (PDF, XLSX) are drawn at most RENDER_LIMIT_PER_MINUTE times a minute per
client address, while stored ones are served to anyone."""

import pytest
from django.core.cache.backends.locmem import LocMemCache

from runtime.cache import BoundedLocMemCache
from scoring.models import Participant

RANKING = "/en/rankings/2019/province/"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = True


def hanoi() -> str:
    return Participant.objects.get(unit__code="01").unit.slug


def test_an_unknown_parameter_is_sent_to_the_pages_own_address(client, published):
    response = client.get(RANKING, {"x": "8f3a", "sort": "name"})

    assert response.status_code == 302
    assert response["Location"] == f"{RANKING}?sort=name"
    assert response.wsgi_request.page_cache == "redirect"


def test_a_page_that_reads_no_parameter_sheds_them_all(client, published):
    response = client.get(f"/en/units/{hanoi()}/", {"utm_source": "x", "year": "2019"})

    assert response["Location"] == f"/en/units/{hanoi()}/?year=2019"
    assert client.get("/en/regions/2019/", {"x": "1"})["Location"] == "/en/regions/2019/"


def test_random_parameters_never_render_or_store_another_copy(client, published, settings):
    client.get(RANKING)
    for attempt in range(5):
        assert client.get(RANKING, {"x": str(attempt)}).status_code == 302

    assert client.get(RANKING).wsgi_request.page_cache == "hit"
    stored = [key for key in BoundedLocMemCache("", {})._cache if ":page:" in key]
    assert len(stored) == 1


def test_the_same_parameters_in_another_order_are_the_same_stored_page(client, published):
    first = client.get(RANKING, {"sort": "name", "order": "asc"})
    again = client.get(f"{RANKING}?order=asc&sort=name")

    assert first.wsgi_request.page_cache == "miss"
    assert again.wsgi_request.page_cache == "hit"
    assert again.content == first.content


def test_a_parameter_the_page_reads_is_kept_in_its_key(client, published):
    by_rank = client.get(RANKING)
    by_name = client.get(RANKING, {"sort": "name"})

    assert by_name.wsgi_request.page_cache == "miss"
    assert by_name.content != by_rank.content


def test_the_local_memory_cache_is_bounded_in_bytes():
    cache = BoundedLocMemCache("bounded-test", {"OPTIONS": {"MAX_BYTES": 10_000}})
    cache.clear()
    for number in range(10):
        cache.set(f"page-{number}", b"x" * 3000)
    cache.get("page-7")  # read again: kept before older ones
    cache.set("page-10", b"x" * 3000)

    kept = [key for key in range(11) if cache.get(f"page-{key}") is not None]
    assert kept == [7, 9, 10]  # the least recently read (8) went first
    assert sum(map(len, cache._cache.values())) <= 10_000
    assert isinstance(cache, LocMemCache)


def test_pdfs_are_drawn_a_few_times_a_minute_per_address(client, published, settings):
    settings.RENDER_LIMIT_PER_MINUTE = 2
    unit = hanoi()

    drawn = [
        client.get(f"/en/units/{unit}/report.pdf", {"year": year}, REMOTE_ADDR="203.0.113.5")
        for year in ("2019", "2019", "2018")
    ]
    third = client.get(f"/en/units/{unit}/report.pdf", {"year": "2017"}, REMOTE_ADDR="203.0.113.5")
    other = client.get(f"/en/units/{unit}/report.pdf", {"year": "2017"}, REMOTE_ADDR="203.0.113.6")

    assert [r.wsgi_request.page_cache for r in drawn] == ["miss", "hit", "miss"]
    assert third.status_code == 429
    assert third["Retry-After"] == "60"
    assert other.wsgi_request.page_cache == "miss"
    stored = client.get(f"/en/units/{unit}/report.pdf", {"year": "2019"}, REMOTE_ADDR="203.0.113.5")
    assert stored.status_code == 200  # a stored one is served whatever the limit
