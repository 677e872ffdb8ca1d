"""Every name a chart or a share card draws is drawn as written: a "$" is a dollar sign, never
the start of matplotlib's mathtext (which drew "thu $5, chi $10" as italic math and answered a
500 for an unknown command such as $\\undefinedcmd{x}$).

Fixture (tests/conftest.py, published here): Hà Nội (01) first, Hải Phòng (31) and Lào Cai."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from charts.sipas import Dot, dots_chart
from provinces.models import Unit
from public import share
from scoring.models import Criterion, Participant

SVG = "{http://www.w3.org/2000/svg}"
UNKNOWN_COMMAND = "$\\undefinedcmd{x}$"
DOLLARS = "thu $5, chi $10"


def slug(code: str) -> str:
    return Participant.objects.get(unit__code=code).unit.slug


def texts(response) -> list[str]:
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [text.text for text in root.iter(f"{SVG}text") if text.text]


@pytest.fixture
def dollar_names(published):
    Unit.objects.filter(code="01", level="province").update(
        name_en=UNKNOWN_COMMAND, name_vi=UNKNOWN_COMMAND
    )
    Unit.objects.filter(code="31", level="province").update(name_en=DOLLARS, name_vi=DOLLARS)
    Criterion.objects.filter(code="1").update(name_en=DOLLARS)
    Criterion.objects.filter(code="2").update(name_en=UNKNOWN_COMMAND)
    return published


def test_the_ranking_chart_draws_dollar_signs_as_text(client, dollar_names):
    drawn = texts(client.get("/en/charts/ranking/2019/province.svg"))

    assert UNKNOWN_COMMAND in drawn
    assert DOLLARS in drawn


def test_the_fields_chart_draws_dollar_signs_in_criterion_names_as_text(client, dollar_names):
    drawn = texts(client.get(f"/en/charts/unit/{slug('31')}/fields/2019/province.svg"))

    assert DOLLARS in drawn  # the unit's name in the legend
    assert any(text.endswith(UNKNOWN_COMMAND) for text in drawn)  # the field's, after its code


def test_the_embed_of_a_chart_with_dollar_names_answers(client, dollar_names):
    response = client.get("/en/embed/ranking/2019/province/")

    assert response.status_code == 200
    assert DOLLARS in response.text


@pytest.mark.parametrize("code", ["01", "31"])
def test_a_share_card_of_a_dollar_name_is_a_png(client, dollar_names, code):
    unit = client.get(f"/en/share/unit/{slug(code)}.png")
    ranking = client.get("/en/share/ranking/2019/province.png")

    assert unit.status_code == 200
    assert unit.content.startswith(b"\x89PNG")
    assert ranking.status_code == 200


def test_a_share_card_is_drawn_from_a_dollar_name_directly():
    card = share.unit_card(UNKNOWN_COMMAND, DOLLARS, Decimal("84.43"), "Rank 3 of 63", demo=False)

    assert card.startswith(b"\x89PNG")


def test_a_sipas_chart_draws_dollar_signs_as_text():
    chart = dots_chart(
        DOLLARS,
        "",
        [Dot(UNKNOWN_COMMAND, Decimal("70"), None, None), Dot(DOLLARS, Decimal("60"), None, None)],
    )

    drawn = [t.text for t in ET.fromstring(chart.svg).iter(f"{SVG}text") if t.text]
    assert UNKNOWN_COMMAND in drawn
    assert DOLLARS in drawn
