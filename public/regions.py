"""A province edition seen region by region: each region's stored average, its per-field
averages (scoring.ranking.field_averages), the spread of its units and their ranks in it."""

from dataclasses import dataclass, field
from decimal import Decimal

from provinces.localized import localized
from provinces.models import Region, Unit
from public.rankings import RankingRow
from scoring.models import Average, Edition
from scoring.ranking import field_averages

# Regions of provinces were re-based by the 2025 merger; before it every region is as it was.
FIRST_MERGED_YEAR = 2025


@dataclass
class RegionUnit:
    row: RankingRow
    basis: str  # Unit.RegionBasis value, blank before 2025
    basis_label: str


@dataclass
class RegionBlock:
    code: str
    name: str
    average: Decimal | None
    fields: list[tuple[str, Decimal | None]]
    units: list[RegionUnit] = field(default_factory=list)
    lowest: Decimal | None = None
    highest: Decimal | None = None

    @property
    def ranked_count(self) -> int:
        return sum(1 for unit in self.units if unit.row.rank_in_region is not None)

    @property
    def has_provisional(self) -> bool:
        return any(unit.basis == Unit.RegionBasis.PROVISIONAL for unit in self.units)


def region_blocks(
    edition: Edition, rows: list[RankingRow], field_codes: list[str]
) -> list[RegionBlock]:
    """One block per region with units in the edition, in the regions' order; units by their
    rank in the region (unranked last)."""
    stored = {
        a.region_code: a.value
        for a in Average.objects.filter(edition=edition, field_code="").exclude(region_code="")
    }
    bases = _bases(edition, rows)
    labels = dict(Unit.RegionBasis.choices)
    codes = {row.region_code for row in rows if row.region_code}
    blocks = []
    for region in Region.objects.filter(code__in=codes).order_by("order", "code"):
        members = [row for row in rows if row.region_code == region.code]
        members.sort(key=lambda r: (r.rank_in_region is None, r.rank_in_region or 0, r.code))
        ranked = [row for row in members if row.ranked and row.rank_in_region is not None]
        averages = field_averages((row.fields for row in ranked), field_codes)
        indices = [row.index for row in ranked]
        blocks.append(
            RegionBlock(
                code=region.code,
                name=localized(region, "name"),
                average=stored.get(region.code),
                fields=[(code, averages[code]) for code in field_codes],
                units=[
                    RegionUnit(row, bases.get(row.code, ""), labels.get(bases.get(row.code), ""))
                    for row in members
                ],
                lowest=min(indices) if indices else None,
                highest=max(indices) if indices else None,
            )
        )
    return blocks


def national_comparison(edition: Edition, field_codes: list[str]) -> tuple[Decimal | None, list]:
    """The stored national average and per-field national averages, for comparison."""
    stored = {
        a.field_code: a.value for a in Average.objects.filter(edition=edition, region_code="")
    }
    return stored.get(""), [(code, stored.get(code)) for code in field_codes]


def _bases(edition: Edition, rows: list[RankingRow]) -> dict[str, str]:
    """Each unit's stored region basis by code; only editions after the merger state it."""
    if edition.year < FIRST_MERGED_YEAR:
        return {}
    return dict(
        Unit.objects.filter(slug__in=[row.slug for row in rows]).values_list("code", "region_basis")
    )
