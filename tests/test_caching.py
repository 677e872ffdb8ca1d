"""Public pages are cached whole under the data version: a repeat visit costs no query, a
publish refreshes every page at once, browsers and CDNs revalidate with ETag / Last-Modified and
get a 304; staff pages and the admin are never cached."""

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from scoring.models import DataVersion

PAGES = [
    "/en/",
    "/vi/",
    "/en/rankings/2019/province/",
    "/en/rankings/2019/province/?sort=index&order=desc",
    "/en/units/ha-noi/",
    "/en/regions/2019/",
    "/en/criteria/2019/province/1/",
    "/en/compare/province/?units=01&units=31",
    "/en/methodology/2019/province/",
    "/en/map/2019/",
    "/en/search/?q=ha+noi",
    "/en/data/",
    "/en/data/codebook/",
    "/en/data/codebook.csv",
    "/en/data/2019/province/results.csv",
    "/en/api/editions.json",
    "/en/api/editions/2019/province.json",
    "/en/api/units/ha-noi.json",
    "/en/charts/ranking/2019/province.svg",
    "/en/charts/unit/ha-noi/history.svg",
    "/en/charts/regions/2019.svg",
    "/en/embed/ranking/2019/province/",
    "/en/feed/",
    "/en/sipas/",
    "/sitemap.xml",
    "/robots.txt",
]
RANKING = "/en/rankings/2019/province/"


@pytest.mark.parametrize("url", PAGES)
def test_every_public_page_is_served_again_from_the_cache_without_a_query(
    client, settings, published, url, django_assert_num_queries
):
    # The data version is trusted for this long: a slow first render on a busy machine must not
    # make the second request read it again (that reading is tested on its own below).
    settings.DATA_VERSION_SECONDS = 60
    first = client.get(url)
    assert first.status_code == 200

    with django_assert_num_queries(0):
        again = client.get(url)

    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"]


@pytest.fixture(autouse=True)
def page_cache(settings):
    """On here whatever the other tests' default: this is what it is about."""
    settings.PAGE_CACHE = True


def test_a_publish_refreshes_every_cached_page_at_once(client, published):
    before = client.get(RANKING)["ETag"]

    DataVersion.bump()

    after = client.get(RANKING)
    assert after.wsgi_request.page_cache == "miss"
    assert after["ETag"] != before


def test_the_etag_holds_the_data_version_and_the_language(client, published):
    version = DataVersion.current()

    english = client.get(RANKING)["ETag"]
    vietnamese = client.get("/vi/rankings/2019/province/")["ETag"]

    assert english.startswith(f'"{version}-en-')
    assert vietnamese.startswith(f'"{version}-vi-')


def test_a_repeat_visit_with_the_etag_gets_a_304_without_a_body(client, published):
    etag = client.get(RANKING)["ETag"]

    response = client.get(RANKING, headers={"if-none-match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_a_repeat_visit_with_the_last_modified_date_gets_a_304(client, published):
    last_modified = client.get(RANKING)["Last-Modified"]

    response = client.get(RANKING, headers={"if-modified-since": last_modified})

    assert response.status_code == 304


def test_an_old_etag_gets_the_whole_new_page(client, published):
    etag = client.get(RANKING)["ETag"]
    DataVersion.bump()

    response = client.get(RANKING, headers={"if-none-match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_pages_may_be_kept_a_minute_and_charts_an_hour(client, published):
    assert client.get(RANKING)["Cache-Control"] == "public, max-age=60"
    chart = client.get("/en/charts/ranking/2019/province.svg")
    assert chart["Cache-Control"] == "public, max-age=3600"


def test_a_signed_in_reader_is_never_served_from_the_cache(client, published):
    client.get(RANKING)
    client.cookies["sessionid"] = "anything"

    response = client.get(RANKING)

    assert response.wsgi_request.page_cache == "bypass"


def test_staff_pages_and_the_admin_are_never_cached(client, db):
    for url in ("/en/staff/login/", "/admin/login/"):
        first = client.get(url)
        second = client.get(url)

        assert second.wsgi_request.page_cache == "bypass"
        assert "ETag" not in first
        assert "public" not in first.get("Cache-Control", "")


def test_a_page_that_sets_a_cookie_is_not_stored(client, published):
    # The staff login form sets the CSRF cookie: what it renders belongs to one reader.
    assert client.get("/en/staff/login/").cookies

    assert client.get("/en/staff/login/").wsgi_request.page_cache == "bypass"


def test_an_error_page_is_not_stored(client, published):
    client.get("/en/units/nowhere/")

    again = client.get("/en/units/nowhere/")

    assert again.status_code == 404
    assert again.wsgi_request.page_cache == "miss"
    assert again["Cache-Control"] == "no-store"


@override_settings(PAGE_CACHE=False)
def test_the_page_cache_can_be_turned_off(client, published):
    client.get(RANKING)

    assert client.get(RANKING).wsgi_request.page_cache == "bypass"


REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # A database of its own on the shared server, emptied by this test alone.
        "LOCATION": "redis://127.0.0.1:6379/9",
        "KEY_PREFIX": "parindex-test-caching",
    }
}


def test_pages_are_shared_through_redis_when_cache_url_says_so(client, published):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS["default"]["LOCATION"]).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    with override_settings(CACHES=REDIS):
        caches["default"].clear()
        try:
            first = client.get(RANKING)
            again = client.get(RANKING)
        finally:
            caches["default"].clear()

    assert first.wsgi_request.page_cache == "miss"
    assert again.wsgi_request.page_cache == "hit"
    assert again.content == first.content


def test_each_host_and_scheme_has_a_copy_of_its_own(client, published, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    client.get(RANKING, headers={"host": "a.example"})

    other_host = client.get(RANKING, headers={"host": "b.example"})
    secure = client.get(RANKING, headers={"host": "a.example"}, secure=True)

    assert other_host.wsgi_request.page_cache == "miss"
    assert '<link rel="canonical" href="http://b.example/en/rankings/2019/province/">' in (
        other_host.text
    )
    assert secure.wsgi_request.page_cache == "miss"
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert (
        client.get(RANKING, headers={"host": "a.example"}, secure=True)["ETag"] == (secure["ETag"])
    )


def test_a_host_not_allowed_is_refused_though_the_page_is_cached(client, published):
    client.get(RANKING)

    response = Client(raise_request_exception=False).get(RANKING, headers={"host": "evil.example"})

    assert response.status_code == 400


def test_with_the_ssl_redirect_on_plain_http_is_redirected_not_served(client, published, settings):
    client.get(RANKING)
    settings.SECURE_SSL_REDIRECT = True

    # A new client: SecurityMiddleware reads the setting when it is built.
    response = Client().get(RANKING)

    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{RANKING}"
