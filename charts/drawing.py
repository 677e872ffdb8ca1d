"""The drawing every chart of the site shares: matplotlib's object API with the site's settings
and colours, and the SVG the site serves (no CSS, an accessible name and description).

Plain numbers in, a `Chart` out: its title, a short generated summary (the accessible
description and the `alt` text of pages) and the SVG. Text stays text (`svg.fonttype = "none"`)
in DejaVu Sans, which matplotlib ships and which has every Vietnamese glyph, with common
fallbacks for the reader's browser. Never pyplot: `Figure()` with the SVG canvas touches no GUI
backend and keeps no global figure state between requests.

matplotlib is imported on first use (about a second), so that importing this module, the URL
configuration or the test suite does not pay for it.
"""

import io
import os
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from charts.svg import as_presentation_attributes

BAR = "#0b4f8a"  # the site's link blue: 8.6:1 on white
REGION = "#6baed6"
NATIONAL = "#b71c1c"  # the site's red, for the national average line
DOT = "#1a1a1a"
RC = {
    "svg.fonttype": "none",
    # Names and labels drawn as written: a "$" in a unit's name is text, never mathtext.
    "text.parse_math": False,
    # Stable element ids, so that the same data gives the same bytes (and cache entries).
    "svg.hashsalt": "parindex",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Noto Sans", "Arial", "sans-serif"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True)
class Chart:
    title: str
    summary: str
    svg: str


def number(value) -> str:
    """A value as the active language writes it: 84,43 in Vietnamese, 84.43 in English."""
    return number_format(value, 2)


class matplotlib_settings:
    """matplotlib imported on first use, its settings applied only while a chart is drawn."""

    def __enter__(self):
        os.environ.setdefault("MPLBACKEND", "svg")  # never a GUI backend, even if asked
        import matplotlib

        self._context = matplotlib.rc_context(RC)
        return self._context.__enter__()

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)


def figure(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def average_line(ax, average: Decimal | None, *, vertical: bool) -> None:
    if average is None:
        return
    label = _("National average %(value)s") % {"value": number(average)}
    ax.axvline(float(average), color=NATIONAL, linestyle="--", linewidth=1.2, label=label)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)


def localized_ticks(axis) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _pos: number_format(round(value), 0)))


def wrap(label: str, width: int = 28) -> str:
    """Long field and region names on two or three lines instead of a wide margin."""
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def chart(fig, title: str, summary: str) -> Chart:
    _fix_empty_labels(fig)
    return Chart(title=title, summary=summary, svg=svg_of(fig, title, summary))


def _fix_empty_labels(fig) -> None:
    """An axis without a label has an empty one, never drawn and left out of the layout; yet
    matplotlib places it beside the tick labels at every layout pass and at the drawing,
    measuring every tick label again to do so (a sixth of the ranking chart's time, with its 63
    names). Given a place of its own, it is left alone: the same SVG, sooner."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.label.get_text():
                axis.set_label_coords(0, 0)


def svg_of(fig, title: str, summary: str) -> str:
    """The figure as the SVG the site serves: no CSS, which the site's Content Security Policy
    would refuse when the chart is opened on its own (charts/svg.py), and an accessible name."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    buffer = io.StringIO()
    FigureCanvasSVG(fig).print_svg(buffer, metadata={"Date": None, "Creator": None})
    return accessible(as_presentation_attributes(buffer.getvalue()), title, summary)


def accessible(svg: str, title: str, summary: str) -> str:
    """The SVG as an image with an accessible name (<title>) and description (<desc>): the
    first children of the root element, which is what assistive technology reads."""
    start = svg.index("<svg")
    end = svg.index(">", start)
    return (
        svg[:end]
        + ' role="img" aria-labelledby="chart-title chart-desc"'
        + svg[end : end + 1]
        + f'\n <title id="chart-title">{escape(title)}</title>'
        + f'\n <desc id="chart-desc">{escape(summary)}</desc>'
        + svg[end + 1 :]
    )
