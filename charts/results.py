"""Charts of published PAR Index results as SVG: the ranking, a unit's fields and history, the
national averages, the regions and a field's distribution, each with its generated summary.

Plain data in (names, Decimals), a `Chart` out, drawn as charts/drawing.py draws every chart.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from charts.drawing import (
    BAR,
    DOT,
    NATIONAL,
    REGION,
    Chart,
    average_line,
    chart,
    figure,
    localized_ticks,
    matplotlib_settings,
    number,
    wrap,
)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal


@dataclass(frozen=True)
class FieldBars:
    label: str  # "1. Chỉ đạo, điều hành"
    unit: Decimal | None
    region: Decimal | None
    national: Decimal | None


# Summaries: one or two sentences with the numbers a sighted reader takes from the chart.


def ranking_summary(bars: Sequence[Bar], average: Decimal | None) -> str:
    bars = _published_bars(bars)
    if not bars:
        return _("No published results.")
    high = max(bar.value for bar in bars)
    low = min(bar.value for bar in bars)
    top = [bar.label for bar in bars if bar.value == high]
    parts = [
        ngettext(
            "%(names)s has the highest index, %(value)s",
            "%(names)s have the highest index, %(value)s",
            len(top),
        )
        % {"names": get_text_list(top, _("and")), "value": number(high)}
    ]
    if low != high:
        bottom = [bar.label for bar in bars if bar.value == low]
        parts.append(
            _("%(names)s the lowest, %(value)s")
            % {"names": get_text_list(bottom, _("and")), "value": number(low)}
        )
    if average is not None:
        parts.append(_("the national average is %(value)s") % {"value": number(average)})
    return "; ".join(parts) + "."


def fields_summary(unit: str, fields: Sequence[FieldBars]) -> str:
    known = [field for field in fields if field.unit is not None]
    if not known:
        return _("No published results.")
    best = max(known, key=lambda field: field.unit)
    worst = min(known, key=lambda field: field.unit)
    above = [f for f in known if f.national is not None and f.unit > f.national]
    text = _(
        "%(unit)s scores highest on %(best)s, %(best_value)s, and lowest on %(worst)s, "
        "%(worst_value)s."
    ) % {
        "unit": unit,
        "best": best.label,
        "best_value": number(best.unit),
        "worst": worst.label,
        "worst_value": number(worst.unit),
    }
    if any(f.national is not None for f in known):
        text += " " + ngettext(
            "It is above the national average on %(count)s of %(total)s fields.",
            "It is above the national average on %(count)s of %(total)s fields.",
            len(known),
        ) % {"count": len(above), "total": len(known)}
    return text


def history_summary(unit: str, points: Sequence[tuple[int, Decimal]]) -> str:
    points = [(year, value) for year, value in points if value is not None]
    if not points:
        return _("No published results.")
    (first_year, first), (last_year, last) = points[0], points[-1]
    if len(points) == 1:
        return _("%(unit)s's index in %(year)s is %(value)s.") % {
            "unit": unit,
            "year": first_year,
            "value": number(first),
        }
    return _(
        "%(unit)s's index went from %(first)s in %(first_year)s to %(last)s in %(last_year)s."
    ) % {
        "unit": unit,
        "first": number(first),
        "first_year": first_year,
        "last": number(last),
        "last_year": last_year,
    }


def averages_summary(series: Sequence[tuple[str, Sequence[tuple[int, Decimal]]]]) -> str:
    parts = [
        _("%(series)s: from %(first)s in %(first_year)s to %(last)s in %(last_year)s")
        % {
            "series": label,
            "first": number(points[0][1]),
            "first_year": points[0][0],
            "last": number(points[-1][1]),
            "last_year": points[-1][0],
        }
        for label, points in series
        if points
    ]
    if not parts:
        return _("No published results.")
    return "; ".join(parts) + "."


def regions_summary(regions: Sequence[tuple[str, Decimal | None, list[Decimal]]]) -> str:
    averaged = [(name, average) for name, average, _dots in regions if average is not None]
    if not averaged:
        return _("No published regional averages.")
    high = max(averaged, key=lambda pair: pair[1])
    low = min(averaged, key=lambda pair: pair[1])
    return _(
        "%(high)s has the highest regional average, %(high_value)s; %(low)s the lowest, "
        "%(low_value)s."
    ) % {
        "high": high[0],
        "high_value": number(high[1]),
        "low": low[0],
        "low_value": number(low[1]),
    }


def distribution_summary(values: Sequence[Decimal], average: Decimal | None) -> str:
    if not values:
        return _("No published results.")
    text = ngettext(
        "%(count)s unit, component index from %(low)s to %(high)s",
        "%(count)s units, component indices from %(low)s to %(high)s",
        len(values),
    ) % {"count": len(values), "low": number(min(values)), "high": number(max(values))}
    if average is not None:
        text += "; " + _("the national average is %(value)s") % {"value": number(average)}
    return text + "."


# The charts.


def ranking_chart(title: str, bars: Sequence[Bar], average: Decimal | None) -> Chart:
    """Horizontal bars, highest first, one per unit, with the national average as a line.

    Drawn with few artists, for its budget (DESIGN.md: 100 ms uncached): the bars are one
    collection and the names texts beside the axis, where 63 bar patches and 63 ticks cost half
    the time; the margins come from the widest name instead of constrained layout, which
    measured every text again. It looks as it did, less the tick marks beside the names."""
    bars = sorted(
        _published_bars(bars), key=lambda bar: -bar.value
    )  # stable: ties keep the given order
    with matplotlib_settings():
        from matplotlib.collections import PolyCollection
        from matplotlib.figure import Figure
        from matplotlib.transforms import ScaledTranslation

        width, height = 7.2, 0.8 + 0.24 * max(len(bars), 1)
        fig = Figure(figsize=(width, height))
        ax = fig.add_subplot()
        half = 0.35  # of the 1 between two bars: matplotlib's barh(height=0.7)
        ax.add_collection(
            PolyCollection(
                [
                    _bar_corners(position, float(bar.value), half)
                    for position, bar in enumerate(bars)
                ],
                facecolors=BAR,
                edgecolors="none",
                linewidths=0,
            )
        )
        ax.set_yticks([])
        ax.margins(y=0.01)
        ax.invert_yaxis()
        # Where a tick label would stand: its tick's length and its pad (3.5 points each) left.
        names_at = ax.get_yaxis_transform() + ScaledTranslation(-7 / 72, 0, fig.dpi_scale_trans)
        for position, bar in enumerate(bars):
            ax.text(0, position, bar.label, transform=names_at, ha="right", va="center")
            ax.text(float(bar.value) + 0.5, position, number(bar.value), va="center", fontsize=8)
        average_line(ax, average, vertical=True)
        ax.set_xlim(0, 105)
        ax.set_xlabel(_("Index"))
        localized_ticks(ax.xaxis)
        # Inches: the names and their 7-point gap, plus a margin; the last value label past the
        # axis on the right; the legend above; the axis' numbers and label below.
        # At most half the width: a name longer than that (none of a real unit's) runs off the
        # left edge rather than leaving the bars no room.
        left = min((_widest([bar.label for bar in bars]) + 7 + 6) / 72, width / 2)
        top = 0.35 if average is not None else 0.1
        fig.subplots_adjust(
            left=left / width, right=1 - 0.35 / width, top=1 - top / height, bottom=0.5 / height
        )
        return chart(fig, title, ranking_summary(bars, average))


def _bar_corners(position: int, value: float, half: float) -> list[tuple[float, float]]:
    return [
        (0, position - half),
        (0, position + half),
        (value, position + half),
        (value, position - half),
    ]


def _widest(labels: Sequence[str]) -> float:
    """The width in points of the widest label at the names' size, measured on the longest
    ones only: a name under two thirds of the longest would need letters half as wide again
    on average to be wider, which no two names of units come near."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    if not labels:
        return 0.0
    longest = max(map(len, labels))
    font = FontProperties(size=10)
    return max(
        text_to_path.get_text_width_height_descent(label, font, False)[0]
        for label in labels
        if len(label) >= longest / 1.5
    )


def fields_chart(title: str, unit: str, region: str, fields: Sequence[FieldBars]) -> Chart:
    """Grouped bars per field: the unit, its region's average and the national average."""
    series = [
        (unit, BAR, [f.unit for f in fields]),
        (_("Average of %(region)s") % {"region": region}, REGION, [f.region for f in fields]),
        (_("National average"), NATIONAL, [f.national for f in fields]),
    ]
    series = [s for s in series if any(v is not None for v in s[2])]
    with matplotlib_settings():
        fig, ax = figure(7.2, 1.4 + 0.75 * max(len(fields), 1))
        height = 0.8 / max(len(series), 1)
        for offset, (label, colour, values) in enumerate(series):
            positions = [i + (offset - (len(series) - 1) / 2) * height for i in range(len(fields))]
            numbers = [float(v) if v is not None else 0.0 for v in values]
            ax.barh(positions, numbers, height=height, color=colour, label=label)
            for position, value in zip(positions, values, strict=True):
                if value is not None:
                    ax.text(float(value) + 0.5, position, number(value), va="center", fontsize=7)
        ax.set_yticks(range(len(fields)), [wrap(f.label) for f in fields])
        ax.invert_yaxis()
        ax.set_xlim(0, 110)
        ax.set_xlabel(_("Component index"))
        localized_ticks(ax.xaxis)
        if series:
            ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), frameon=False)
        return chart(fig, title, fields_summary(unit, fields))


def history_chart(title: str, unit: str, points: Sequence[tuple[int, Decimal]]) -> Chart:
    """The unit's index over the published years, each point labelled with its value; a year
    whose rank was published without its index has no point."""
    points = [(year, value) for year, value in points if value is not None]
    with matplotlib_settings():
        fig, ax = figure(7.2, 3.2)
        years = [year for year, _value in points]
        values = [float(value) for _year, value in points]
        ax.plot(years, values, color=BAR, marker="o")
        for year, value in points:
            ax.annotate(
                number(value), (year, float(value)), textcoords="offset points", xytext=(0, 7),
                ha="center", fontsize=8,
            )  # fmt: skip
        ax.set_xticks(years, [str(year) for year in years])
        low = min(values, default=0.0)
        ax.set_ylim(max(0.0, low - 10), 105)
        ax.set_ylabel(_("Index"))
        localized_ticks(ax.yaxis)
        return chart(fig, title, history_summary(unit, points))


def averages_chart(
    title: str, series: Sequence[tuple[str, Sequence[tuple[int, Decimal]]]]
) -> Chart:
    """One line per level: the national average as published each year, each point labelled; a
    year without a published average has no point (the line joins the years around it)."""
    colours = [BAR, NATIONAL]
    with matplotlib_settings():
        fig, ax = figure(7.2, 3.4)
        values = []
        # The first line's values above its points, the second's below, so that close values
        # of the two do not print over each other.
        for (label, points), colour, offset in zip(series, colours, (7, -12), strict=False):
            if not points:
                continue
            years = [year for year, _value in points]
            ax.plot(years, [float(v) for _y, v in points], color=colour, marker="o", label=label)
            for year, value in points:
                ax.annotate(
                    number(value), (year, float(value)), textcoords="offset points",
                    xytext=(0, offset), ha="center", fontsize=7, color=colour,
                )  # fmt: skip
            values += [float(v) for _y, v in points]
        all_years = sorted({year for _label, points in series for year, _v in points})
        ax.set_xticks(all_years, [str(year) for year in all_years])
        ax.set_ylim(max(0.0, min(values, default=0.0) - 10), 100)
        ax.set_ylabel(_("National average"))
        localized_ticks(ax.yaxis)
        if values:
            ax.legend(loc="lower right", frameon=False)
        return chart(fig, title, averages_summary(series))


def regions_chart(
    title: str, regions: Sequence[tuple[str, Decimal | None, list[Decimal]]]
) -> Chart:
    """One row per region: its average index as a bar, each of its units as a dot (a unit whose
    index was not published has none)."""
    regions = [
        (name, average, [v for v in dots if v is not None]) for name, average, dots in regions
    ]
    with matplotlib_settings():
        fig, ax = figure(7.2, 1.2 + 0.6 * max(len(regions), 1))
        for row, (_name, average, dots) in enumerate(regions):
            if average is not None:
                ax.barh(row, float(average), color=REGION, height=0.6)
                ax.text(float(average) + 0.5, row + 0.3, number(average), va="bottom", fontsize=8)
            ax.scatter([float(v) for v in dots], [row] * len(dots), color=DOT, s=14, zorder=3)
        ax.set_yticks(range(len(regions)), [wrap(name) for name, _a, _d in regions])
        ax.invert_yaxis()
        ax.set_xlim(0, 105)
        ax.set_xlabel(_("Index (bar: regional average; dots: units)"))
        localized_ticks(ax.xaxis)
        return chart(fig, title, regions_summary(regions))


def distribution_chart(title: str, values: Sequence[Decimal], average: Decimal | None) -> Chart:
    """How many units fall in each band of 5 points of a field's component index."""
    with matplotlib_settings():
        fig, ax = figure(7.2, 3.2)
        low = min((float(v) for v in values), default=0.0)
        start = int(low // 5 * 5)
        edges = list(range(start, 105, 5))
        ax.hist([float(v) for v in values], bins=edges, color=BAR, edgecolor="white")
        average_line(ax, average, vertical=True)
        ax.set_xlabel(_("Component index"))
        ax.set_ylabel(_("Units"))
        ax.yaxis.get_major_locator().set_params(integer=True)
        localized_ticks(ax.xaxis)
        return chart(fig, title, distribution_summary(values, average))


def _published_bars(bars: Sequence[Bar]) -> list[Bar]:
    """The bars of units whose index was published: a rank published without its index (the
    public record) has no bar to draw, not one of 0."""
    return [bar for bar in bars if bar.value is not None]
