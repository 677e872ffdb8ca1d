"""SIPAS charts as SVG: each value a dot with its 95 % interval as a whisker, so that a reader
sees at once which differences the survey can tell apart.

Drawn as charts/drawing.py draws every chart (its settings and colours; its SVG without CSS and
with an accessible <title>/<desc>): matplotlib's Figure() with the SVG canvas, never pyplot,
imported on first use.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from charts.drawing import BAR, NATIONAL, Chart, matplotlib_settings, number, svg_of


@dataclass(frozen=True)
class Dot:
    label: str
    value: Decimal
    low: Decimal | None  # no interval: a dot alone
    high: Decimal | None


def interval(dot: Dot) -> str:
    if dot.low is None or dot.high is None:
        return number(dot.value)
    return _("%(value)s (95 %% interval %(low)s–%(high)s)") % {
        "value": number(dot.value),
        "low": number(dot.low),
        "high": number(dot.high),
    }


def sipas_ranking_summary(dots: Sequence[Dot], national: Decimal | None) -> str:
    """The top and bottom provinces with their intervals, and the national SIPAS."""
    if not dots:
        return _("No SIPAS results.")
    high = max(dot.value for dot in dots)
    low = min(dot.value for dot in dots)
    top = [dot for dot in dots if dot.value == high]
    parts = [
        ngettext(
            "%(names)s has the highest SIPAS, %(value)s",
            "%(names)s have the highest SIPAS, %(value)s",
            len(top),
        )
        % {"names": get_text_list([dot.label for dot in top], _("and")), "value": interval(top[0])}
    ]
    if low != high:
        bottom = [dot for dot in dots if dot.value == low]
        parts.append(
            _("%(names)s the lowest, %(value)s")
            % {
                "names": get_text_list([dot.label for dot in bottom], _("and")),
                "value": interval(bottom[0]),
            }
        )
    if national is not None:
        parts.append(_("the national SIPAS is %(value)s") % {"value": number(national)})
    return "; ".join(parts) + "."


def aspects_summary(dots: Sequence[Dot]) -> str:
    """Each aspect's share satisfied with its interval, in the chart's order."""
    if not dots:
        return _("No SIPAS results.")
    return "; ".join(f"{dot.label}: {interval(dot)}" for dot in dots) + "."


def dots_chart(
    title: str,
    summary: str,
    dots: Sequence[Dot],
    national: Decimal | None = None,
    xlabel="",
    *,
    demo: bool = False,
) -> Chart:
    """One row per dot, in the given order from the top: the value as a dot, its interval as a
    horizontal whisker, the national SIPAS as a dashed line when given. A chart of demo data
    says so in the picture itself, since an image travels without its page."""
    with matplotlib_settings():
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter

        fig = Figure(figsize=(7.2, 0.9 + 0.26 * max(len(dots), 1)), layout="constrained")
        ax = fig.add_subplot()
        for row, dot in enumerate(dots):
            value = float(dot.value)
            if dot.low is not None and dot.high is not None:
                ax.errorbar(
                    value, row, xerr=[[value - float(dot.low)], [float(dot.high) - value]],
                    fmt="o", color=BAR, ecolor=BAR, elinewidth=1.2, capsize=3, markersize=4,
                )  # fmt: skip
            else:
                # No interval (one respondent): a hollow dot, nothing to read as certainty.
                ax.plot(value, row, "o", markerfacecolor="white", color=BAR, markersize=4)
        ax.set_yticks(range(len(dots)), [dot.label for dot in dots])
        ax.set_ylim(len(dots) - 0.5, -0.5)  # the first dot on top
        if national is not None:
            label = _("National SIPAS %(value)s") % {"value": number(national)}
            ax.axvline(float(national), color=NATIONAL, linestyle="--", linewidth=1.2, label=label)
            ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
        ax.set_xlim(_start(dots, national), 100)
        # The % signs are text, not placeholders.
        # xgettext:no-python-format
        label = _("% satisfied, with its 95 % interval")
        ax.set_xlabel(xlabel or label, wrap=True)
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda value, _pos: number_format(round(value), 0))
        )
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        if demo:
            fig.suptitle(
                capfirst(_("illustrative demo data, not official results")),
                color=NATIONAL,
                fontweight="bold",
                x=0.01,
                ha="left",
            )
        ax.set_axisbelow(True)
        return Chart(title=title, summary=summary, svg=svg_of(fig, title, summary))


def _start(dots: Sequence[Dot], national: Decimal | None) -> int:
    """Where the axis starts: at 0 unless every value and interval lies higher, then at the
    ten below them. Dots are not bars, so their length means nothing; an axis from 0 would
    leave the intervals, the point of the chart, too short to see when all lie near 80."""
    values = [v for dot in dots for v in (dot.low, dot.value, dot.high) if v is not None]
    if national is not None:
        values.append(national)
    lowest = float(min(values, default=0))
    return max(0, int(lowest - 2) // 10 * 10)
