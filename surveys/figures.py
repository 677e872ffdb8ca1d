"""The `sipas_published` kind: SIPAS headline figures as they were published (the public record's
sipas.csv), beside the respondent-level `sipas` kind: the national figure (unit `00` or `VN`) or
a province's, its SIPAS value and/or rank, and where it was read. Nothing is computed from them:
the SIPAS pages show them for years without respondent data."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from files.problems import Message, register
from files.tabular import Row
from provinces.models import Level, Unit
from provinces.names import UnitNotFound, UnitResolver
from scoring.editions import Written
from scoring.imports.resources.base import Checked, FileResource, ImportOptions, RowProblem
from scoring.imports.resources.published import HUNDRED, RANK_LIMIT, SourceColumn
from surveys.models import SipasFigure

KIND = "sipas_published"
NATIONAL_CODES = {"00", "vn"}

register(
    sipas_or_rank=gettext_noop("a SIPAS value or a rank is required (either may be blank)"),
    national_has_no_rank=gettext_noop("the national figure has no rank"),
    this_year_and_unit=gettext_noop("this year and unit"),
)


@dataclass(frozen=True)
class PublishedSipas:
    year: int
    unit: Unit | None  # None: the whole country
    sipas: Decimal | None
    rank: int | None
    source: str


def set_sipas_figures(entries: Iterable[PublishedSipas]) -> Written:
    """Store SIPAS headline figures, one per year and unit; the same again changes nothing."""
    entries = list(entries)
    with transaction.atomic():
        stored = {
            (f.year, f.unit_id): f
            for f in SipasFigure.objects.filter(year__in={e.year for e in entries})
        }
        created, updated, unchanged = set(), set(), set()
        for entry in entries:
            key = (entry.year, entry.unit.pk if entry.unit else None)
            values = {"sipas": entry.sipas, "rank": entry.rank, "source": entry.source}
            kept = stored.get(key)
            if kept is None:
                SipasFigure.objects.create(year=entry.year, unit=entry.unit, **values)
                created.add(key)
            elif all(getattr(kept, name) == value for name, value in values.items()):
                unchanged.add(key)
            else:
                for name, value in values.items():
                    setattr(kept, name, value)
                kept.save(update_fields=list(values))
                updated.add(key)
    return Written(frozenset(created), frozenset(updated), frozenset(unchanged))


class SipasFigureResource(SourceColumn, FileResource):
    kind = KIND
    required = ("year", "unit", "source")
    optional = ("unit_name_vi", "sipas", "rank")
    aliases = {"unit_code": "unit", "sipas_pct": "sipas"}

    class Meta(ImportOptions):
        model = SipasFigure
        fields = ()

    def check_row(self, row: Row) -> dict[str, Any]:
        year = self.year(row)
        unit = self.cell(self.province, row, year)
        sipas = self.cell(self.points, row, "sipas", maximum=HUNDRED)
        rank = self.cell(self.whole_number, row, "rank", limit=RANK_LIMIT)
        if rank == 0:
            self.note("rank", Message("rank_from_one"))
        if row.values.get("sipas", "") == "" and row.values.get("rank", "") == "":
            self.note("sipas", Message("sipas_or_rank"))
        if unit is False and rank is not None:
            self.note("rank", Message("national_has_no_rank"))
        source = self.cell(self.source_cell, row)
        return {
            "year": year,
            "unit": unit or None,
            "sipas": sipas,
            "rank": rank,
            "source": source,
        }

    def province(self, row: Row, year: int) -> Unit | bool:
        """The province, or False for the national figure."""
        text = row.values.get("unit", "").strip()
        if text.lower() in NATIONAL_CODES:
            return False
        if not hasattr(self, "_by_year"):
            self._by_year: dict[int, UnitResolver] = {}
        if year not in self._by_year:
            self._by_year[year] = UnitResolver(Level.PROVINCE, year)
        try:
            return self._by_year[year].resolve(text)
        except UnitNotFound as error:
            raise RowProblem("unit", Message("unit_not_found", {"reason": str(error)})) from None

    def check_file(self, checked: Checked) -> None:
        for clean in checked.rows:
            clean["unit_id"] = clean["unit"].pk if clean["unit"] else None
        self.duplicates(checked, ("year", "unit_id"), "unit", "this_year_and_unit")

    def prepare(self, checked: Checked) -> list[dict[str, Any]]:
        return []  # the writer reports created / updated / unchanged

    def get_instance(self, instance_loader, row):
        return None

    def write(self, checked: Checked) -> Written:
        return set_sipas_figures(
            PublishedSipas(row["year"], row["unit"], row["sipas"], row["rank"], row["source"])
            for row in checked.rows
        )
