"""`{% load cells %}`: the ranking table's rows, headings and region cells drawn by tags, not by an
included template or a loop of the template (as deltas.py draws its Δ cells): the table has a row
per unit and a cell per field in each, and an include or a loop per row cost a tenth of the page's
render each (DESIGN.md's budget: a ranking renders in 20 ms).
"""

from decimal import Decimal
from html import escape

from django import template
from django.conf import settings
from django.utils.formats import get_format, localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from public.templatetags.deltas import delta_index, delta_rank

register = template.Library()


@register.simple_tag
def region_name(full: str, short: str) -> SafeString:
    """A region by its short name where it has one, its full name at hand in the title (the
    ranking's and the map's tables)."""
    if short and short != full:
        return format_html('<abbr title="{}">{}</abbr>', full, short)
    return conditional_escape(full)


@register.simple_tag
def ranking_heading(key: str, label: str, fields) -> SafeString:
    """A heading of the ranking table: a field's short label with its full name at hand (the
    legend above the table names them all), any other column's label. A tag, not an include:
    the table has a heading per field."""
    if not (key.startswith("field_") and fields):
        return conditional_escape(label)
    for code, name in fields:
        if f"field_{code}" == key:
            return format_html(
                '<abbr title="{}">{}</abbr><span class="visually-hidden"> {}</span>',
                name,
                _("F%(code)s") % {"code": code},
                name,
            )
    return mark_safe("")


def _cells(values, number) -> SafeString:
    """A numeric cell per value, written by `number` (_table_number); a blank cell for None."""
    cells = ("" if value is None else escape(number(value)) for value in values)
    return mark_safe("".join(f'<td class="num">{cell}</td>' for cell in cells))


def _table_number():
    """localize() for the table's whole numbers and decimals, the reader's decimal separator
    looked up once: localize looks the formats up again for every cell, which was most of a
    ranking's render. Without grouping (USE_THOUSAND_SEPARATOR) it writes what localize does."""
    if settings.USE_THOUSAND_SEPARATOR:
        return localize
    separator = get_format("DECIMAL_SEPARATOR")

    def text(value) -> str:
        if isinstance(value, Decimal):
            return format(value, "f").replace(".", separator)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return localize(value)

    return text


@register.simple_tag
def ranking_body(rows, *, no_points: bool = False, sourced: bool = False) -> SafeString:
    """The ranking table's rows (public/_ranking_table.html): drawn here, by string formatting
    with every value escaped, rather than by a loop of the template (two thirds of the page's
    render) or format_html per cell. `no_points` leaves out the points columns; `sourced` adds
    each row's numbered source note (the public record)."""
    not_published = escape(_("not published"))
    missing = f'<span class="not-published">{not_published}</span>'
    tied_words = escape(_("(tied)"))
    tied = (
        f'<abbr class="tied" title="{tied_words}" aria-hidden="true">=</abbr>'
        f'<span class="visually-hidden"> {tied_words}</span>'
    )
    new_unit = f' <span class="tag">{escape(_("new unit"))}</span>'
    source = escape(_("Source"))
    number = _table_number()
    lines = []
    for row in rows:
        rank = missing if row.rank is None else escape(number(row.rank))
        index = missing if row.index is None else escape(number(row.index))
        cells = [
            f'<td class="col-rank">{rank}{tied if row.tied else ""}</td>',
            f'<th scope="row" class="col-unit sticky"><a href="{escape(row.url)}">'
            f"{escape(row.name)}</a>{new_unit if row.new_unit else ''}</th>",
            f'<td class="col-region">{region_name(row.region_name, row.region_short)}</td>',
            f'<td class="num">{index}</td>',
            f'<td class="col-group">{escape(row.group) if row.group else not_published}</td>',
        ]
        numbers = _cells(row.field_list, number)
        if not no_points:
            for value in (row.appraised_points, row.survey_points):
                points = "–" if value is None else escape(number(value))
                numbers += f'\n      <td class="num">{points}</td>'
        cells.append(numbers)
        cells.append(f'<td class="num">{delta_index(row.delta_index)}</td>')
        last = f'<td class="num">{delta_rank(row.delta_rank)}</td>'
        if sourced:
            note = row.source_note
            last += (
                f'\n      <td><a href="#{escape(note.anchor)}" class="note-ref">'
                f'<span class="visually-hidden">{source} </span>{note.number}</a></td>'
                if note
                else "\n      <td></td>"
            )
        cells.append(last)
        lines.append("\n    <tr>\n      " + "\n      ".join(cells) + "\n    </tr>\n  ")
    return mark_safe("".join(lines))
