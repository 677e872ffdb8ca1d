"""Share cards: the 1200 × 630 PNG that link previews (Open Graph, Twitter cards) show for a
page, drawn with matplotlib's object API (`Figure()` and the Agg canvas, never pyplot).

Plain data in (texts, Decimals), PNG bytes out. Text in DejaVu Sans, which matplotlib ships and
which has every precomposed Vietnamese letter; names are normalised to NFC first, so a name
stored decomposed (NFD) is drawn with the same glyphs instead of loose combining marks.
"""

import io
import os
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from charts.drawing import BAR, NATIONAL, number

WIDTH, HEIGHT, DPI = 1200, 630, 100
INK = "#1a1a1a"
MUTED = "#4a4a4a"
# Names drawn as written: a "$" in a unit's name is text, never mathtext.
RC = {"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"], "text.parse_math": False}


@dataclass(frozen=True)
class Line:
    rank: int | None
    name: str
    index: Decimal


def site_card(title: str, subtitle: str) -> bytes:
    with _drawing() as fig:
        _frame(fig, title, subtitle, demo=False)
        return _png(fig)


def ranking_card(title: str, lines: list[Line], *, demo: bool) -> bytes:
    """The edition's title and its first units as bars of their index."""
    with _drawing() as fig:
        _frame(fig, title, "", demo=demo)
        ax = fig.add_axes((0.06, 0.17, 0.88, 0.5))
        ax.set_axis_off()
        ax.set_xlim(0, 100)
        ax.set_ylim(max(len(lines), 5) - 0.5, -0.5)  # rows of the same height, however few
        for row, line in enumerate(lines):
            # Bars from 45 % of the width, 100 points filling 48 % of it, the value after.
            ax.barh(row, float(line.index) * 0.48, left=45, height=0.62, color=BAR)
            rank = f"{line.rank}." if line.rank is not None else "–"
            ax.text(0, row, f"{rank} {_short(line.name)}", va="center", fontsize=24, color=INK)
            ax.text(
                45 + float(line.index) * 0.48 + 1,
                row,
                number(line.index),
                va="center",
                fontsize=24,
                color=INK,
                fontweight="bold",
            )
        return _png(fig)


def unit_card(name: str, edition_title: str, index: Decimal, rank_text: str, *, demo: bool):
    """A unit's name, its latest index in large figures and its rank."""
    with _drawing() as fig:
        _frame(fig, _nfc(name), edition_title, demo=demo)
        fig.text(0.06, 0.42, _("Index"), fontsize=26, color=MUTED)
        fig.text(0.06, 0.22, number(index), fontsize=96, color=BAR, fontweight="bold")
        fig.text(0.55, 0.27, rank_text, fontsize=36, color=INK)
        return _png(fig)


def _frame(fig, title: str, subtitle: str, *, demo: bool) -> None:
    """The band with the portal's name, the card's title, and the demo label where it applies."""
    fig.patches.append(_band(fig))
    fig.text(
        0.06,
        0.915,
        f"{_('PAR Index')} · {_('Ministry of Home Affairs')}",
        fontsize=24,
        color="white",
        va="center",
        fontweight="bold",
    )
    fig.text(0.06, 0.74, _nfc(title), fontsize=38, color=INK, fontweight="bold", wrap=True)
    if subtitle:
        fig.text(0.06, 0.64, _nfc(subtitle), fontsize=26, color=MUTED)
    if demo:
        fig.text(
            0.06,
            0.05,
            capfirst(_("illustrative demo data, not official results")),
            fontsize=24,
            color=NATIONAL,
            fontweight="bold",
        )


def _band(fig):
    from matplotlib.patches import Rectangle

    return Rectangle((0, 0.83), 1, 0.17, transform=fig.transFigure, color=BAR, zorder=-1)


def _short(name: str, width: int = 22) -> str:
    """A long ministry name cut before the bars begin."""
    name = _nfc(name)
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _drawing:
    """A figure of the card's size, matplotlib imported on first use (about a second) and its
    settings applied only while the card is drawn."""

    def __enter__(self):
        os.environ.setdefault("MPLBACKEND", "agg")  # never a GUI backend
        import matplotlib
        from matplotlib.figure import Figure

        self._context = matplotlib.rc_context(RC)
        self._context.__enter__()
        return Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor="white")

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)


def _png(fig) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    # No date or software version in the file: the same data gives the same bytes.
    FigureCanvasAgg(fig).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()
