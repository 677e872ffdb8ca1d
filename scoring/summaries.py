"""Historical published results of summary-only editions (docs/rules.md): the writers that store
them as imported, with the edition's ranked total and published average, its published averages
and field figures, each with its source, and record each change.

A published edition takes a file only if it changes nothing there (`differences` says what would
change): loading the public record twice is harmless, and a correction still reopens it first."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from files.problems import Refused
from provinces.models import Unit
from scoring.editions import Change, Written, create_edition, lock_edition, record_changes
from scoring.models import Average, Edition, EditionChange, FieldFigure, Participant, SummaryScore
from scoring.participation import unit_problem
from scoring.points import KEEP

_RESULT_FIELDS = ("index", "rank", "appraised_points", "survey_points", "field_indices", "source")


@dataclass(frozen=True)
class PublishedResult:
    """A unit's published figures: its index, its rank, or both, where it was read."""

    unit: Unit
    index: Decimal | None
    rank: int | None = None
    ranked: bool = True
    appraised_points: Decimal | None = None
    survey_points: Decimal | None = None
    # Component indices by field code, as decimal strings: {"1": "84.43"}.
    field_indices: dict = field(default_factory=dict)
    source: str = ""


def differences(
    edition: Edition, entries: Iterable[PublishedResult], *, ranked_total=KEEP, average=KEEP
) -> tuple[set[int], bool]:
    """What storing the entries would change in the edition: the ids of the units whose figures
    differ, and whether the edition's ranked total or published average would."""
    summaries = {
        p.unit_id: _result_values(p, getattr(p, "summary", None))
        for p in edition.participants.select_related("summary")
    }
    units = {e.unit.pk for e in entries if summaries.get(e.unit.pk) != _state(e)}
    edition_level = (ranked_total is not KEEP and ranked_total != edition.ranked_total) or (
        average is not KEEP and average != edition.published_average
    )
    return units, edition_level


def set_published_results(
    year: int,
    level: str,
    entries: Iterable[PublishedResult],
    *,
    ranked_total=KEEP,
    average=KEEP,
    user,
    source: str,
) -> tuple[Edition, Written, bool]:
    """Store published results of a summary-only edition, creating it (and the participants the
    results name) as needed. Returns the edition, the counts and whether it was created."""
    entries = list(entries)
    with transaction.atomic():
        edition, is_new = summary_edition(year, level, user=user, source=source)
        repeat = _unchanged_repeat(edition, entries, ranked_total, average)
        if repeat is not None:
            return edition, repeat, False
        edition = lock_edition(edition, Change.PUBLISHED_RESULTS, user=user)
        problems = [p for entry in entries if (p := unit_problem(edition, entry.unit))]
        if problems:
            raise Refused(problems)
        participants = {p.unit_id: p for p in edition.participants.select_related("summary")}
        audit: list[tuple] = []
        outcomes: dict[str, set] = {"created": set(), "updated": set(), "unchanged": set()}
        for entry in entries:
            outcome = _store_result(edition, participants.get(entry.unit.pk), entry, audit)
            outcomes[outcome].add((edition.pk, entry.unit.pk))
        _set_edition_figures(edition, ranked_total, average, user=user, source=source)
        record_changes(edition, EditionChange.Subject.SUMMARY, audit, user=user, source=source)
    written = Written(*(frozenset(outcomes[name]) for name in ("created", "updated", "unchanged")))
    return edition, written, is_new


def _unchanged_repeat(edition: Edition, entries, ranked_total, average) -> Written | None:
    """All unchanged, for a published edition that the entries would not change; else None."""
    if not (edition.is_published and edition.summary_only):
        return None
    changed, edition_changed = differences(
        edition, entries, ranked_total=ranked_total, average=average
    )
    if changed or edition_changed:
        return None  # refused by lock_edition: nothing changes a published edition
    return Written(unchanged=frozenset((edition.pk, entry.unit.pk) for entry in entries))


def _store_result(
    edition: Edition, participant: Participant | None, entry: PublishedResult, audit: list
) -> str:
    """Write one unit's published result; "created", "updated" or "unchanged"."""
    if participant is None:
        participant = Participant.objects.create(
            edition=edition, unit=entry.unit, ranked=entry.ranked
        )
        SummaryScore.objects.create(participant=participant, **_values(entry))
        audit.append((EditionChange.Action.ADDED, entry.unit.code, None, _state(entry)))
        return "created"
    summary = getattr(participant, "summary", None)
    old = _result_values(participant, summary)
    if old == _state(entry):
        return "unchanged"
    if participant.ranked != entry.ranked:
        participant.ranked = entry.ranked
        participant.save(update_fields=["ranked"])
    if summary is None:
        SummaryScore.objects.create(participant=participant, **_values(entry))
        audit.append((EditionChange.Action.ADDED, entry.unit.code, None, _state(entry)))
        return "created"
    for name, value in _values(entry).items():
        setattr(summary, name, value)
    summary.save()
    audit.append((EditionChange.Action.CHANGED, entry.unit.code, old, _state(entry)))
    return "updated"


def _set_edition_figures(edition: Edition, ranked_total, average, *, user, source: str) -> None:
    """The edition's ranked total and published average, where the file gives them."""
    old = {"ranked_total": edition.ranked_total, "average": edition.published_average}
    if ranked_total is not KEEP:
        edition.ranked_total = ranked_total
    if average is not KEEP:
        edition.published_average = average
    new = {"ranked_total": edition.ranked_total, "average": edition.published_average}
    if new == old:
        return
    edition.save(update_fields=["ranked_total", "published_average"])
    change = (EditionChange.Action.CHANGED, str(edition), _str(old), _str(new))
    record_changes(edition, EditionChange.Subject.EDITION, [change], user=user, source=source)


def summary_edition(year: int, level: str, *, user, source: str) -> tuple[Edition, bool]:
    """The year and level's edition, a new summary-only one if there is none; whether it is new.
    (A full edition is refused by the writer that locks it.)"""
    edition = Edition.objects.filter(year=year, level=level).first()
    if edition is not None:
        return edition, False
    created = create_edition(
        year, level, summary_only=True, status=Edition.Status.REVIEW, user=user, source=source
    )
    return created, True


@dataclass(frozen=True)
class PrintedAverage:
    """An average as the publisher printed it: national (region_code "") or one region's."""

    region_code: str
    value: Decimal
    source: str


@dataclass(frozen=True)
class PrintedFieldFigure:
    """One unit's figure on one field as a page gave it (the index may be missing)."""

    unit: Unit
    field: str
    index: Decimal | None
    source: str


def set_published_averages(
    edition: Edition, entries: Iterable[PrintedAverage], *, user, source: str
) -> Written:
    """Store published averages of a summary-only edition, never computed from its rows; the
    national one is also the edition's published average."""
    entries = list(entries)
    with transaction.atomic():
        stored = {a.region_code: a for a in edition.averages.filter(field_code="")}

        def same(entry: PrintedAverage) -> bool:
            kept = stored.get(entry.region_code)
            return (
                kept is not None
                and kept.published
                and (kept.value, kept.source) == (entry.value, entry.source)
            )

        keys = {entry.region_code: (edition.pk, "average", entry.region_code) for entry in entries}
        if edition.is_published and all(same(entry) for entry in entries):
            return Written(frozenset(), frozenset(), frozenset(keys.values()))
        edition = lock_edition(edition, Change.PUBLISHED_RESULTS, user=user)
        created, updated, unchanged, audit = set(), set(), set(), []
        for entry in entries:
            key, kept = keys[entry.region_code], stored.get(entry.region_code)
            new = {"value": str(entry.value), "source": entry.source}
            if same(entry):
                unchanged.add(key)
                continue
            if kept is None:
                Average.objects.create(
                    edition=edition,
                    region_code=entry.region_code,
                    value=entry.value,
                    published=True,
                    source=entry.source,
                )
                created.add(key)
                audit.append((EditionChange.Action.ADDED, _average_key(entry), None, new))
            else:
                old = {"value": str(kept.value), "source": kept.source}
                kept.value, kept.published, kept.source = entry.value, True, entry.source
                kept.save(update_fields=["value", "published", "source"])
                updated.add(key)
                audit.append((EditionChange.Action.CHANGED, _average_key(entry), old, new))
            if entry.region_code == "" and edition.published_average != entry.value:
                edition.published_average = entry.value
                edition.save(update_fields=["published_average"])
        record_changes(edition, EditionChange.Subject.SUMMARY, audit, user=user, source=source)
    return Written(frozenset(created), frozenset(updated), frozenset(unchanged))


def _average_key(entry: PrintedAverage) -> str:
    return f"average {entry.region_code or 'national'}"


def set_field_figures(
    edition: Edition, entries: Iterable[PrintedFieldFigure], *, user, source: str
) -> Written:
    """Store the published figures of fields of a summary-only edition, as the pages gave them."""
    entries = list(entries)
    with transaction.atomic():
        stored = {(f.unit_id, f.field): f for f in edition.field_figures.all()}

        def same(entry: PrintedFieldFigure) -> bool:
            kept = stored.get((entry.unit.pk, entry.field))
            return kept is not None and (kept.index, kept.source) == (entry.index, entry.source)

        keys = {id(e): (edition.pk, e.unit.pk, e.field) for e in entries}
        if edition.is_published and all(same(entry) for entry in entries):
            return Written(frozenset(), frozenset(), frozenset(keys.values()))
        edition = lock_edition(edition, Change.PUBLISHED_RESULTS, user=user)
        created, updated, unchanged, audit = set(), set(), set(), []
        for entry in entries:
            key, kept = keys[id(entry)], stored.get((entry.unit.pk, entry.field))
            new = {"index": _str_or_none(entry.index), "source": entry.source}
            name = f"{entry.unit.code} {entry.field}"[:64]
            if same(entry):
                unchanged.add(key)
            elif kept is None:
                FieldFigure.objects.create(
                    edition=edition,
                    unit=entry.unit,
                    field=entry.field,
                    index=entry.index,
                    source=entry.source,
                )
                created.add(key)
                audit.append((EditionChange.Action.ADDED, name, None, new))
            else:
                old = {"index": _str_or_none(kept.index), "source": kept.source}
                kept.index, kept.source = entry.index, entry.source
                kept.save(update_fields=["index", "source"])
                updated.add(key)
                audit.append((EditionChange.Action.CHANGED, name, old, new))
        record_changes(edition, EditionChange.Subject.SUMMARY, audit, user=user, source=source)
    return Written(frozenset(created), frozenset(updated), frozenset(unchanged))


def _str_or_none(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _values(entry: PublishedResult) -> dict:
    return {name: getattr(entry, name) for name in _RESULT_FIELDS}


def _state(entry: PublishedResult) -> dict:
    return _str({"ranked": entry.ranked, **_values(entry)})


def _result_values(participant: Participant, summary: SummaryScore | None) -> dict | None:
    if summary is None:
        return None
    values = {name: getattr(summary, name) for name in _RESULT_FIELDS}
    return _str({"ranked": participant.ranked, **values})


def _str(values: dict) -> dict:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}
