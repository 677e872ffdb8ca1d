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
CONTROLLED = ("DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")
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
    ],
    ids=[
        "no-secret-key-without-debug",
        "debug-not-a-boolean",
        "mysql-url",
        "secret-key-of-49-characters",
        "secret-key-of-4-different-characters",
        "django-insecure-secret-key",
        "short-secret-key-with-debug",
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
