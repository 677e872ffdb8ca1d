"""Editions: creating one, locking it for a change, and which changes its stage accepts."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_noop

from files.problems import Message, Refused, register
from provinces.models import Unit
from scoring.models import Edition, EditionChange, Participant
from scoring.permissions import Change, role_refusal

register(
    # Translators: %(level)s is province or ministry, as written in the file.
    edition_published=gettext_noop(
        "the %(year)s %(level)s edition is published; a correction must reopen it "
        "before anything is imported into it"
    ),
    # Translators: %(level)s is province or ministry, as written in the file.
    edition_missing=gettext_noop(
        "there is no %(year)s %(level)s edition (import its methodology first)"
    ),
    # Translators: %(level)s is province or ministry, as written in the file.
    edition_summary_only=gettext_noop("the %(year)s %(level)s edition holds summary results only"),
    # Translators: %(level)s is province or ministry, as written in the file.
    edition_summary_no_tree=gettext_noop(
        "the %(year)s %(level)s edition holds summary results only, without a tree"
    ),
    edition_has_tree=gettext_noop(
        # Translators: %(level)s is province or ministry, as written in the file.
        "the %(year)s %(level)s edition has a criteria tree; its results are "
        "computed from its scores, not imported"
    ),
)


@dataclass(frozen=True)
class Written:
    """What a writer did, by key (a unit, a leaf, a code): each key is in one set only, so the
    outcomes of two writers on the same rows add up to created / updated / unchanged per row."""

    created: frozenset = frozenset()
    updated: frozenset = frozenset()
    unchanged: frozenset = frozenset()

    def __or__(self, other: "Written") -> "Written":
        created = self.created | other.created
        updated = (self.updated | other.updated) - created
        return Written(created, updated, (self.unchanged | other.unchanged) - created - updated)

    def counts(self) -> tuple[int, int, int]:
        return len(self.created), len(self.updated), len(self.unchanged)


_NEEDS_TREE = {
    Change.METHODOLOGY,
    Change.SELF_POINTS,
    Change.APPRAISED_POINTS,
    Change.SURVEY_POINTS,
}


def stage_refusal(edition: Edition, change: str) -> Message | None:
    """Why the edition does not accept this change in its current stage, or None.

    Nothing changes a published edition (docs/rules.md: a correction reopens it first). Which
    role may write what in which earlier stage is the staff workflow's matrix; files imported
    by an admin may fill any stage before publishing.
    """
    where = {"year": edition.year, "level": edition.level}
    if edition.is_published:
        return Message("edition_published", where)
    if edition.summary_only and change == Change.METHODOLOGY:
        return Message("edition_summary_no_tree", where)
    if edition.summary_only and change in _NEEDS_TREE:
        return Message("edition_summary_only", where)
    if not edition.summary_only and change == Change.PUBLISHED_RESULTS:
        return Message("edition_has_tree", where)
    return None


def lock_edition(edition: Edition, change: str, *, user, unit_ids=()) -> Edition:
    """The edition, re-read under the row lock publishing takes, if it accepts the change in its
    stage and the user may make it (on these units).

    Writers call this inside their transaction, so an import and a publish (or two imports) of
    one edition run one after the other, each seeing what the other committed.
    """
    locked = Edition.objects.select_for_update().get(pk=edition.pk)
    problem = stage_refusal(locked, change) or role_refusal(user, locked, change, unit_ids)
    if problem is not None:
        raise Refused([problem])
    return locked


@transaction.atomic
def create_edition(year: int, level: str, *, user, source: str, **extra) -> Edition:
    """A new edition. Unless it is summary-only, every unit of the level that existed in that
    year takes part (the default of docs/formats.md; a participants file changes it)."""
    edition = Edition.objects.create(year=year, level=level, **extra)
    participants = []
    if not edition.summary_only:
        participants = Participant.objects.bulk_create(
            Participant(edition=edition, unit=unit)
            for unit in Unit.objects.filter(level=level).of_year(year)
        )
    EditionChange.objects.create(
        edition=edition,
        subject=EditionChange.Subject.EDITION,
        action=EditionChange.Action.ADDED,
        key=str(edition),
        new_value={"participants": len(participants), **{k: str(v) for k, v in extra.items()}},
        user=user,
        source=source,
    )
    return edition


def record_changes(
    edition: Edition, subject: str, audit: list[tuple], *, user, source: str
) -> None:
    """The audit rows of an edition's set-up: (action, key, old, new) each."""
    EditionChange.objects.bulk_create(
        EditionChange(
            edition=edition,
            subject=subject,
            action=action,
            key=key,
            old_value=old,
            new_value=new,
            user=user,
            source=source,
        )
        for action, key, old, new in audit
    )
