"""The admin's import in Chromium: an admin uploads a file, reads the preview, confirms and sees it
done; a SIPAS file is checked by the real task worker while the page shows the progress bar move,
survives a reload half-way, and ends with the check's counts. axe-core on every page.

Signing in is the accounts helper's business: the browser gets the session cookie of a signed-in,
second-factor-verified test client. What the tests add (an edition of 2032, the batches) is
removed after them.
"""

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client

from scoring.imports import IMPORTERS
from scoring.models import Edition, ImportBatch
from tests.browser.conftest import screenshot, serious_violations
from tests.staff_fixtures import verified_client

pytestmark = pytest.mark.browser
WAIT = 120

TREE = b"""\
year,level,code,name_vi,name_en,max_points,method
2032,province,1,L\xc4\xa9nh v\xe1\xbb\xb1c m\xe1\xbb\x99t,Field one,10,
2032,province,1.1,Ti\xc3\xaau ch\xc3\xad 1.1,Criterion 1.1,10,self
"""


def in_thread(blocker, work, *args):
    """Database work from a test: in a thread of its own, since Django refuses it in the thread
    where Playwright's event loop runs."""

    def run():
        try:
            return work(*args)
        finally:
            connections.close_all()

    with blocker.unblock(), ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def _admin_session() -> str:
    user = get_user_model().objects.create_superuser("browser-quantri", "bq@example.vn", "x")
    return verified_client(Client(), user).cookies[settings.SESSION_COOKIE_NAME].value


def _clean_up() -> None:
    Edition.objects.filter(year=2032).delete()
    ImportBatch.objects.filter(user__username="browser-quantri").delete()
    get_user_model().objects.filter(username="browser-quantri").delete()


@pytest.fixture
def admin_page(browser, site, django_db_blocker):
    session = in_thread(django_db_blocker, _admin_session)
    # axe-core is injected as an inline script, which the site's CSP forbids a page.
    context = browser.new_context(
        base_url=site.url, viewport={"width": 1280, "height": 900}, locale="en-US", bypass_csp=True
    )
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site.url}])
    yield context.new_page()
    context.close()
    in_thread(django_db_blocker, _clean_up)


@pytest.fixture(autouse=True)
def _plain_http_cookies(settings):
    # The live server speaks plain HTTP: a Secure CSRF cookie would not come back.
    settings.CSRF_COOKIE_SECURE = False


def _upload(page, kind: str, name: str, content: bytes) -> None:
    page.goto("/admin/scoring/importbatch/import/")
    page.get_by_label("Kind of file").select_option(kind)
    page.get_by_label("File to import").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Check the file").click()


def test_an_admin_uploads_previews_confirms_and_sees_it_done(admin_page):
    page = admin_page
    page.goto("/admin/scoring/importbatch/import/")
    assert serious_violations(page) == []
    assert page.get_by_role("link", name="scores.xlsx").count() == 1

    _upload(page, "methodology", "bo-tieu-chi-2032.csv", TREE)

    assert page.get_by_role("heading", name="Preview").is_visible()
    statuses = page.locator(".import-rows tbody td:nth-child(2)").all_inner_texts()
    assert statuses == ["created", "created"]
    screenshot(page, "admin-import-preview")
    assert serious_violations(page) == []

    page.get_by_role("button", name="Confirm import").click()

    assert page.url.endswith("/change/")
    assert (
        "Imported: 2 created, 0 updated, 0 unchanged" in page.locator("#content-main").inner_text()
    )
    assert page.locator("progress").get_attribute("value") == "100"
    screenshot(page, "admin-import-done")
    assert serious_violations(page) == []


# The real worker, with one change: past a third of the way (the SIPAS file read, its check
# under way) it records its progress and waits for the test to let it go on.
WORKER = """\
import os, pathlib, sys, threading, time
sys.path.insert(0, os.environ["BASE_DIR"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
import django
django.setup()
from django.db import connection
from scoring.imports import batches
real = batches.ProgressWriter.__call__
held = []
def gated(self, done, total):
    real(self, done, total)
    if not held and total and done * 3 >= total:
        held.append(True)
        def write():
            self.write()
            connection.close()
        thread = threading.Thread(target=write)
        thread.start()
        thread.join()
        pathlib.Path(os.environ["PAUSED"]).write_text("paused")
        release, deadline = pathlib.Path(os.environ["RELEASE"]), time.monotonic() + 120
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
batches.ProgressWriter.__call__ = gated
from django.core.management import call_command
call_command("db_worker", "--no-startup-delay", "--interval", "0.2", "--no-reload")
"""


def _sipas(rows: int) -> bytes:
    lines = ["year,unit,respondent_id,gov_level,access,procedures,civil_servants,results,feedback"]
    units = ("01", "31", "10")
    for number in range(rows):
        answers = ",".join(str(1 + (number + aspect) % 5) for aspect in range(5))
        lines.append(f"2019,{units[number % 3]},R{number:06d},province,{answers}")
    return ("\n".join(lines) + "\n").encode()


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker reads the test database")
@pytest.mark.skipif("sipas" not in IMPORTERS, reason="the SIPAS importer is not registered")
def test_a_large_file_shows_its_progress_bar_move_and_survives_a_reload(admin_page, tmp_path):
    page = admin_page
    script, paused, release = tmp_path / "worker.py", tmp_path / "paused", tmp_path / "release"
    script.write_text(WORKER)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "BASE_DIR": str(settings.BASE_DIR),
        "PAUSED": str(paused),
        "RELEASE": str(release),
    }
    worker = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _upload(page, "sipas", "sipas-2019.csv", _sipas(3000))
        assert page.url.endswith("/change/")
        bar = page.locator("progress")
        first = bar.get_attribute("value")

        deadline = time.monotonic() + WAIT
        while not paused.exists() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert paused.exists(), "the worker never reached a third of the file"
        # The script polls the progress; the bar moves past a third without a reload.
        page.wait_for_function(
            "document.querySelector('progress').value >= 33", timeout=WAIT * 1000
        )
        assert first in (None, "0")
        halfway = page.evaluate("document.querySelector('progress').value")
        assert 33 <= halfway < 100

        page.reload()
        assert bar.get_attribute("value") == str(halfway)
        assert "Running" in page.locator("#import-state-heading").inner_text()
        screenshot(page, "admin-import-progress")
        assert serious_violations(page) == []

        release.write_text("go")
        page.get_by_text("Checked, nothing written").wait_for(timeout=WAIT * 1000)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(WAIT)

    summary = page.locator(".import-summary").inner_text()
    assert summary == "Checked, nothing written: 3000 created, 0 updated, 0 unchanged"
    assert bar.get_attribute("value") == "100"
    assert page.get_by_role("button", name="Confirm import").is_visible()
    assert serious_violations(page) == []
