"""The head of every page: canonical and alternate addresses, and text captured once from a
block (the title, the description) to be written in several tags (title, og:title, twitter)."""

import html
import re

from django import template
from django.utils.html import strip_tags

from public import seo

register = template.Library()

OG_LOCALES = {"vi": "vi_VN", "en": "en_US"}


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    request = context.get("request")
    return request.build_absolute_uri(seo.canonical_path(request)) if request else ""


@register.simple_tag(takes_context=True)
def alternate_urls(context) -> list[dict]:
    """Empty when a page is rendered outside a request (a file made by a command)."""
    request = context.get("request")
    if request is None:
        return []
    return [
        {"code": code, "url": request.build_absolute_uri(path)}
        for code, path in seo.alternates(seo.canonical_path(request))
    ]


@register.simple_tag
def og_locale(code: str) -> str:
    return OG_LOCALES.get(code, code)


@register.simple_tag
def og_locale_alternates(code: str) -> list[str]:
    return [locale for language, locale in OG_LOCALES.items() if language != code]


class CaptureNode(template.Node):
    def __init__(self, nodelist, name: str):
        self.nodelist, self.name = nodelist, name

    def render(self, context) -> str:
        # Plain text, whitespace collapsed: written into attributes and <title>, where the
        # template engine escapes it once more.
        text = html.unescape(strip_tags(self.nodelist.render(context)))
        context[self.name] = re.sub(r"\s+", " ", text).strip()
        return ""


@register.tag
def capture(parser, token):
    """{% capture as name %}…{% endcapture %}: the rendered text (a block may be inside, which
    child templates override as usual) stored as plain text in `name`."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
