"""The embeddable address of a chart a page shows (public:embed), absolute so that its
`<iframe>` snippet works when pasted into another site."""

from urllib.parse import urlsplit

from django import template
from django.urls import reverse

register = template.Library()


def embed_path(chart_src: str) -> str:
    """The embed page of a chart image address: /vi/charts/unit/x/history.svg?q ->
    /vi/embed/unit/x/history/?q (the same parts, so every chart has one)."""
    parts = urlsplit(chart_src)
    charts = reverse("public:home") + "charts/"
    if not parts.path.startswith(charts) or not parts.path.endswith(".svg"):
        raise ValueError(f"not a chart address: {chart_src}")
    chart = parts.path.removeprefix(charts).removesuffix(".svg")
    return reverse("public:embed", args=[chart]) + (f"?{parts.query}" if parts.query else "")


@register.simple_tag(takes_context=True)
def embed_address(context, chart: dict) -> str:
    """The absolute embed address of a chart made by the `charts` tags ({"src": ...})."""
    path = embed_path(chart["src"])
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path
