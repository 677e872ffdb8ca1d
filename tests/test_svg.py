"""matplotlib's SVG said without CSS (charts/svg.py): each style attribute becomes presentation
attributes, the <style> block's rule goes on the root <svg>, everything else stays as it was."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from charts import drawing, results
from charts.svg import as_presentation_attributes

SVG = "{http://www.w3.org/2000/svg}"

# What matplotlib writes, cut down: its default style block, a clipped path with a dash pattern,
# text in a list of quoted fonts, and a marker's <use>.
DRAWN = """\
<?xml version="1.0" encoding="utf-8" standalone="no"?>
<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="10pt" height="10pt" \
xmlns="http://www.w3.org/2000/svg" version="1.1">
 <defs>
  <style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>
 </defs>
 <g id="figure_1">
  <path d="M 0 0 L 1 1" clip-path="url(#p1a2b)" style="fill: none; stroke-dasharray: 4.44,1.92; \
stroke-dashoffset: 0; stroke: #b71c1c; stroke-width: 1.2"/>
  <text style="font-size: 10px; font-family: 'DejaVu Sans', 'Noto Sans', sans-serif; \
text-anchor: middle" x="1" y="2">Hà Nội</text>
  <use xlink:href="#m1" x="3" y="4" style="stroke: #000000; stroke-width: 0.8"/>
 </g>
</svg>
"""

SAID = """\
<?xml version="1.0" encoding="utf-8" standalone="no"?>
<svg stroke-linejoin="round" stroke-linecap="butt" xmlns:xlink="http://www.w3.org/1999/xlink" \
width="10pt" height="10pt" xmlns="http://www.w3.org/2000/svg" version="1.1">
 <g id="figure_1">
  <path d="M 0 0 L 1 1" clip-path="url(#p1a2b)" fill="none" stroke-dasharray="4.44,1.92" \
stroke-dashoffset="0" stroke="#b71c1c" stroke-width="1.2"/>
  <text font-size="10px" font-family="'DejaVu Sans', 'Noto Sans', sans-serif" \
text-anchor="middle" x="1" y="2">Hà Nội</text>
  <use xlink:href="#m1" x="3" y="4" stroke="#000000" stroke-width="0.8"/>
 </g>
</svg>
"""


def test_each_style_becomes_attributes_and_the_style_block_the_roots_attributes():
    assert as_presentation_attributes(DRAWN) == SAID


def test_spaces_around_names_values_and_semicolons_do_not_matter():
    said = as_presentation_attributes('<svg><path style=" fill :#fff ;stroke: #000 ;"/></svg>')

    assert said == '<svg><path fill="#fff" stroke="#000"/></svg>'


def test_a_font_name_with_quotes_of_both_kinds_and_a_semicolon_stays_one_value():
    # matplotlib writes a style holding both quotes with &quot; and &apos;, as here.
    drawn = (
        '<svg><text style="font-family: &quot;O&apos;Neil; Sans&quot;, '
        '&apos;DejaVu Sans&apos;; font-size: 8px">x</text></svg>'
    )

    text = ET.fromstring(as_presentation_attributes(drawn)).find("text")

    assert text.get("font-family") == "\"O'Neil; Sans\", 'DejaVu Sans'"
    assert text.get("font-size") == "8px"
    assert text.get("style") is None


def test_a_style_in_a_text_or_an_attribute_value_is_only_text():
    drawn = (
        '<svg><title id="t">a style="fill: red" b</title>'
        '<text data-note="x style=&quot;q&quot;">c style="d"</text>'
        "<a xlink:title='e style=\"f\"'/></svg>"
    )

    assert as_presentation_attributes(drawn) == drawn


@pytest.mark.parametrize(
    "drawn, refusal",
    [
        # Older matplotlib wrote the shorthand; it has no attribute of its own.
        ('<svg><text style="font: 10px sans-serif">x</text></svg>', "font is not"),
        ('<svg><path style="cursor: pointer"/></svg>', "cursor is not"),
        ('<svg><path fill="red" style="fill: blue"/></svg>', "fill is both"),
        ('<svg><path style="fill: red; garbled"/></svg>', "cannot read the style"),
        ('<svg><style type="text/css">path{fill: red}</style></svg>', "a style element"),
    ],
)
def test_what_has_no_attribute_of_the_same_meaning_is_refused_not_dropped(drawn, refusal):
    with pytest.raises(ValueError, match=refusal):
        as_presentation_attributes(drawn)


def _properties(svg: str) -> list[tuple[str, dict[str, str]]]:
    """Each element's tag and what it says, its style read as properties; the style block and
    its <defs> left out, its rule counted as the root's."""
    elements = []
    for element in ET.fromstring(svg).iter():
        attributes = dict(element.attrib)
        for declaration in filter(str.strip, attributes.pop("style", "").split(";")):
            name, value = declaration.split(":", 1)
            attributes[name.strip()] = value.strip()
        if element.tag == f"{SVG}style" or (element.tag == f"{SVG}defs" and len(element) == 1
                                           and element[0].tag == f"{SVG}style"):  # fmt: skip
            continue
        elements.append((element.tag, attributes))
    return elements


def test_a_chart_says_the_same_of_each_element_as_matplotlib_drew_it(monkeypatch):
    bars = [results.Bar(f"Tỉnh {i}", Decimal(50) + Decimal(i) / 2) for i in range(63)]
    said = results.ranking_chart("Chỉ số", bars, Decimal("80.12")).svg
    monkeypatch.setattr(drawing, "as_presentation_attributes", lambda svg: svg)
    drawn = results.ranking_chart("Chỉ số", bars, Decimal("80.12")).svg

    (root, *drawn_elements), (said_root, *said_elements) = _properties(drawn), _properties(said)
    assert said_elements == drawn_elements
    assert said_root[1] == {**root[1], "stroke-linejoin": "round", "stroke-linecap": "butt"}
    assert len(said_elements) == 385
    assert drawn.count(' style="') == 210 and "style" not in said
