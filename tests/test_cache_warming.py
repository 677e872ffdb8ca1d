"""Publishing warms the caches of the edition it publishes (public/warming.py): the task worker
asks for every public address of the edition as a reader of PORTAL_URL would, so the first
reader of a PDF, a chart or a download is served from the cache.

Fixture (tests/conftest.py): the 2019 provinces Hà Nội, Hải Phòng and Lào Cai, scored.
"""

import pytest
from django_tasks_db.models import DBTaskResult

from public.warming import edition_addresses, warm_edition
from scoring.publish import publish_edition

RANKING = "/en/rankings/2019/province/"


@pytest.fixture(autouse=True)
def warming(settings):
    settings.PAGE_CACHE = True
    settings.WARM_CACHES = True
    settings.PORTAL_URL = "http://testserver"


def _publish(edition, capture):
    # The task is enqueued once the publish commits, as on the site.
    with capture(execute=True):
        publish_edition(edition)
        assert not DBTaskResult.objects.filter(task_path="public.warming.warm_edition").exists()


def _read(client, path, **headers):
    # A browser names the host it asks (the test client alone would not).
    return client.get(path, HTTP_HOST="testserver", **headers)


def test_publishing_hands_the_warming_of_the_edition_to_the_worker(
    scored_provinces, django_capture_on_commit_callbacks
):
    _publish(scored_provinces, django_capture_on_commit_callbacks)

    task = DBTaskResult.objects.get(task_path="public.warming.warm_edition")
    assert task.args_kwargs["args"] == [scored_provinces.pk]


def test_nothing_is_warmed_where_the_web_processes_share_no_cache(
    settings, scored_provinces, django_capture_on_commit_callbacks
):
    settings.WARM_CACHES = False

    _publish(scored_provinces, django_capture_on_commit_callbacks)

    assert not DBTaskResult.objects.filter(task_path="public.warming.warm_edition").exists()


def _slugs(edition) -> list[str]:
    return sorted(edition.participants.values_list("unit__slug", flat=True))


def test_the_edition_has_its_pages_documents_and_downloads_in_both_languages(published):
    paths = edition_addresses(published)

    for language in ("vi", "en"):
        assert f"/{language}/rankings/2019/province/" in paths
        assert f"/{language}/charts/ranking/2019/province.svg" in paths
        assert f"/{language}/data/2019/province/results.xlsx" in paths
        for slug in _slugs(published):
            assert f"/{language}/units/{slug}/report.pdf" in paths
            assert f"/{language}/share/unit/{slug}.png" in paths
    assert len(paths) == len(set(paths))


def test_after_warming_a_readers_first_request_is_served_from_the_cache_whatever_the_limit(
    client, settings, published
):
    # At one expensive render a minute per address: the warming is not held by it (one warming
    # for both checks, as it renders every PDF of the edition).
    settings.RENDER_LIMIT_PER_MINUTE = 1

    summary = warm_edition.call(published.pk)

    assert summary == f"200: {len(edition_addresses(published))}"
    pdfs = [
        f"/{language}/units/{slug}/report.pdf"
        for language in ("vi", "en")
        for slug in _slugs(published)
    ]
    for path in (RANKING, "/en/charts/ranking/2019/province.svg", *pdfs):
        response = _read(client, path)
        assert (path, response.status_code, response.wsgi_request.page_cache) == (path, 200, "hit")


def test_a_header_cannot_pass_a_reader_off_as_the_warming(client, settings, published):
    settings.RENDER_LIMIT_PER_MINUTE = 1

    statuses = [
        _read(client, f"/en/units/{slug}/report.pdf", HTTP_PARINDEX_WARMING="1").status_code
        for slug in _slugs(published)[:2]
    ]

    assert statuses == [200, 429]


def test_an_edition_reopened_before_the_worker_runs_is_not_warmed(client, published):
    published.status = published.Status.REVIEW
    published.save(update_fields=["status"])

    assert warm_edition.call(published.pk) == "not published"
