"""An import checks and writes under the lock publishing takes on its edition, so an import and a
publish, or two imports, of one edition run one after the other and each sees what the other
committed. Real concurrency needs real row locks: these tests run on PostgreSQL only.

Each test holds an import inside its writer (the lock taken while the file was checked), starts
a second operation in another thread, lets the first finish, and checks that the second acted
on the first one's data, which it could not have if it had not waited.
"""

import threading

import pytest
from django.db import connection, connections

from scoring.imports import resources
from scoring.models import Edition, Result
from scoring.publish import PublishRefused, publish_edition
from tests.conftest import PROVINCE_PARTICIPANTS, PROVINCE_TREE, imported, run_import

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    # Transactional, so that threads see what is committed; the reference data of the
    # migrations is restored after each test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
WAIT = 30


def _held(monkeypatch, module, name: str) -> tuple[threading.Event, threading.Event]:
    """Make the writer `module.name` wait inside the import until released."""
    inside, release = threading.Event(), threading.Event()
    writer = getattr(module, name)

    def held(*args, **kwargs):
        inside.set()
        assert release.wait(WAIT)
        return writer(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    return inside, release


def _in_thread(target) -> tuple[threading.Thread, dict]:
    outcome = {}

    def run():
        try:
            outcome["value"] = target()
        except Exception as error:  # noqa: BLE001 - handed to the test to assert on
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.fixture
def unsurveyed_provinces(db) -> Edition:
    """Every final point but the survey leaf 1.2."""
    imported("methodology", PROVINCE_TREE)
    imported("participants", PROVINCE_PARTICIPANTS)
    rows = "".join(
        f"2019,province,{unit},{leaf},{points},{points}\n"
        for unit in ("01", "31", "10")
        for leaf, points in (("1.1", 6), ("2.1", 4), ("2.2", 2))
    )
    imported("scores", "year,level,unit,criterion,self_points,appraised_points\n" + rows)
    return Edition.objects.get(year=2019, level="province")


SURVEY = """\
year,level,unit,criterion,points
2019,province,01,1.2,4
2019,province,31,1.2,3
2019,province,10,1.2,2
"""


def test_a_publish_waits_for_an_import_of_its_edition_and_publishes_its_points(
    unsurveyed_provinces, monkeypatch
):
    inside, release = _held(monkeypatch, resources.scores, "set_survey_points")
    importing, imported_ = _in_thread(lambda: run_import("survey", SURVEY))
    assert inside.wait(WAIT)

    publishing, published = _in_thread(lambda: publish_edition(unsurveyed_provinces))
    publishing.join(1)
    still_waiting = publishing.is_alive()
    release.set()
    importing.join(WAIT)
    publishing.join(WAIT)

    assert still_waiting
    assert imported_["value"].ok
    assert "error" not in published, published.get("error")
    assert sorted(Result.objects.values_list("participant__unit__code", "total_points")) == [
        ("01", 16),
        ("10", 14),
        ("31", 15),
    ]


def test_an_import_waits_for_a_publish_and_is_then_refused(unsurveyed_provinces, monkeypatch):
    imported("survey", SURVEY)
    inside, release = _held(monkeypatch, resources.scores, "appraise")
    first, first_outcome = _in_thread(
        lambda: run_import(
            "scores",
            "year,level,unit,criterion,appraised_points\n2019,province,01,1.1,5\n",
        )
    )
    assert inside.wait(WAIT)

    publishing, published = _in_thread(lambda: publish_edition(unsurveyed_provinces))
    publishing.join(1)
    still_waiting = publishing.is_alive()
    release.set()
    first.join(WAIT)
    publishing.join(WAIT)
    late = run_import(
        "scores", "year,level,unit,criterion,appraised_points\n2019,province,01,1.1,4\n"
    )

    assert still_waiting
    assert first_outcome["value"].ok
    assert not isinstance(published.get("error"), PublishRefused)
    assert Result.objects.get(participant__unit__code="01").total_points == 15
    assert [str(p) for p in late.problems] == [
        "row 2, column year: the 2019 province edition is published; a correction must "
        "reopen it before anything is imported into it"
    ]


def test_two_imports_of_one_edition_run_one_after_the_other(unsurveyed_provinces, monkeypatch):
    inside, release = _held(monkeypatch, resources.participants, "set_participants")
    adding, added = _in_thread(
        lambda: run_import("participants", PROVINCE_PARTICIPANTS + "2019,province,22,yes\n")
    )
    assert inside.wait(WAIT)

    scoring, scored = _in_thread(
        lambda: run_import("survey", "year,level,unit,criterion,points\n2019,province,22,1.2,4\n")
    )
    scoring.join(1)
    still_waiting = scoring.is_alive()
    release.set()
    adding.join(WAIT)
    scoring.join(WAIT)

    assert still_waiting
    assert added["value"].ok
    assert scored["value"].ok, [str(p) for p in scored["value"].problems]
