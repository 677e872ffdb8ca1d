"""Where the pages the public record was read on disagree (fixtures/public_record/README.md,
"Where sources disagree"): the figure kept is the one most pages print, and the page showing it
says which other figure was printed, so a reader who finds the other one knows it was seen.

Kept here as data, keyed by year, level and unit code: five cases, written by whoever reads the
sources, and not a column of the record's files (a figure has one value and one source there).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from provinces.models import Unit, former_names


@dataclass(frozen=True)
class Disagreement:
    year: int
    level: str
    unit_code: str
    figure: str  # "index", "rank", or "tie" (a unit shown tied because of another's rank)
    kept: Decimal | int
    other: Decimal | int
    # What else the other page says, as figures: the total of its field indices, or the unit it
    # puts at the kept rank instead.
    components_total: Decimal | None = None
    other_unit: str = ""


DISAGREEMENTS = [
    Disagreement(2018, "province", "22", "index", Decimal("89.06"), Decimal("89.6")),
    Disagreement(2023, "province", "31", "index", Decimal("91.87"), Decimal("91.81")),
    Disagreement(
        2023,
        "province",
        "17",
        "index",
        Decimal("86.76"),
        Decimal("86.89"),
        components_total=Decimal("87.89"),
    ),
    Disagreement(2023, "province", "96", "rank", 34, 32),
    Disagreement(2023, "province", "80", "rank", 7, 8, other_unit="10"),
    # The same disagreement seen from the unit the other page puts 7th: both are shown 7th.
    Disagreement(2023, "province", "10", "tie", 7, 7, other_unit="80"),
]


def disagreements_in(year: int, level: str) -> dict[str, str]:
    """The note of each unit (by code) whose figure the sources of that year and level disagree
    on, in the reader's language."""
    found = [d for d in DISAGREEMENTS if d.year == year and d.level == level]
    others = {d.other_unit for d in found if d.other_unit}
    names = {}
    if others:
        # A code names another unit in another year (80: Long An until 2025, Tây Ninh after).
        for unit in (
            Unit.objects.of_year(year)
            .filter(level=level, code__in=others)
            .prefetch_related(former_names())
        ):
            names[unit.code] = unit.name_in(year)
    return {d.unit_code: _text(d, names) for d in found}


def _text(d: Disagreement, names: dict[str, str]) -> str:
    if d.figure == "tie":
        return _(
            "Shown tied at rank %(kept)s with %(unit)s, as published: the pages disagree on which "
            "of the two is at rank %(kept)s."
        ) % {"kept": d.kept, "unit": names.get(d.other_unit, d.other_unit)}
    if d.figure == "rank":
        if d.other_unit:
            return _(
                "Sources disagree: rank %(kept)s is the one its page gives; another page gives "
                "%(other)s and puts %(unit)s at %(kept)s."
            ) % {"kept": d.kept, "other": d.other, "unit": names.get(d.other_unit, d.other_unit)}
        return _(
            "Sources disagree: rank %(kept)s is the one most pages give; one page gives %(other)s."
        ) % {"kept": d.kept, "other": d.other}
    # As the pages print them: 89.6 stays 89.6 (89,6 in Vietnamese), not 89.60.
    values = {"kept": number_format(d.kept), "other": number_format(d.other)}
    if d.components_total is not None:
        return _(
            "Sources disagree: the index %(kept)s is the one most pages print; one page prints "
            "%(other)s, with field indices adding up to %(total)s."
        ) % {**values, "total": number_format(d.components_total)}
    return (
        _(
            "Sources disagree: the index %(kept)s is the one most pages print; one page prints "
            "%(other)s."
        )
        % values
    )
