"""Errors answer the site's own pages in the reader's language, never a traceback; an
unreachable database is a 503 that says to retry and shows a form's values back."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.utils import translation

from parindex import views


def heading(language: str, message: str) -> str:
    """The page's heading as a reader of that language sees it (the catalogue's translation)."""
    with translation.override(language):
        return f"<h1>{translation.gettext(message)}</h1>"


@pytest.fixture
def quiet_client(db):
    """A client that gets the error page, as a reader does, instead of the exception."""
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_unknown_address_is_the_sites_404_page(client, db, language):
    response = client.get(f"/{language}/no-such-page/")

    assert response.status_code == 404
    assert f'<html lang="{language}">' in response.text
    assert heading(language, "Page not found") in response.text
    assert f'href="/{language}/"' in response.text


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_crash_is_the_sites_500_page_without_a_traceback(quiet_client, language):
    with mock.patch("public.views.home.render", side_effect=RuntimeError("secret detail")):
        response = quiet_client.get(f"/{language}/")

    assert response.status_code == 500
    assert f'<html lang="{language}">' in response.text
    assert heading(language, "Something went wrong") in response.text
    assert "Traceback" not in response.text
    assert "secret detail" not in response.text


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_unreachable_database_is_a_503_page_that_says_to_retry(quiet_client, language):
    with mock.patch("public.views.home.render", side_effect=OperationalError("refused")):
        response = quiet_client.get(f"/{language}/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert f'<html lang="{language}">' in response.text
    assert heading(language, "The portal is briefly unavailable") in response.text


def test_the_503_page_shows_a_forms_values_back_but_never_a_password():
    request = RequestFactory().post(
        "/en/staff/login/",
        {"username": "officer", "password": "hunter2", "note": "Evidence <b>sent</b>"},
    )
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = views.server_error(request)

    text = response.content.decode()
    assert response.status_code == 503
    assert "<dt>username</dt><dd><pre>officer</pre></dd>" in text
    assert "<dt>note</dt><dd><pre>Evidence &lt;b&gt;sent&lt;/b&gt;</pre></dd>" in text
    assert "hunter2" not in text
    assert "password" not in text


def test_a_disallowed_host_is_the_sites_400_page(quiet_client):
    response = quiet_client.get("/en/", headers={"host": "evil.example"})

    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.text


def test_a_form_sent_without_its_csrf_token_is_the_sites_403_page(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/en/staff/login/", {"username": "a", "password": "b"})

    assert response.status_code == 403
    assert "<h1>Access denied</h1>" in response.text
    assert "without the security check it needs" in response.text


def test_a_refused_page_is_the_sites_403_page(rf):
    response = views.permission_denied(rf.get("/en/"), PermissionError())

    assert response.status_code == 403
    assert "You do not have permission to see this page." in response.content.decode()
