"""The Atom feed of publications and corrections: one entry per publish or reopen of each edition
that is published now, in each language, linked from the home page."""

import xml.etree.ElementTree as ET

import pytest

from scoring.models import Edition, EditionEvent
from scoring.publish import publish_edition
from tests.conftest import imported

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def entries(response) -> list[dict]:
    """Each entry's title, link, id and summary, newest first as the feed lists them."""
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # well-formed XML, or this raises
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "summary": entry.findtext(f"{ATOM}summary"),
        }
        for entry in feed.iter(f"{ATOM}entry")
    ]


def reopen(edition: Edition, reason: str) -> None:
    """A correction as the admin makes it: reopened with a written reason, points changed."""
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.REVIEW)
    EditionEvent.objects.create(edition=edition, action=EditionEvent.Action.REOPEN, reason=reason)
    imported(
        "scores",
        "year,level,unit,criterion,self_points,appraised_points,appraisal_reason\n"
        "2019,province,01,1.1,8,5.5,Thiếu tài liệu\n",
    )


@pytest.fixture
def published(scored_provinces) -> Edition:
    return publish_edition(scored_provinces)


def test_the_feed_has_one_entry_for_the_publication_with_a_link_to_the_ranking(
    client, published, ministry_edition, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get("/en/feed/")

    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.get(XML_LANG) == "en"
    assert feed.findtext(f"{ATOM}title") == "PAR Index: publications and corrections"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/en/feed/"
    event = EditionEvent.objects.get()
    # The draft ministry edition has no entry.
    assert entries(response) == [
        {
            "title": "PAR Index 2019: Province published",
            "link": "http://testserver/en/rankings/2019/province/",
            "id": f"urn:parindex:edition-event:{event.pk}",
            "summary": "The results and the ranking of this edition are published.",
        }
    ]
    published_at = feed.find(f"{ATOM}entry").findtext(f"{ATOM}published")
    assert published_at == event.at.isoformat()


def test_the_vietnamese_feed_links_the_vietnamese_ranking(client, published):
    response = client.get("/vi/feed/")

    assert ET.fromstring(response.content).get(XML_LANG) == "vi"
    assert [entry["link"] for entry in entries(response)] == [
        "http://testserver/vi/rankings/2019/province/"
    ]
    # The level in Vietnamese (the sentence around it is translated with the other new strings).
    assert "2019: Tỉnh" in entries(response)[0]["title"]


def test_a_correction_adds_its_reopening_with_the_reason_and_the_new_publication(client, published):
    reopen(published, "Hà Nội: điểm 1.1 nhập sai")

    # While reopened the edition is not public, and neither are its events.
    assert entries(client.get("/en/feed/")) == []

    publish_edition(published)

    assert [(entry["title"], entry["summary"]) for entry in entries(client.get("/en/feed/"))] == [
        (
            "PAR Index 2019: Province published",
            "The results and the ranking of this edition are published.",
        ),
        ("PAR Index 2019: Province reopened for correction", "Reason: Hà Nội: điểm 1.1 nhập sai"),
        (
            "PAR Index 2019: Province published",
            "The results and the ranking of this edition are published.",
        ),
    ]


def test_a_reason_that_looks_like_markup_is_shown_as_written(client, published):
    reopen(published, "<b>sai</b> & sửa")
    publish_edition(published)

    summaries = [entry["summary"] for entry in entries(client.get("/en/feed/"))]

    # The summary is of type html: escaped once for HTML, so a reader shows the characters.
    assert summaries[1] == "Reason: &lt;b&gt;sai&lt;/b&gt; &amp; sửa"


def test_a_demo_edition_is_labelled_in_its_entries(client, scored_provinces):
    Edition.objects.filter(pk=scored_provinces.pk).update(is_demo=True)
    publish_edition(scored_provinces)

    assert entries(client.get("/en/feed/"))[0]["summary"] == (
        "Illustrative demo data, not official results. "
        "The results and the ranking of this edition are published."
    )


def test_the_home_page_links_the_feed_in_its_head_and_in_its_text(client, db):
    html = client.get("/en/").text

    assert (
        '<link rel="alternate" type="application/atom+xml" href="http://testserver/en/feed/" '
        'title="PAR Index: publications and corrections">'
    ) in html
    assert (
        '<a href="/en/feed/" type="application/atom+xml">'
        "Follow publications and corrections (Atom feed)</a>"
    ) in html
