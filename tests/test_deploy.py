"""`manage.py check --deploy --fail-level WARNING` passes with production settings, and fails
when one of them is missing: it runs in a fresh interpreter with a production environment."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "deploy-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "parindex.example.gov.vn",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def check_deploy(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG"))}
    environment.update(PRODUCTION, **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_passes_with_production_settings():
    result = check_deploy()

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_deploy_check_fails_without_the_ssl_redirect():
    result = check_deploy(SECURE_SSL_REDIRECT="0")

    assert result.returncode == 1
    assert "security.W008" in result.stderr


def test_the_deploy_check_fails_without_hsts():
    result = check_deploy(SECURE_HSTS_SECONDS="0")

    assert result.returncode == 1
    assert "security.W004" in result.stderr
