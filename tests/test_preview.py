"""The review preview: admins see the results publishing would give, privately (never cached,
never stored, not indexed), and publishing then gives exactly those numbers."""

import re

import pytest
from django.core.cache import cache

from provinces.models import Unit
from scoring.models import DataVersion, Edition, Result
from scoring.publish import publish_edition
from tests.staff_fixtures import staff_client, staff_user, verified_client


@pytest.fixture
def in_review(scored_provinces) -> Edition:
    Edition.objects.filter(pk=scored_provinces.pk).update(status=Edition.Status.REVIEW)
    return Edition.objects.get(pk=scored_provinces.pk)


def preview(edition: Edition, unit: str = "") -> str:
    return f"/en/staff/editions/{edition.pk}/preview/{unit + '/' if unit else ''}"


def table_rows(html: str) -> list[tuple[str, ...]]:
    """The ranking table's rows as (rank, unit, index, group, field 1, field 2)."""
    body = html.split('<table class="ranking">')[1].split("</tbody>")[0].split("<tbody>")[1]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rank = cells[0].split(" ")[0].rstrip("=").strip()
        rows.append((rank, cells[1], cells[3], cells[4], cells[5], cells[6]))
    return rows


def test_the_preview_shows_the_ranking_publishing_gives_exactly(client, in_review):
    admin = staff_client(client, "admin")

    response = admin.get(preview(in_review))

    assert response.status_code == 200
    shown = table_rows(response.text)
    assert shown == [
        ("1", "Ha Noi", "90.00", "A", "87.50", "93.75"),
        ("2", "Lao Cai", "75.00", "C", "75.00", "75.00"),
        ("2", "Hai Phong", "75.00", "C", "75.00", "75.00"),
    ]
    assert "National average: <strong>80.00</strong>" in response.text

    publish_edition(in_review)

    published = [
        (
            str(r.rank),
            r.participant.unit.name_en,
            str(r.index),
            r.group,
            *(str(f.index) for f in r.fields.order_by("field_code")),
        )
        for r in Result.objects.filter(edition=in_review)
        .select_related("participant__unit")
        .order_by("rank", "participant__unit__code")
    ]
    assert shown == published


def test_the_unit_preview_shows_the_profile_figures_and_the_deductions(client, in_review):
    admin = staff_client(client, "admin")

    html = admin.get(preview(in_review, "01")).text

    assert "<dt>Index</dt><dd>90.00</dd>" in html
    assert "<dt>Rank</dt><dd>1 of 3</dd>" in html
    assert "<dt>Regional average</dt><dd>82.50</dd>" in html
    assert "Thiếu tài liệu kiểm chứng" in html
    assert "PREVIEW" in html


def test_the_unit_preview_leads_back_to_the_preview_of_the_ranking_not_the_public_one(
    client, in_review
):
    admin = staff_client(client, "admin")

    html = admin.get(preview(in_review, "01")).text

    assert f'<a href="{preview(in_review)}">Full ranking 2019: Province</a>' in html
    assert 'href="/en/rankings/2019/province/"' not in html


def test_the_preview_writes_nothing_and_caches_nothing(client, in_review):
    admin = staff_client(client, "admin")
    version = DataVersion.current()
    cache.clear()

    response = admin.get(preview(in_review))
    admin.get(preview(in_review, "01"))

    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert "PREVIEW" in response.text
    assert not Result.objects.exists()
    assert DataVersion.current() == version
    assert Edition.objects.get(pk=in_review.pk).status == "review"
    # Nothing of the preview in the shared cache (the session lives in the database): only the
    # data version and the site frame's latest published year, which any page reads.
    allowed = ("data-version:fresh", "data-version:last", "nav:latest-province-year:")
    stored = [key.split(":", 2)[2] for key in cache._cache]  # locmem's store: ":1:<key>"
    assert [key for key in stored if not key.startswith(allowed)] == []
    assert client.get("/en/rankings/2019/province/").status_code == 404


def test_the_preview_lists_what_is_missing(client, half_scored_provinces):
    admin = staff_client(client, "admin")

    response = admin.get(preview(half_scored_provinces))

    assert response.status_code == 409
    assert "Hà Nội (01): 3 sub-criteria without final points" in response.text


@pytest.mark.parametrize("role", ["appraiser", "unit_officer"])
def test_no_one_but_an_admin_sees_the_preview(client, in_review, role):
    unit = Unit.objects.get(slug="ha-noi") if role == "unit_officer" else None
    other = verified_client(client, staff_user(role, unit=unit))

    assert other.get(preview(in_review)).status_code == 403
    assert other.get(preview(in_review, "01")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, in_review):
    response = client.get(preview(in_review))

    assert response.status_code == 302
    assert "90.00" not in response.text
