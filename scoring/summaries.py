"""Historical published results of summary-only editions (docs/rules.md): the writer that stores
them as imported, with the edition's ranked total and published average, and records each change."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from provinces.models import Unit
from scoring.editions import Change, Written, create_edition, lock_edition, record_changes
from scoring.models import Edition, EditionChange, Participant, SummaryScore
from scoring.participation import unit_problem
from scoring.points import KEEP
from scoring.problems import Refused

_RESULT_FIELDS = ("index", "rank", "appraised_points", "survey_points", "field_indices")


@dataclass(frozen=True)
class PublishedResult:
    unit: Unit
    index: Decimal
    rank: int | None = None
    ranked: bool = True
    appraised_points: Decimal | None = None
    survey_points: Decimal | None = None
    # Component indices by field code, as decimal strings: {"1": "84.43"}.
    field_indices: dict = field(default_factory=dict)


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
        edition = Edition.objects.filter(year=year, level=level).first()
        is_new = edition is None
        if is_new:
            edition = create_edition(
                year,
                level,
                summary_only=True,
                status=Edition.Status.REVIEW,
                user=user,
                source=source,
            )
        edition = lock_edition(edition, Change.PUBLISHED_RESULTS, user=user)
        problems = [p for entry in entries if (p := unit_problem(edition, entry.unit))]
        if problems:
            raise Refused(problems)
        participants = {p.unit_id: p for p in edition.participants.select_related("summary")}
        audit = []
        created, updated, unchanged = set(), set(), set()
        for entry in entries:
            participant = participants.get(entry.unit.pk)
            if participant is None:
                participant = Participant.objects.create(
                    edition=edition, unit=entry.unit, ranked=entry.ranked
                )
                audit.append((EditionChange.Action.ADDED, entry.unit.code, None, _state(entry)))
                SummaryScore.objects.create(participant=participant, **_values(entry))
                created.add((edition.pk, entry.unit.pk))
                continue
            summary = getattr(participant, "summary", None)
            old = _stored(participant, summary)
            if old == _state(entry):
                unchanged.add((edition.pk, entry.unit.pk))
                continue
            if participant.ranked != entry.ranked:
                participant.ranked = entry.ranked
                participant.save(update_fields=["ranked"])
            if summary is None:
                SummaryScore.objects.create(participant=participant, **_values(entry))
            else:
                for name, value in _values(entry).items():
                    setattr(summary, name, value)
                summary.save()
            action = EditionChange.Action.CHANGED if summary else EditionChange.Action.ADDED
            audit.append((action, entry.unit.code, old if summary else None, _state(entry)))
            (updated if summary else created).add((edition.pk, entry.unit.pk))
        edition_old = {"ranked_total": edition.ranked_total, "average": edition.published_average}
        if ranked_total is not KEEP:
            edition.ranked_total = ranked_total
        if average is not KEEP:
            edition.published_average = average
        edition_new = {"ranked_total": edition.ranked_total, "average": edition.published_average}
        if edition_new != edition_old:
            edition.save(update_fields=["ranked_total", "published_average"])
            record_changes(
                edition,
                EditionChange.Subject.EDITION,
                [
                    (
                        EditionChange.Action.CHANGED,
                        str(edition),
                        _str(edition_old),
                        _str(edition_new),
                    )
                ],
                user=user,
                source=source,
            )
        record_changes(edition, EditionChange.Subject.SUMMARY, audit, user=user, source=source)
    written = Written(frozenset(created), frozenset(updated), frozenset(unchanged))
    return edition, written, is_new


def _values(entry: PublishedResult) -> dict:
    return {name: getattr(entry, name) for name in _RESULT_FIELDS}


def _state(entry: PublishedResult) -> dict:
    return _str({"ranked": entry.ranked, **_values(entry)})


def _stored(participant: Participant, summary: SummaryScore | None) -> dict | None:
    if summary is None:
        return None
    values = {name: getattr(summary, name) for name in _RESULT_FIELDS}
    return _str({"ranked": participant.ranked, **values})


def _str(values: dict) -> dict:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}
