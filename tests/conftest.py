"""The shared fixture: three provinces in two regions and two ministries, one small tree each.

Province tree of 2019 (maximum 20):
  1  Field one  12   = 1.1 self 8 + 1.2 survey 4
  2  Field two   8   = 2.1 self 5 + 2.2 self 3
Ministry tree of 2019 (maximum 10): 1 = 1.1 self 6 + 1.2 survey 4.
Provinces: Hà Nội (01) and Hải Phòng (31) in DBSH, Lào Cai (10) in TDMNPB.
Ministries: Bộ Tư pháp (BTP) and Bộ Y tế (BYT).
"""

import os
import textwrap

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from scoring.imports import ImportReport, import_file
from scoring.models import Edition
from scoring.publish import publish_edition
from tests.snapshots import snapshots

PROVINCE_TREE = """\
year,level,code,name_vi,name_en,max_points,method
2019,province,1,Lĩnh vực một,Field one,12,
2019,province,1.1,Tiêu chí 1.1,Criterion 1.1,8,self
2019,province,1.2,Tiêu chí 1.2,Criterion 1.2,4,survey
2019,province,2,Lĩnh vực hai,Field two,8,
2019,province,2.1,Tiêu chí 2.1,Criterion 2.1,5,self
2019,province,2.2,Tiêu chí 2.2,Criterion 2.2,3,self
"""
PROVINCE_PARTICIPANTS = """\
year,level,unit,ranked
2019,province,01,yes
2019,province,31,yes
2019,province,10,yes
"""
MINISTRY_TREE = """\
year,level,code,name_vi,name_en,max_points,method
2019,ministry,1,Lĩnh vực một,Field one,10,
2019,ministry,1.1,Tiêu chí 1.1,Criterion 1.1,6,self
2019,ministry,1.2,Tiêu chí 1.2,Criterion 1.2,4,survey
"""
MINISTRY_PARTICIPANTS = """\
year,level,unit,ranked
2019,ministry,BTP,yes
2019,ministry,BYT,no
"""


def _shared_by_module(item: pytest.Item) -> bool:
    """Whether the test uses a fixture built once for its module or package (the browser tests'
    live site and pages, test_outage's own server, test_demo's demo)."""
    definitions = item._fixtureinfo.name2fixturedefs.values()  # type: ignore[attr-defined]
    return any(d.scope in ("module", "package") for defs in definitions for d in defs)


def pytest_itemcollected(item):
    """Under pytest-xdist (`make test`: -n auto --dist loadgroup) a module whose tests share a
    fixture built once for it (test_outage's own server, the demo of test_demo) is one unit of
    work: the fixture is built once, by one worker. The browser tests are one unit together:
    their live site, seeded with the demo for the whole package, is then seeded once in all."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if item.get_closest_marker("browser"):
        item.add_marker(pytest.mark.xdist_group("tests.browser"))
    elif _shared_by_module(item):
        item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist, the units are handed out browser tests first, then the other shared
    modules, then single tests, each in the order pytest-django gives (after it, hence trylast):
    the longest unit starts first, and single tests even out the end."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    # pytest-xdist groups a unit by the "@group" it appends to the node ids; a pytest whose ids
    # refuse it (9.2, pytest-dev/pytest-xdist#1386) spreads a module over the workers, each
    # building its shared fixture, and runs the others' tests inside it.
    lost = [i.nodeid for i in items if i.get_closest_marker("xdist_group") and "@" not in i.nodeid]
    if config.getvalue("loadgroup") and lost:
        raise pytest.UsageError(f"pytest-xdist's --dist loadgroup lost the groups of {lost[:3]}")

    def rank(item: pytest.Item) -> int:
        if not item.get_closest_marker("xdist_group"):
            return 2
        return 0 if item.get_closest_marker("browser") else 1

    items.sort(key=rank)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (CI=true) a skipped test fails: CI has PostgreSQL, Redis, its server binaries and
    Chromium, so a test that skips there has lost what it checks without anyone noticing."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where everything it needs is installed: {reason}"


def pytest_configure(config):
    # Work units in the order the hook above gives them, not sorted by their number of tests.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    # Django's advice for tests: a quick password hasher. The site's own (PBKDF2, a million
    # rounds) costs most of a second per account, and the staff tests make hundreds of them;
    # tests/test_sign_in_attacks.py, which counts hashing, puts the site's back.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache outlives a test's database: every test starts from data version 0 again, so
    nothing cached by an earlier test (charts, cards, the search index) is served to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english():
    """Messages in English, as the commands print them and the tests assert them.

    Vietnamese is the default language, so a direct call (import_file, publish_edition,
    UnitResolver) would otherwise answer in Vietnamese; tests/test_messages_vi.py checks that.
    Requests of the test client are unaffected: LocaleMiddleware picks their language.
    """
    with translation.override("en"):
        yield


def lines(messages) -> list[str]:
    """Messages as the reader sees them, in the active language."""
    return [str(message) for message in messages]


def run_import(kind: str, text: str, filename: str = "file.csv", **kwargs) -> ImportReport:
    """Import literal CSV text (dedented) through the same path as the command."""
    return import_file(kind, textwrap.dedent(text).encode("utf-8"), filename, **kwargs)


def imported(kind: str, text: str, **kwargs) -> ImportReport:
    report = run_import(kind, text, **kwargs)
    assert report.ok, report.problems
    return report


def built_once(name: str, make) -> None:
    """make() the first time a worker needs it, its changes put back after that (snapshots.py)."""
    snapshots.build(f"{name}:{translation.get_language()}", make)


@pytest.fixture
def province_edition(db) -> Edition:
    def make():
        imported("methodology", PROVINCE_TREE)
        imported("participants", PROVINCE_PARTICIPANTS)

    built_once("province_edition", make)
    return Edition.objects.get(year=2019, level="province")


@pytest.fixture
def ministry_edition(db) -> Edition:
    def make():
        imported("methodology", MINISTRY_TREE)
        imported("participants", MINISTRY_PARTICIPANTS)

    built_once("ministry_edition", make)
    return Edition.objects.get(year=2019, level="ministry")


@pytest.fixture
def half_scored_provinces(province_edition) -> Edition:
    """Only Hà Nội has points, and not all of them: 1.1 self-assessed only, 2.1 appraised."""
    built_once(
        "half_scored_provinces",
        lambda: imported(
            "scores",
            """\
            year,level,unit,criterion,self_points,appraised_points
            2019,province,01,1.1,8,
            2019,province,01,2.1,5,5
            """,
        ),
    )
    return province_edition


@pytest.fixture
def scored_provinces(province_edition) -> Edition:
    """Final points: Hà Nội 18 (90.00), Hải Phòng 15 (75.00), Lào Cai 15 (75.00)."""
    built_once("scored_provinces", _score_provinces)
    return province_edition


def _score_provinces() -> None:
    imported(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points,appraisal_reason
        2019,province,01,1.1,8,7.5,Thiếu tài liệu kiểm chứng
        2019,province,01,2.1,5,5,
        2019,province,01,2.2,3,2.5,Chậm tiến độ
        2019,province,31,1.1,7,6,Thiếu tài liệu
        2019,province,31,2.1,4,4,
        2019,province,31,2.2,2,2,
        2019,province,10,1.1,6,6,
        2019,province,10,2.1,5,4.5,Chưa đạt
        2019,province,10,2.2,2,1.5,Chưa đạt
        """,
    )
    imported(
        "survey",
        """\
        year,level,unit,criterion,points,respondents
        2019,province,01,1.2,3,500
        2019,province,31,1.2,3,450
        2019,province,10,1.2,3,400
        """,
    )


@pytest.fixture
def published(scored_provinces) -> Edition:
    """The scored provinces, published."""
    built_once("published", lambda: publish_edition(scored_provinces))
    return Edition.objects.get(pk=scored_provinces.pk)


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, with the second factor the admin asks of everyone passed."""
    from tests.staff_fixtures import verified_client

    return verified_client(client, admin_user)


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """The whole-page cache (parindex/middleware.py) off: a test sees what the view renders, and
    a query count is the view's. tests/test_caching.py and the other tests of the cache itself
    turn it back on."""
    settings.PAGE_CACHE = False
