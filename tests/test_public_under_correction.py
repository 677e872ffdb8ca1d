"""While a published edition is reopened for a correction, its last published results stay on
the pages built from them, under a notice saying since when and why (issue 15, item 9); the
pages reading live points leave it out until it is published again."""

import re

import pytest

from scoring.lifecycle import reopen_edition
from tests.staff_fixtures import staff_user

REASON = "Sửa điểm tiêu chí 1.1 của Hải Phòng"
PAGES = [
    "/en/rankings/2019/province/",
    "/en/regions/2019/",
    "/en/map/2019/",
    "/en/compare/province/?year=2019",
    "/en/charts/ranking/2019/province.svg",
    "/en/charts/regions/2019.svg",
]


@pytest.fixture
def reopened(published):
    reopen_edition(published, user=staff_user("admin"), reason=REASON)
    return published


@pytest.mark.parametrize("path", PAGES)
def test_the_last_published_results_stay_online_while_reopened(client, reopened, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", PAGES[:4])
def test_each_page_says_since_when_and_why(client, reopened, path):
    html = client.get(path).text

    notice = re.search(r'<div class="banner correction" role="note">(.*?)</div>', html, re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", notice.group(1)).split())
    assert re.match(rf"Under correction since \d+ \w+ \d{{4}} : {REASON} ", text)
    assert "they stay here until the corrected results are published" in text


def test_the_ranking_under_correction_still_lists_the_published_figures(client, reopened):
    html = client.get("/en/rankings/2019/province/").text

    assert "/en/units/ha-noi/" in html and "90.00" in html


def test_a_published_edition_has_no_notice(client, published):
    assert 'class="banner correction"' not in client.get("/en/regions/2019/").text


def test_pages_reading_live_points_leave_the_reopened_edition_out(client, reopened):
    assert client.get("/en/criteria/2019/province/1/").status_code == 404


def test_a_draft_is_never_shown(client, scored_provinces):
    for path in PAGES:
        assert client.get(path).status_code == 404, path


def test_a_units_profile_keeps_its_last_published_results_under_the_notice(client, reopened):
    page = client.get("/en/units/ha-noi/?year=2019")

    assert page.status_code == 200
    assert "Under correction since" in page.text and REASON in page.text
    assert "90.00" in page.text
    # The points being corrected are left out until the corrected results are published.
    assert "The points per criterion are being corrected" in page.text
    assert 'class="tree-field"' not in page.text
