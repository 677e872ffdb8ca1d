"""The public record's pages: every figure with its numbered source note, "not published" where
nothing was published, ties and disagreements between sources said, the units' histories, the
home page's real story and the SIPAS headline figures.

The expected figures are read from the record's files (fixtures/public_record/), not copied here.
"""

import csv
import html
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from scoring.models import Result

RECORD = Path(settings.BASE_DIR) / "fixtures" / "public_record"


@pytest.fixture(scope="module")
def record(django_db_setup, django_db_blocker):
    """The record loaded once for the module (it publishes 25 editions), in a transaction rolled
    back after the module's tests, each of which runs in a savepoint of it (as Django's
    TestCase.setUpTestData)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_public_record", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(record, db):
    return record


def par_files() -> list[Path]:
    return sorted(RECORD.glob("par_*_*.csv"))


def rows_of(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def table(html_text: str, css_class: str = "ranking") -> list[dict]:
    """The rows of a table as {"cells": [text...], "html": row html}, header cells included."""
    body = html_text.split(f'<table class="{css_class}">')[1].split("</table>")[0]
    body = body.split("<tbody>")[1]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append({"cells": [text_of(cell) for cell in cells], "html": row})
    return rows


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def note(html_text: str, row_html: str, prefix: str = "source") -> str:
    """The note a row's source link points to, as HTML."""
    number = re.search(rf'href="#{prefix}-(\d+)"', row_html).group(1)
    return re.search(rf'<li id="{prefix}-{number}"[^>]*>(.*?)</li>', html_text, re.S).group(1)


def sources_of(text: str) -> list[str]:
    return [part.strip() for part in text.split(" ; ")]


def slug_in(year: int, level: str, code: str) -> str:
    result = Result.objects.select_related("participant__unit").get(
        edition__year=year, edition__level=level, participant__unit__code=code
    )
    return result.participant.unit.slug


def test_each_ranking_page_shows_every_figure_of_the_record_with_its_linked_sources(client, loaded):
    checked = 0
    total = sum(len(rows_of(path)) for path in par_files())
    for path in par_files():
        record_rows = rows_of(path)
        year, level = int(record_rows[0]["year"]), record_rows[0]["level"]
        page = client.get(f"/en/rankings/{year}/{level}/").text
        shown = {
            re.search(r'href="/en/units/([^/]+)/"', row["html"]).group(1): row
            for row in table(page)
        }
        assert len(shown) == len(record_rows), (year, level)
        for expected in record_rows:
            row = shown[slug_in(year, level, expected["unit_code"])]
            rank, index = row["cells"][0], row["cells"][3]
            if expected["rank"]:
                assert rank.split(" ")[0].rstrip("=") == expected["rank"], (year, expected)
            else:
                assert rank == "not published"
            if expected["par_index_pct"]:
                assert index == f"{Decimal(expected['par_index_pct']):.2f}", (year, expected)
            else:
                assert index == "not published"
            cited = note(page, row["html"])
            for part in sources_of(expected["source"]):
                if part.startswith("http"):
                    assert f'<a href="{html.escape(part)}"' in cited, (year, part)
                else:
                    assert html.escape(part) in cited
            checked += 1
    assert checked == total > 230


def test_a_partial_ranking_says_how_many_units_are_public_and_where_they_come_from(client, loaded):
    page = client.get("/en/rankings/2019/province/").text

    assert "Only 13 of 63 units' results are public for this edition." in page
    assert "these are the figures printed on news and government pages" in page
    assert [row["cells"][0] for row in table(page)] == [
        "1", "2", "3", "4", "5", "7", "11", "15", "17", "27", "44", "48", "63",
    ]  # fmt: skip


def test_a_figure_that_was_not_published_reads_not_published(client, loaded):
    page = client.get("/en/rankings/2023/province/").text
    thai_nguyen = next(row for row in table(page) if "Thai Nguyen" in row["cells"][1])

    # 2023: Thái Nguyên's rank (6) was printed, its index was not.
    assert thai_nguyen["cells"][:5] == ["6", "Thai Nguyen", "Northern Mountains",
                                        "not published", "not published"]  # fmt: skip

    page = client.get("/en/rankings/2012/province/").text
    ha_noi = next(row for row in table(page) if "Ha Noi" in row["cells"][1])

    # 2012: Hà Nội's index (82.79) was printed, its rank was not.
    assert ha_noi["cells"][0] == "not published"
    assert ha_noi["cells"][3] == "82.79"


def test_units_tied_as_published_are_shown_tied(client, loaded):
    page = client.get("/en/rankings/2023/province/").text

    sevens = [row["cells"][:2] for row in table(page) if row["cells"][0].startswith("7")]

    assert sevens == [["7 = (tied)", "Lao Cai"], ["7 = (tied)", "Long An"]]


def test_where_sources_disagree_the_note_says_so(client, loaded):
    page = client.get("/en/rankings/2023/province/").text
    rows = {row["cells"][1]: row for row in table(page)}

    assert text_of(note(page, rows["Ca Mau"]["html"])).endswith(
        "Sources disagree: rank 34 is the one most pages give; one page gives 32."
    )
    assert text_of(note(page, rows["Long An"]["html"])).endswith(
        "Sources disagree: rank 7 is the one its page gives; another page gives 8 and puts "
        "Lao Cai at 7."
    )
    assert text_of(note(page, rows["Hoa Binh"]["html"])).endswith(
        "one page prints 86.89, with field indices adding up to 87.89."
    )
    assert "Sources disagree" not in text_of(note(page, rows["Quang Ninh"]["html"]))


def test_a_disagreement_prints_the_other_figure_as_the_readers_language_writes_it(client, loaded):
    notes = {}
    for language in ("en", "vi"):
        page = client.get(f"/{language}/units/quang-ninh/?year=2018").text
        history = {row["cells"][0]: row for row in table(page, "unit-history")}
        notes[language] = text_of(note(page, history["2018"]["html"]))

    assert notes["en"].endswith(
        "Sources disagree: the index 89.06 is the one most pages print; one page prints 89.6."
    )
    assert "89,06" in notes["vi"]
    assert "89,6" in notes["vi"]
    assert "89.6" not in notes["vi"]


def test_the_published_averages_and_field_figures_have_their_notes(client, loaded):
    page = client.get("/en/rankings/2023/province/").text

    averages = table(page, "published-averages")

    assert [row["cells"][:2] for row in averages][:2] == [
        ["National average", "86.98"],
        ["Northern Midlands and Mountains", "87.72"],
    ]
    assert (
        '<a href="https://baomoi.com/ha-noi-xep-thu-ba-ca-nuoc-ve-chi-so-cchc-c48873038.epi"'
        in (note(page, averages[0]["html"]))
    )
    fields = table(page, "published-fields")
    assert len(fields) == 7
    assert fields[0]["cells"][:3] == [
        "Hoa Binh",
        "Công tác chỉ đạo, điều hành CCHC (leads nation)",
        "100.00",
    ]


def test_quang_ninh_shows_90_09_for_2019_in_each_language_with_every_year_and_its_source(
    client, loaded
):
    vi = client.get("/vi/units/quang-ninh/").text
    en = client.get("/en/units/quang-ninh/").text

    vi_history = {row["cells"][0]: row for row in table(vi, "unit-history")}
    en_history = {row["cells"][0]: row for row in table(en, "unit-history")}
    expected = {
        row["year"]: row
        for path in par_files()
        for row in rows_of(path)
        if row["level"] == "province" and row["unit_code"] == "22"
    }

    assert sorted(en_history) == sorted(expected)
    assert vi_history["2019"]["cells"][1:3] == ["90,09", "1"]
    assert en_history["2019"]["cells"][1:3] == ["90.09", "1"]
    assert en_history["2016"]["cells"][1:3] == ["not published", "6"]
    for year, row in expected.items():
        cited = note(en, en_history[year]["html"])
        for part in sources_of(row["source"]):
            assert f'<a href="{html.escape(part)}"' in cited


def test_a_source_without_an_address_is_given_as_its_text(client, loaded):
    page = client.get("/en/units/dien-bien/?year=2019").text
    history = {row["cells"][0]: row for row in table(page, "unit-history")}

    cited = note(page, history["2019"]["html"])

    assert "<a " not in cited
    assert "Điện Biên Department of Labour, Invalids and Social Affairs portal" in cited


def test_the_home_page_leads_with_the_latest_leaders_the_averages_and_each_years_first(
    client, loaded
):
    page = client.get("/en/").text

    hai_phong = slug_in(2024, "province", "31")
    assert f'1. <a href="/en/units/{hai_phong}/">Hai Phong</a> — 96.17' in page
    assert 'Ba Ria - Vung Tau</a> — <span class="not-published">index not published' in page
    averages = {row["cells"][0]: row["cells"][1:] for row in table(page, "story-averages")}
    assert [cell.split(" Source")[0] for cell in averages["2019"]] == ["81.15", "85.63"]
    assert averages["2020"][0] == "not published"
    assert "/en/charts/averages.svg" in page
    firsts = {row["cells"][0]: row["cells"][1:] for row in table(page, "story-firsts")}
    assert [cell.split(" Source")[0] for cell in firsts["2019"]] == [
        "Quang Ninh (90.09)",
        "State Bank of Vietnam (95.40)",
    ]
    assert firsts["2024"][1] == "not published"
    sipas = {row["cells"][0]: row["cells"][1] for row in table(page, "sipas-trend")}
    assert sipas["2024"].split(" Source")[0] == "83.94"
    assert "2021" not in sipas


def test_the_average_chart_draws_each_published_national_average(client, loaded):
    svg = client.get("/en/charts/averages.svg").content.decode()

    assert svg.count(">81.15<") == 1
    assert "Provinces: from 77.56 in 2013 to 88.37 in 2024" in svg


def test_the_sipas_pages_show_the_headline_figures_of_years_without_respondents(client, loaded):
    latest = client.get("/en/sipas/").text
    year_2021 = client.get("/en/sipas/2021/").text

    assert "SIPAS 2024" in latest
    assert re.search(r"83.94 <a href=\"#source-1\"", latest)
    assert (
        '<li id="source-1" value="1"><a href="https://vietnam.vnanet.vn/english/tin-van/'
        'over-90-of-citizens-report-no-difficulties-from-civil-servants-392158.html"'
    ) in latest
    provinces = table(year_2021, "sipas-ranking")
    assert [row["cells"][:3] for row in provinces[:2]] == [
        ["1", "Quang Ninh", "94.07"],
        ["2", "Hai Phong", "not published"],
    ]
    assert client.get("/en/sipas/2021/provinces/").status_code == 302


def test_a_province_profile_shows_its_published_sipas_figures_with_their_sources(client, loaded):
    page = client.get("/en/units/quang-ninh/").text

    published = table(page, "unit-sipas-published")
    years = {row["cells"][0]: row for row in published}

    assert years["2021"]["cells"][1:3] == ["94.07", "1"]
    assert '<a href="https://hatinh.gov.vn/index.php/tuyen-truyen/tin-bai/12624/rss-feed"' in (
        note(page, years["2021"]["html"], prefix="sipas-source")
    )


def test_the_unit_tied_because_of_anothers_rank_says_why(client, loaded):
    page = client.get("/en/rankings/2023/province/").text
    lao_cai = next(row for row in table(page) if row["cells"][1] == "Lao Cai")

    assert text_of(note(page, lao_cai["html"])).endswith(
        "Shown tied at rank 7 with Long An, as published: the pages disagree on which of the two "
        "is at rank 7."
    )


def test_a_profile_names_the_sites_of_the_shown_years_figures(client, loaded):
    page = client.get("/en/units/quang-ninh/?year=2019").text

    summary = page.split('<p class="unit-source">')[1].split("</p>")[0]

    assert (
        '<a href="http://news.gov.vn/Utilities/PrintView.aspx?ID=40168" rel="nofollow noopener">'
        "news.gov.vn</a>"
    ) in summary
