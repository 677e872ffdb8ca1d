"""A unit's fields chart: its component index on each field of an edition against its region's
average and the national one (the image at public:chart_unit_fields).

Drawn from figures its caller has read: the chart's own address reads them for itself, while the
unit's PDF report passes those its profile has read already (public/profiles.py), so that
printing the profile reads nothing twice. Both draw through `unit_fields_chart`, so the image is
the same whichever way it was asked for.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from charts import results
from charts.drawing import Chart
from provinces.localized import localized
from provinces.models import Region
from scoring.models import Criterion, Edition
from scoring.ranking import field_averages


@dataclass
class FieldsFigures:
    edition: Edition
    name: str  # the unit's name in the edition's year
    region: Region | None
    fields: list[Criterion]  # the edition's fields, in their order
    own: Mapping[str, Decimal | None]  # the unit's component index by field code
    national: Mapping[str, Decimal]  # the stored national average by field code
    regional: Mapping[str, Decimal | None]  # by regional_averages


def regional_averages(
    edition: Edition, region: Region | None, members: Iterable[Mapping[str, Decimal | None]]
) -> dict[str, Decimal | None]:
    """Publishing stores no per-field average of a region: the mean of the rounded component
    indices of the region's ranked units (`members`, each one's indices by field code), by the
    rule of every average (docs/rules.md). A partial edition has none, as it has no regional
    average."""
    if region is None or edition.is_partial:
        return {}
    members = list(members)
    codes = sorted({code for indices in members for code in indices})
    return field_averages(members, codes)


def unit_fields_chart(figures: FieldsFigures) -> Chart:
    bars = [
        results.FieldBars(
            label=f"{field.code}. {localized(field, 'name')}",
            unit=figures.own.get(field.code),
            region=figures.regional.get(field.code),
            national=figures.national.get(field.code),
        )
        for field in figures.fields
    ]
    title = _("%(unit)s: fields of the PAR Index %(year)s") % {
        "unit": figures.name,
        "year": figures.edition.year,
    }
    region_name = localized(figures.region, "name") if figures.region else ""
    return results.fields_chart(title, figures.name, region_name, bars)
