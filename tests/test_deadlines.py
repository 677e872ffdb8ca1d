"""The web server's deadline on PostgreSQL waits (runtime/deadlines.py): a query the server
does not answer in time ends with OperationalError, kept by the client; and the connection
options carry the server-side timeouts and keepalives."""

import time

import pytest
from django.conf import settings
from django.db import OperationalError, connection

from runtime import deadlines

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="PostgreSQL only",
)


@pytest.fixture
def installed():
    deadlines.install()
    yield
    deadlines.uninstall()


# Serialized rollback: the flush after a transactional test would otherwise leave the
# reference data out for the tests that follow on this worker.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_query_the_server_does_not_answer_in_time_ends_at_the_deadline(installed):
    started = time.monotonic()
    with pytest.raises(OperationalError), deadlines.deadline(0.5), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(5)")

    assert time.monotonic() - started < 1.5
    connection.close()
    with connection.cursor() as cursor:  # a new connection answers again
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


# Serialized rollback: the flush after a transactional test would otherwise leave the
# reference data out for the tests that follow on this worker.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_query_within_the_deadline_answers(installed):
    with deadlines.deadline(2), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.1), 7")
        assert cursor.fetchone()[1] == 7


def test_web_connections_carry_a_statement_timeout_and_keepalives():
    options = settings.DATABASES["default"]["OPTIONS"]

    assert options["options"] == "-c statement_timeout=20000"
    assert (options["keepalives"], options["keepalives_idle"]) == (1, 10)
    assert options["tcp_user_timeout"] == 19000
    assert options["connect_timeout"] == 5
