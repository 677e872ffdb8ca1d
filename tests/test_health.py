"""/healthz says the process answers without touching the database; /readyz checks the
database and the cache and names the one that does not answer."""

from unittest import mock

from django.db import OperationalError


def test_liveness_answers_without_a_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_liveness_answers_while_the_database_is_down(client, db):
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor") as cursor:
        cursor.side_effect = OperationalError("connection refused")
        response = client.get("/healthz")

    assert response.status_code == 200


def test_readiness_checks_the_database_and_the_cache(client, db):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_readiness_is_503_when_the_database_does_not_answer(client, db):
    with mock.patch("parindex.views.connection.cursor") as cursor:
        cursor.side_effect = OperationalError("connection refused")
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable", "cache": "ok"}


def test_readiness_is_503_when_the_cache_does_not_answer(client, db):
    with mock.patch("parindex.views.cache.set", side_effect=ConnectionError("redis down")):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unreachable"}


def test_the_first_health_address_still_answers(client, db):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_probes_are_answered_whatever_host_they_name(client, db, settings):
    settings.ALLOWED_HOSTS = ["parindex.example.gov.vn"]
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz", headers={"host": "10.0.0.7:8000"}).status_code == 200
    assert client.get("/readyz", headers={"host": "10.0.0.7:8000"}).status_code == 200
    assert client.get("/en/", headers={"host": "10.0.0.7:8000"}).status_code == 400
