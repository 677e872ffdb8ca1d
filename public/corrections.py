"""The public corrections log (docs/rules.md): every correction of a published edition, newest
first, with its reason as the admin wrote it and each unit's figures before and after; the
editions reopened now and why; and, for a unit's profile, the corrections of its results.

While an edition is reopened its last published results stay on the pages built from them
(public/editions.py, shown_edition) under a notice; the pages reading live points, which a
correction is changing (a profile's criteria tree), leave it out until it is published again.
This log says it is under correction and shows only the date and reason of the reopening.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from provinces.models import former_names
from scoring.models import CorrectedValue, Correction, Edition, EditionEvent

# The order a reader looks for them in.
_ORDER = {
    CorrectedValue.Figure.INDEX: 0,
    CorrectedValue.Figure.RANK: 1,
    CorrectedValue.Figure.RANK_IN_REGION: 2,
    CorrectedValue.Figure.GROUP: 3,
}


@dataclass
class CorrectedFigure:
    label: str
    old: str
    new: str
    order: int = 0


@dataclass
class UnitChange:
    slug: str
    name: str
    figures: list[CorrectedFigure] = field(default_factory=list)


@dataclass
class CorrectionEntry:
    correction: Correction
    units: list[UnitChange]


@dataclass
class Notice:
    """A correction of one unit's results, as its profile announces it."""

    correction_id: int
    year: int
    published_at: datetime
    figures: list[CorrectedFigure]


def corrections_log() -> list[CorrectionEntry]:
    """Every correction, newest first, with the changed figures of each unit (two queries)."""
    corrections = list(Correction.objects.select_related("edition"))
    values = defaultdict(list)
    for value in (
        CorrectedValue.objects.filter(correction__in=corrections)
        .select_related("unit")
        .prefetch_related(former_names("unit__"))
        .order_by("unit__code")
    ):
        values[value.correction_id].append(value)
    entries = []
    for correction in corrections:
        by_unit: dict[int, UnitChange] = {}
        for value in values[correction.pk]:
            unit = value.unit
            if unit.pk not in by_unit:
                name = unit.name_in(correction.edition.year)
                by_unit[unit.pk] = UnitChange(slug=unit.slug, name=name)
            by_unit[unit.pk].figures.append(_figure(value))
        for change in by_unit.values():
            change.figures.sort(key=lambda f: f.order)
        entries.append(CorrectionEntry(correction=correction, units=list(by_unit.values())))
    return entries


def under_correction() -> list[EditionEvent]:
    """The reopening of each edition reopened now (in review after a publication)."""
    reopened = Edition.objects.filter(status=Edition.Status.REVIEW, published_at__isnull=False)
    latest = {}
    for event in (
        EditionEvent.objects.filter(edition__in=reopened, action=EditionEvent.Action.REOPEN)
        .select_related("edition")
        .order_by("at", "id")
    ):
        latest[event.edition_id] = event
    return sorted(latest.values(), key=lambda e: e.at, reverse=True)


def unit_notices(unit_id: int) -> list[Notice]:
    """The corrections of this unit's results, newest first (one query)."""
    notices: dict[int, Notice] = {}
    # Only where the profile shows the corrected results: not while the edition is reopened.
    for value in CorrectedValue.objects.filter(
        unit_id=unit_id, correction__edition__status=Edition.Status.PUBLISHED
    ).select_related("correction__edition"):
        correction = value.correction
        notice = notices.setdefault(
            correction.pk,
            Notice(correction.pk, correction.edition.year, correction.published_at, []),
        )
        notice.figures.append(_figure(value))
    for notice in notices.values():
        notice.figures.sort(key=lambda f: f.order)
    return sorted(notices.values(), key=lambda n: (n.published_at, n.correction_id), reverse=True)


def _figure(value: CorrectedValue) -> CorrectedFigure:
    return CorrectedFigure(
        label=value.get_figure_display(),
        old=value.old_value,
        new=value.new_value,
        order=_ORDER.get(value.figure, len(_ORDER)),
    )
