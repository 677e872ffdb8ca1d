"""Sign-in attacks behind the documented reverse proxy: the client's address comes from
X-Forwarded-For only when the connection comes from a trusted proxy, so a stranger's wrong
passwords never lock the owner out; and failed sign-ins are throttled per address whatever the
user name (unknown ones included), refused before any password is hashed."""

from unittest import mock

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import RequestFactory

from runtime.clients import client_address
from tests.staff_fixtures import PASSWORD, staff_user

pytestmark = pytest.mark.django_db

LOGIN = "/en/staff/login/"
PROXY = "10.1.0.5"


@pytest.fixture(autouse=True)
def behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.1.0.0/24"]
    # The site's hasher, whose cost these tests are about (tests/conftest.py uses a quick one).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def sign_in(client, username, password=PASSWORD, *, via=PROXY, forwarded=None):
    headers = {"x-forwarded-for": forwarded} if forwarded else {}
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=via, headers=headers
    )


def address(remote: str, forwarded: str | None = None) -> str:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


def test_the_client_is_the_one_the_trusted_proxy_names():
    assert address(PROXY, "203.0.113.7") == "203.0.113.7"
    # A client's own X-Forwarded-For comes first; the proxy appends the address it saw.
    assert address(PROXY, "1.2.3.4, 203.0.113.7") == "203.0.113.7"
    # Two proxies of ours in a row: the client is the first address that is not one of them.
    assert address(PROXY, "203.0.113.7, 10.1.0.9") == "203.0.113.7"


def test_a_forwarded_address_from_anyone_else_is_ignored():
    assert address("198.51.100.2", "203.0.113.7") == "198.51.100.2"
    assert address(PROXY) == PROXY
    assert address(PROXY, "not an address") == PROXY


def test_without_trusted_proxies_the_connection_is_the_client(settings):
    settings.TRUSTED_PROXIES = []

    assert address(PROXY, "203.0.113.7") == PROXY


def test_a_strangers_wrong_passwords_behind_the_proxy_do_not_lock_the_owner_out(client):
    staff_user("admin", username="boss")
    for _attempt in range(6):
        assert sign_in(client, "boss", "wrong", forwarded="203.0.113.66").status_code in (200, 429)

    owner = sign_in(client, "boss", forwarded="198.51.100.10")

    assert owner.status_code == 302
    assert sign_in(client, "boss", forwarded="203.0.113.66").status_code == 429


def test_a_forged_forwarded_header_does_not_escape_the_lockout(client):
    staff_user("admin", username="boss")
    for attempt in range(5):
        sign_in(client, "boss", "wrong", via="198.51.100.2", forwarded=f"203.0.113.{attempt}")

    assert sign_in(client, "boss", via="198.51.100.2", forwarded="203.0.113.99").status_code == 429


def test_failed_sign_ins_are_throttled_per_address_whatever_the_user_name(client, settings):
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 3
    staff_user("admin", username="boss")
    for attempt in range(3):
        response = sign_in(client, f"nobody-{attempt}", "wrong", forwarded="203.0.113.66")
        assert response.status_code == 200

    with mock.patch.object(PBKDF2PasswordHasher, "encode", autospec=True) as hashing:
        refused = sign_in(client, "nobody-4", "wrong", forwarded="203.0.113.66")
        right_password = sign_in(client, "boss", forwarded="203.0.113.66")

    assert refused.status_code == 429
    assert right_password.status_code == 429
    assert refused["Retry-After"] == "900"
    assert "too many failed sign-ins from your address" in refused.text
    assert "_auth_user_id" not in client.session
    assert hashing.call_count == 0  # no password hashed for a refused address
    assert sign_in(client, "boss", forwarded="198.51.100.10").status_code == 302
