"""parindex.settings reads the environment only and refuses values it does not understand.

Each case imports the settings in a fresh interpreter with a controlled environment, since the
settings module is evaluated once per process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
VALID_KEY = "settings-tests-secret-key-long-enough-for-deploy-check"
KEY_OF_49 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM"
KEY_OF_50 = KEY_OF_49 + "N"
CONTROLLED = (
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
    "CACHE_URL",
    "CACHE_KEY_PREFIX",
    "CONN_MAX_AGE",
    "CSP_ENFORCE_ON_HTTP",
    "LOG_LEVEL",
    "PAGE_CACHE",
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
)
SHOW_SETTINGS = """
import json
from django.conf import settings
database = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "ENGINE": database["ENGINE"],
    "NAME": str(database["NAME"]),
    "LANGUAGE_CODE": settings.LANGUAGE_CODE,
    "LANGUAGES": [code for code, _ in settings.LANGUAGES],
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
}))
"""


def load_settings(**env: str) -> subprocess.CompletedProcess:
    environment = {name: value for name, value in os.environ.items() if name not in CONTROLLED}
    environment.update(env, DJANGO_SETTINGS_MODULE="parindex.settings")
    return subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        env=environment,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def loaded(**env: str) -> dict:
    result = load_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({}, "SECRET_KEY must be set when DEBUG is off."),
        (
            {"DEBUG": "maybe", "SECRET_KEY": VALID_KEY},
            "DEBUG='maybe' is not a boolean; use 1/0, true/false, yes/no.",
        ),
        (
            {"SECRET_KEY": VALID_KEY, "DATABASE_URL": "mysql://user:pass@db.example/parindex"},
            "DATABASE_URL must be a postgres:// or sqlite:// URL.",
        ),
        (
            {"SECRET_KEY": KEY_OF_49},
            "SECRET_KEY is too short (49 characters; at least 50 when DEBUG is off).",
        ),
        (
            {"SECRET_KEY": "abcd" * 20},
            "SECRET_KEY must have at least 5 different characters when DEBUG is off.",
        ),
        (
            {"SECRET_KEY": "django-insecure-" + KEY_OF_50},
            "SECRET_KEY must not start with 'django-insecure-' (Django's placeholder for "
            "development keys) when DEBUG is off.",
        ),
        (
            {"DEBUG": "1", "SECRET_KEY": "short-key"},
            "SECRET_KEY is too short (at least 16 characters).",
        ),
        (
            {"SECRET_KEY": VALID_KEY, "CACHE_URL": "memcached://secret@cache:11211"},
            "CACHE_URL must start with redis:// or rediss://, or be locmem:// (got 'memcached').",
        ),
        (
            {"SECRET_KEY": VALID_KEY, "CONN_MAX_AGE": "-1"},
            "CONN_MAX_AGE='-1' must be at least 0.",
        ),
        (
            {"SECRET_KEY": VALID_KEY, "LOG_LEVEL": "verbose"},
            "LOG_LEVEL='verbose' is not one of CRITICAL, DEBUG, ERROR, INFO, WARNING.",
        ),
        (
            {"SECRET_KEY": VALID_KEY, "PAGE_CACHE": "sometimes"},
            "PAGE_CACHE='sometimes' is not a boolean; use 1/0, true/false, yes/no.",
        ),
        (
            {"SECRET_KEY": VALID_KEY, "WARM_CACHES": "1"},
            "WARM_CACHES needs PORTAL_URL: the address readers ask for.",
        ),
    ],
    ids=[
        "no-secret-key-without-debug",
        "debug-not-a-boolean",
        "mysql-url",
        "secret-key-of-49-characters",
        "secret-key-of-4-different-characters",
        "django-insecure-secret-key",
        "short-secret-key-with-debug",
        "memcached-cache-url-without-echoing-it",
        "negative-connection-age",
        "unknown-log-level",
        "page-cache-not-a-boolean",
        "warming-without-the-portals-address",
    ],
)
def test_a_bad_value_stops_the_settings_from_loading(env, error):
    result = load_settings(**env)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.rstrip().splitlines()[-1] == (
        f"django.core.exceptions.ImproperlyConfigured: {error}"
    )


def test_a_secret_key_of_50_characters_is_accepted_without_debug():
    assert len(KEY_OF_49) == 49 and len(KEY_OF_50) == 50

    settings = loaded(SECRET_KEY=KEY_OF_50)

    assert settings["DEBUG"] is False
    assert settings["SECRET_KEY"] == KEY_OF_50


def test_an_accepted_key_passes_djangos_own_deploy_check():
    environment = {name: value for name, value in os.environ.items() if name not in CONTROLLED}
    environment.update(SECRET_KEY=KEY_OF_50, DJANGO_SETTINGS_MODULE="parindex.settings")

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security"],
        env=environment,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert "security.W0" in result.stderr  # the check ran and found the other deploy warnings
    assert "security.W009" not in result.stderr + result.stdout


def test_debug_runs_without_a_secret_key_on_the_embedded_sqlite_database():
    settings = loaded(DEBUG="1")

    assert settings["DEBUG"] is True
    assert settings["SECRET_KEY"] == "insecure-development-key-only-for-debug"
    assert settings["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert settings["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["NAME"] == str(PROJECT / "db.sqlite3")
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_production_values_are_read_from_the_environment():
    settings = loaded(
        DEBUG="off",
        SECRET_KEY=VALID_KEY,
        DATABASE_URL="sqlite:////tmp/x.sqlite3",
        ALLOWED_HOSTS=" parindex.example.gov.vn , www.parindex.example.gov.vn,, ",
    )

    assert settings["DEBUG"] is False
    assert settings["SECRET_KEY"] == VALID_KEY
    assert settings["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["NAME"] == "/tmp/x.sqlite3"
    assert settings["ALLOWED_HOSTS"] == ["parindex.example.gov.vn", "www.parindex.example.gov.vn"]
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["LANGUAGE_CODE"] == "vi"
    assert settings["LANGUAGES"] == ["vi", "en"]


def test_vietnamese_is_the_default_language_and_english_the_second(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]


SHOW_PRODUCTION = """
import json
from django.conf import settings
database = settings.DATABASES["default"]
cache = settings.CACHES["default"]
print(json.dumps({
    "CACHE": [cache["BACKEND"], cache.get("LOCATION"), cache.get("OPTIONS")],
    "CACHE_KEY_PREFIX": cache["KEY_PREFIX"],
    "CONN_MAX_AGE": database["CONN_MAX_AGE"],
    "CONN_HEALTH_CHECKS": database["CONN_HEALTH_CHECKS"],
    "OPTIONS": database.get("OPTIONS"),
    "HSTS": [settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS],
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "X_FRAME_OPTIONS": settings.X_FRAME_OPTIONS,
    "REFERRER": settings.SECURE_REFERRER_POLICY,
    "CSP": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
}))
"""


def production(**env: str) -> dict:
    environment = {name: value for name, value in os.environ.items() if name not in CONTROLLED}
    environment.update(
        SECRET_KEY=VALID_KEY,
        DATABASE_URL="postgres://parindex@db.example:5432/parindex",
        DJANGO_SETTINGS_MODULE="parindex.settings",
        **env,
    )
    result = subprocess.run(
        [sys.executable, "-c", SHOW_PRODUCTION],
        env=environment,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_cache_is_local_memory_by_default_with_room_for_the_pages():
    assert production()["CACHE"] == [
        "runtime.cache.BoundedLocMemCache",
        None,
        {"MAX_ENTRIES": 2000, "MAX_BYTES": 128 * 1024 * 1024},
    ]


def test_cache_url_chooses_redis():
    assert production(CACHE_URL="redis://127.0.0.1:6379/1")["CACHE"] == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/1",
        None,
    ]


def test_cache_keys_hold_the_release_named_by_cache_key_prefix():
    assert production()["CACHE_KEY_PREFIX"] == ""
    assert production(CACHE_KEY_PREFIX=" 3f2a9c1 ")["CACHE_KEY_PREFIX"] == "3f2a9c1"


def test_database_connections_persist_and_are_checked_before_reuse():
    settings = production()

    assert settings["CONN_MAX_AGE"] == 60
    assert settings["CONN_HEALTH_CHECKS"] is True
    assert settings["OPTIONS"]["connect_timeout"] == 5
    assert production(CONN_MAX_AGE="0")["CONN_MAX_AGE"] == 0


def test_production_security_defaults():
    settings = production()

    assert settings["HSTS"] == [365 * 24 * 60 * 60, True]
    assert settings["SECURE_SSL_REDIRECT"] is False
    assert production(SECURE_SSL_REDIRECT="1")["SECURE_SSL_REDIRECT"] is True
    assert settings["X_FRAME_OPTIONS"] == "DENY"
    assert settings["REFERRER"] == "strict-origin-when-cross-origin"


def test_the_content_security_policy_allows_no_inline_code():
    directives = production()["CSP"]

    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert not any("unsafe" in source for sources in directives.values() for source in sources)
