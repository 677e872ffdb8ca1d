"""The lock files: every package the portal installs, direct or not, pinned and with its hashes,
written from the human-edited requirements files (`make lock`) and installed from nowhere else
(the Makefile, CI through `make`, the Dockerfile)."""

import re
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
# name==version, then one `--hash=sha256:...` per file of that release.
ENTRY = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})*)", re.M)


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(name: str) -> dict[str, tuple[str, int]]:
    """{package: (version, number of hashes)} of a lock file."""
    text = (PROJECT / name).read_text()
    return {
        normalized(package): (version, hashes.count("--hash="))
        for package, version, hashes in ENTRY.findall(text)
    }


def requested(name: str) -> dict[str, str]:
    """{package: version} pinned in a requirements file, following its -r includes."""
    found = {}
    for line in (PROJECT / name).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            found |= requested(line[3:].strip())
        elif line:
            package, _, version = line.partition("==")
            found[normalized(package.split("[")[0])] = version
    return found


@pytest.mark.parametrize(
    "inputs, lock",
    [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")],
)
def test_each_lock_pins_what_its_requirements_file_asks_for_at_the_same_version(inputs, lock):
    pins = locked(lock)

    for package, version in requested(inputs).items():
        assert pins.get(package, ("missing",))[0] == version, (lock, package)


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_locked_package_has_an_exact_version_and_a_hash(lock):
    text = (PROJECT / lock).read_text()
    entries = [
        line for line in text.splitlines() if line and not line[0].isspace() and line[0] != "#"
    ]
    pins = locked(lock)

    assert len(pins) == len(entries), "an entry without == or without hashes"
    assert all(hashes >= 1 for _version, hashes in pins.values())


def test_the_development_lock_holds_the_production_lock_at_the_same_versions():
    production, development = locked("requirements.lock"), locked("requirements-dev.lock")

    assert {package: development.get(package, ("missing",))[0] for package in production} == {
        package: version for package, (version, _hashes) in production.items()
    }
    assert {"pytest-xdist", "mypy", "django-stubs", "pre-commit"} <= development.keys()


def test_make_and_the_dockerfile_install_only_from_a_lock_with_its_hashes_checked():
    makefile = (PROJECT / "Makefile").read_text()
    dockerfile = (PROJECT / "Dockerfile").read_text()

    stamp = re.search(r"^\$\(STAMP\): (.*)\n((?:\t.*\n)+)", makefile, re.M)
    assert stamp is not None
    assert stamp.group(1).split() == ["$(DEV_LOCK)"]
    assert "DEV_LOCK := requirements-dev.lock" in makefile
    assert (
        "pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(DEV_LOCK)"
        in stamp.group(2)
    )
    installs = [line for line in dockerfile.splitlines() if "pip install" in line]
    assert installs == [
        "RUN /venv/bin/pip install --no-cache-dir --require-hashes --no-deps"
        " -r /app/requirements.lock"
    ]
