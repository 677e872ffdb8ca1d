"""Share cards: 1200 × 630 PNGs drawn by matplotlib for link previews, one per page kind, in
each language, cached until the next publish."""

import struct
import unicodedata
import warnings
from decimal import Decimal

import pytest
from django.core.cache import cache

from public import share
from public.views import share as share_views
from scoring.models import Edition, Participant
from scoring.publish import publish_edition
from tests.conftest import imported


def size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk, which follows the 8-byte signature."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def published(scored_provinces) -> Edition:
    return publish_edition(scored_provinces)


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """The cards drawn, by kind: a cache hit draws nothing."""
    calls = []
    for kind in ("site_card", "ranking_card", "unit_card"):
        original = getattr(share, kind)

        def counted(*args, _original=original, _kind=kind, **kwargs):
            calls.append(_kind)
            return _original(*args, **kwargs)

        monkeypatch.setattr(share, kind, counted)
    return calls


def hanoi() -> str:
    return Participant.objects.get(unit__code="01").unit.slug


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_card_is_a_png_of_1200_by_630(client, published, language):
    for path in ("share/site.png", "share/ranking/2019/province.png", f"share/unit/{hanoi()}.png"):
        response = client.get(f"/{language}/{path}")

        assert response.status_code == 200, path
        assert response["Content-Type"] == "image/png"
        assert "max-age=3600" in response["Cache-Control"]
        assert size(response.content) == (1200, 630)


def test_an_unpublished_edition_has_no_card(client, scored_provinces):
    assert client.get("/en/share/ranking/2019/province.png").status_code == 404
    assert client.get("/en/share/ranking/2019/nation.png").status_code == 404
    assert client.get("/en/share/unit/no-such-unit.png").status_code == 404


def test_a_card_is_drawn_once_per_data_version_and_language(client, published, drawn):
    path = "/en/share/ranking/2019/province.png"
    first = client.get(path).content
    assert client.get(path).content == first
    assert drawn == ["ranking_card"]

    client.get("/vi/share/ranking/2019/province.png")
    assert drawn == ["ranking_card", "ranking_card"]

    # A correction republishes the edition: a new data version, a new card.
    Edition.objects.filter(pk=published.pk).update(status=Edition.Status.REVIEW)
    imported(
        "scores",
        "year,level,unit,criterion,self_points,appraised_points,appraisal_reason\n"
        "2019,province,01,1.1,8,5.5,Thiếu tài liệu\n",
    )
    before = share_views.cache_key(path)
    publish_edition(published)

    assert share_views.cache_key(path) != before
    assert client.get(path).content != first
    assert drawn == ["ranking_card", "ranking_card", "ranking_card"]


def test_the_unit_card_shows_the_latest_index_and_rank(client, published, drawn, monkeypatch):
    shown = {}
    monkeypatch.setattr(
        share, "unit_card", lambda *args, **kwargs: shown.update(args=args, **kwargs) or b"png"
    )

    client.get(f"/en/share/unit/{hanoi()}.png")

    assert shown == {
        "args": ("Ha Noi", "PAR Index 2019: Province", Decimal("90.00"), "Rank 1 of 3"),
        "demo": False,
    }


def test_the_ranking_card_lists_the_first_units_by_rank(client, published, monkeypatch):
    shown = {}
    monkeypatch.setattr(
        share, "ranking_card", lambda *args, **kwargs: shown.update(args=args, **kwargs) or b"png"
    )

    client.get("/vi/share/ranking/2019/province.png")

    title, lines = shown["args"]
    assert "2019: Tỉnh" in title
    assert [(line.rank, line.name, line.index) for line in lines] == [
        (1, "Hà Nội", Decimal("90.00")),
        (2, "Lào Cai", Decimal("75.00")),  # equal ranks in the ranking's order: by code
        (2, "Hải Phòng", Decimal("75.00")),
    ]


def test_vietnamese_names_are_drawn_with_every_glyph_and_decomposed_ones_alike():
    name = "Thừa Thiên Huế"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        composed = share.unit_card(
            name, "Chỉ số CCHC 2024: Tỉnh", Decimal("84.43"), "Hạng 3/63", demo=True
        )

    assert [str(w.message) for w in caught if "missing" in str(w.message)] == []
    decomposed = share.unit_card(
        unicodedata.normalize("NFD", name),
        "Chỉ số CCHC 2024: Tỉnh",
        Decimal("84.43"),
        "Hạng 3/63",
        demo=True,
    )
    # A name stored decomposed (NFD) is drawn with the same pixels, not loose combining marks.
    assert decomposed == composed
    assert size(composed) == (1200, 630)
