"""The Dockerfile, proven as far as a machine without a container engine allows: what it copies
exists and is not ignored, its build stage's steps (a clean virtual environment installed from
requirements.lock, compilemessages, collectstatic) succeed when replayed in a scratch directory,
and its entry point starts and answers the HEALTHCHECK's /healthz and a collected static file.

The replay installs every requirement into a new virtual environment (about a minute from the
local wheel cache); set SKIP_DOCKER_REPLAY=1 to leave that test out of a quick run.
"""

import fnmatch
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
DOCKERFILE = (PROJECT / "Dockerfile").read_text()
IMAGE = "python:3.11-slim-bookworm"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = DOCKERFILE.replace("\\\n", " ")
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), " ".join(rest.split())))
    return found


def stages() -> list[list[tuple[str, str]]]:
    split: list[list[tuple[str, str]]] = []
    for instruction in instructions():
        if instruction[0] == "FROM":
            split.append([])
        split[-1].append(instruction)
    return split


def ignored(path: str) -> bool:
    patterns = [
        line.strip()
        for line in (PROJECT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return any(fnmatch.fnmatch(path, pattern) for pattern in patterns)


def copied_sources() -> list[str]:
    sources = []
    for word, arguments in instructions():
        if word == "COPY" and not arguments.startswith("--from"):
            sources += shlex.split(arguments)[:-1]
    return sources


def test_both_stages_build_from_the_ci_python_image():
    assert [stage[0][1] for stage in stages()] == [f"{IMAGE} AS build", IMAGE]


def test_every_copied_path_exists_and_is_not_ignored():
    sources = copied_sources()

    assert "requirements.lock" in sources and "parindex" in sources
    for source in sources:
        assert (PROJECT / source).exists(), source
        assert not ignored(source), source


def test_every_app_package_and_template_folder_is_copied():
    # The apps and the packages below them that are not apps (files, runtime, charts).
    packages = {path.parent.name for path in PROJECT.glob("*/__init__.py")} - {"tests", "bench"}

    assert packages <= set(copied_sources())
    assert {"templates", "static", "locale", "manage.py", "gunicorn.conf.py"} <= set(
        copied_sources()
    )


def test_the_runtime_runs_gunicorn_as_an_unprivileged_user_with_a_health_check():
    runtime = dict(stages()[-1])

    assert runtime["USER"] == "parindex"
    assert runtime["HEALTHCHECK"].endswith("CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1")
    assert json.loads(runtime["CMD"]) == ["gunicorn", "-c", "gunicorn.conf.py", "parindex.wsgi"]


def test_secrets_and_local_state_stay_out_of_the_build_context():
    for path in (".env", ".git", ".venv", "db.sqlite3", "evidence", "backup.dump"):
        assert ignored(path), path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except OSError:
        return 0, b""


@pytest.mark.server
@pytest.mark.skipif(os.environ.get("SKIP_DOCKER_REPLAY") == "1", reason="SKIP_DOCKER_REPLAY=1")
def test_the_build_steps_succeed_and_the_entry_point_answers(tmp_path):
    app, venv = tmp_path / "app", tmp_path / "venv"
    app.mkdir()
    build = stages()[0]
    for word, arguments in build:
        if word == "COPY":
            *sources, _target = shlex.split(arguments)
            for source in sources:
                if (PROJECT / source).is_dir():
                    shutil.copytree(
                        PROJECT / source,
                        app / source,
                        ignore=shutil.ignore_patterns("__pycache__", "*.mo"),
                    )
                else:
                    shutil.copy(PROJECT / source, app / source)
        elif word == "RUN" and "apt-get" not in arguments:
            # The image's paths mapped to the scratch directory; its python is this one.
            command = (
                arguments.replace("/app/", f"{app}/")
                .replace("/venv", str(venv))
                .replace("python -m venv", f"{sys.executable} -m venv")
            )
            environment = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
            environment.update({k: v for k, v in os.environ.items() if k.startswith("PIP_")})
            result = subprocess.run(
                command, shell=True, cwd=app, env=environment, capture_output=True, text=True
            )
            assert result.returncode == 0, f"{command}\n{result.stderr[-3000:]}"
    assert sorted(path.name for path in (app / "locale").glob("*/LC_MESSAGES/django.mo")) == [
        "django.mo",
        "django.mo",
    ]
    assert (app / "staticfiles" / "css" / "site.css").exists()

    port = free_port()
    runtime_env = {
        "PATH": f"{venv}/bin:{os.environ['PATH']}",
        "SECRET_KEY": "docker-replay-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    command = json.loads(dict(stages()[-1])["CMD"])
    server = subprocess.Popen(
        command, cwd=app, env=runtime_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        status, body = 0, b""
        for _attempt in range(60):
            status, body = get(f"http://127.0.0.1:{port}/healthz")
            if status or server.poll() is not None:
                break
            time.sleep(0.5)
        static_status, css = get(f"http://127.0.0.1:{port}/static/css/site.css")
    finally:
        server.terminate()
        _out, errors = server.communicate(timeout=30)
    assert (status, json.loads(body or b"{}")) == (200, {"status": "ok"}), errors.decode()[-3000:]
    assert static_status == 200
    assert css == (PROJECT / "static" / "css" / "site.css").read_bytes()
