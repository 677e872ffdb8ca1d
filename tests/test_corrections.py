"""scoring.corrections: republishing a reopened edition records a Correction with the figures
that changed, unit by unit, from what to what; the public corrections page and each affected
profile show it in both languages."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import formats, timezone

from scoring.lifecycle import reopen_edition
from scoring.models import Correction, Edition, EditionEvent, Participant
from scoring.publish import publish_edition
from tests.conftest import imported
from tests.staff_fixtures import staff_user

ATOM = "{http://www.w3.org/2005/Atom}"
REASON = "Hải Phòng: điểm 1.1 nhập sai"


def corrected(edition: Edition) -> Edition:
    """The published provinces reopened by an admin and Hải Phòng's 1.1 appraised 6 → 7:
    Hải Phòng 15 → 16 of 20 (75.00 → 80.00, group C → B, rank 2 alone), Lào Cai stays at 75.00
    but drops from a shared 2nd to 3rd; Hà Nội does not change."""
    admin = staff_user("admin")
    reopen_edition(edition, user=admin, reason=REASON)
    imported(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points,appraisal_reason
        2019,province,31,1.1,7,7,
        """,
    )
    return publish_edition(edition)


def slug(code: str) -> str:
    """The slug of the 2019 province with this code (a code names a unit only with a year)."""
    return Participant.objects.get(edition__year=2019, unit__code=code).unit.slug


def changes(correction: Correction) -> list[tuple[str, str, str, str]]:
    return [
        (v.unit.code, v.figure, v.old_value, v.new_value)
        for v in correction.values.select_related("unit").order_by("unit__code", "figure")
    ]


def test_republishing_records_the_changed_figures_of_the_changed_units_only(published):
    corrected(published)

    correction = Correction.objects.get()
    assert changes(correction) == [
        ("10", "rank", "2", "3"),
        ("31", "group", "C", "B"),
        ("31", "index", "75.00", "80.00"),
    ]


def test_the_correction_keeps_the_reason_and_the_dates_of_the_reopening_and_publication(
    published,
):
    corrected(published)

    correction = Correction.objects.get()
    reopening = EditionEvent.objects.get(action="reopen")
    republication = EditionEvent.objects.filter(action="publish").order_by("-pk").first()
    assert correction.edition == published
    assert correction.reason == REASON
    assert correction.reopened_at == reopening.at
    assert correction.published_at == Edition.objects.get(pk=published.pk).published_at
    assert correction.published_at >= republication.at.replace(microsecond=0)


def test_a_first_publication_records_no_correction(scored_provinces):
    publish_edition(scored_provinces)

    assert not Correction.objects.exists()


def test_a_republication_that_changes_nothing_records_a_correction_without_values(published):
    reopen_edition(published, user=staff_user("admin"), reason="Kiểm tra lại")
    publish_edition(published)

    correction = Correction.objects.get()
    assert correction.reason == "Kiểm tra lại"
    assert not correction.values.exists()


def test_ranks_in_the_region_that_change_are_recorded(published):
    """Hải Phòng 75 → 95 (1.1: 6 → 8, 2.1: 4 → 5, 2.2: 2 → 3) passes Hà Nội in the country
    and in their region; Lào Cai, alone in its region, only drops a rank in the country."""
    reopen_edition(published, user=staff_user("admin"), reason="Hải Phòng")
    imported(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points,appraisal_reason
        2019,province,31,1.1,8,8,
        2019,province,31,2.1,5,5,
        2019,province,31,2.2,3,3,
        """,
    )
    publish_edition(published)

    assert changes(Correction.objects.get()) == [
        ("01", "rank", "1", "2"),
        ("01", "rank_in_region", "1", "2"),
        ("10", "rank", "2", "3"),
        ("31", "group", "C", "A"),
        ("31", "index", "75.00", "95.00"),
        ("31", "rank", "2", "1"),
        ("31", "rank_in_region", "2", "1"),
    ]


@pytest.fixture
def correction(published) -> Correction:
    corrected(published)
    return Correction.objects.get()


def test_the_corrections_page_lists_the_reason_and_each_changed_figure(client, correction):
    html = client.get("/en/corrections/").text

    assert f'<article class="correction" id="correction-{correction.pk}"' in html
    assert "PAR Index 2019: Province, corrected on" in html
    assert f"Reason: {REASON}" in html
    rows = [
        [cell.strip() for cell in row]
        for row in re.findall(
            r'<td>([^<]*)</td><td class="num">([^<]*)</td><td class="num">([^<]*)</td>', html
        )
    ]
    # Units in code order: 10 (Lào Cai), then 31 (Hải Phòng); index, rank, group.
    assert rows == [["Rank", "2", "3"], ["Index", "75.00", "80.00"], ["Group", "C", "B"]]
    assert f'<a href="/en/units/{slug("10")}/">Lao Cai</a>' in html
    assert f'<a href="/en/units/{slug("31")}/">Hai Phong</a>' in html


def test_the_vietnamese_corrections_page_shows_the_reason_as_typed(client, correction):
    html = client.get("/vi/corrections/").text

    assert REASON in html
    assert f'<a href="/vi/units/{slug("31")}/">Hải Phòng</a>' in html
    # Before and after in the reader's language, as every number of a Vietnamese page.
    assert '<td class="num">75,00</td><td class="num">80,00</td>' in html


def test_an_affected_profile_announces_the_correction_and_links_the_log(client, correction):
    html = client.get(f"/en/units/{slug('31')}/").text

    # The page shows the date in Vietnam's time zone: after 17:00 UTC it is already tomorrow.
    date = formats.date_format(timezone.localtime(correction.published_at), "DATE_FORMAT")
    assert (
        f"This unit's results of 2019 were corrected on {date}: index 75.00 → 80.00, "
        f'group C → B. <a href="/en/corrections/#correction-{correction.pk}">'
    ) in html
    assert "were corrected" not in client.get(f"/en/units/{slug('01')}/").text


def test_the_vietnamese_profile_announces_the_correction_too(client, correction):
    html = client.get(f"/vi/units/{slug('10')}/").text

    assert f'<a href="/vi/corrections/#correction-{correction.pk}">' in html
    assert "2 → 3" in html


def test_while_reopened_the_log_says_so_without_figures(client, published):
    reopen_edition(published, user=staff_user("admin"), reason=REASON)

    html = client.get("/en/corrections/").text

    assert "Under correction now" in html
    assert "PAR Index 2019: Province, under correction since" in html
    assert REASON in html
    assert "No published edition has been corrected." in html


def test_the_home_page_and_the_sitemap_link_the_corrections_page(client, published):
    assert '<a href="/en/corrections/">Corrections of published results</a>' in (
        client.get("/en/").text
    )
    sitemap = client.get("/sitemap.xml").text
    assert "http://testserver/vi/corrections/" in sitemap
    assert "http://testserver/en/corrections/" in sitemap


def test_the_feed_entry_of_the_reopening_links_the_corrections_page(client, correction):
    feed = ET.fromstring(client.get("/en/feed/").content)
    links = {
        entry.findtext(f"{ATOM}title"): entry.find(f"{ATOM}link").get("href")
        for entry in feed.iter(f"{ATOM}entry")
    }

    assert links["PAR Index 2019: Province reopened for correction"] == (
        "http://testserver/en/corrections/"
    )
