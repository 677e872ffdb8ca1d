"""Who takes part in an edition: the rules for a participant, and the writer of the list."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_noop

from files.problems import Message, Refused, register
from provinces.models import Unit
from scoring.editions import Change, Written, lock_edition, record_changes
from scoring.models import Edition, EditionChange, Participant

register(
    unit_not_of_edition=gettext_noop(
        "%(name)s (%(code)s) is not a %(level)s unit of %(year)s, so it cannot take part"
    ),
    dropped_with_points=gettext_noop(
        "%(name)s (%(code)s) has points in this edition but is missing from the file "
        "(list every participant)"
    ),
    # Translators: %(count)s units were dropped from the edition's participants.
    participants_dropped=gettext_noop("%(count)s units not in the file no longer take part"),
)


@dataclass(frozen=True)
class Participation:
    unit: Unit
    ranked: bool = True
    note: str = ""


def unit_problem(edition: Edition, unit: Unit) -> Message | None:
    """A unit takes part only in editions of its level in a year it existed (docs/rules.md)."""
    if unit.level != edition.level or not unit.exists_in(edition.year):
        return Message(
            "unit_not_of_edition",
            {
                "name": unit.name_vi,
                "code": unit.code,
                "level": edition.level,
                "year": edition.year,
            },
        )
    return None


def dropped(edition: Edition, listed_unit_ids: set[int]) -> tuple[list[Participant], list[Message]]:
    """The participants a full list leaves out: those without points are dropped, those with
    points are a problem, since points are never dropped silently."""
    removable, problems = [], []
    for participant in (
        Participant.objects.filter(edition=edition)
        .exclude(unit_id__in=listed_unit_ids)
        .select_related("unit")
        .annotate(scored=Count("scores") + Count("summary"))
        .order_by("unit__code")
    ):
        if participant.scored:
            unit = participant.unit
            params = {"name": unit.name_vi, "code": unit.code}
            problems.append(Message("dropped_with_points", params))
        else:
            removable.append(participant)
    return removable, problems


def set_participants(
    edition: Edition, entries: Iterable[Participation], *, user, source: str
) -> tuple[Written, int]:
    """Make the edition's participants exactly these units; returns the counts and how many
    participants without points were dropped. Every addition, change and removal is recorded."""
    entries = list(entries)
    with transaction.atomic():
        edition = lock_edition(edition, Change.PARTICIPANTS, user=user)
        problems = [p for entry in entries if (p := unit_problem(edition, entry.unit))]
        removable, refused = dropped(edition, {entry.unit.pk for entry in entries})
        if problems or refused:
            raise Refused(problems + refused)
        current = {p.unit_id: p for p in edition.participants.all()}
        created, updated, audit = [], [], []
        unchanged = set()
        for entry in entries:
            new = {"ranked": entry.ranked, "note": entry.note}
            participant = current.get(entry.unit.pk)
            if participant is None:
                created.append(Participant(edition=edition, unit=entry.unit, **new))
                audit.append((EditionChange.Action.ADDED, entry.unit.code, None, new))
                continue
            old = {"ranked": participant.ranked, "note": participant.note}
            if old == new:
                unchanged.add((edition.pk, entry.unit.pk))
                continue
            participant.ranked, participant.note = entry.ranked, entry.note
            updated.append(participant)
            audit.append((EditionChange.Action.CHANGED, entry.unit.code, old, new))
        for participant in removable:
            old = {"ranked": participant.ranked, "note": participant.note}
            audit.append((EditionChange.Action.REMOVED, participant.unit.code, old, None))
        Participant.objects.filter(pk__in=[p.pk for p in removable]).delete()
        Participant.objects.bulk_create(created)
        Participant.objects.bulk_update(updated, ["ranked", "note"])
        record_changes(edition, EditionChange.Subject.PARTICIPANT, audit, user=user, source=source)
    written = Written(
        frozenset((edition.pk, p.unit_id) for p in created),
        frozenset((edition.pk, p.unit_id) for p in updated),
        frozenset(unchanged),
    )
    return written, len(removable)
