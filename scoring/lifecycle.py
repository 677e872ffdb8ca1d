"""Moving an edition through its stages (docs/rules.md): draft → self_assessment → appraisal →
review → published, and a correction reopens a published edition with a written reason.

Each transition is an explicit act of an admin, checked against the edition's current stage under
the edition's lock, and recorded as an EditionEvent (who, when, note). Publishing itself is
scoring.publish.publish_edition.
"""

from django.db import transaction
from django.utils.translation import gettext_noop

from files.problems import Message, Refused, register
from scoring.models import DataVersion, Edition, EditionChange, EditionEvent, Participant
from scoring.permissions import ADMIN, role_of
from scoring.signals import stage_moved

register(
    # Translators: %(stage)s is the edition's current stage, translated.
    wrong_stage=gettext_noop(
        "the %(year)s %(level)s edition is in the %(stage)s stage; it cannot move on from there "
        "this way"
    ),
    admins_only=gettext_noop("only an admin moves an edition from one stage to the next"),
    reason_required=gettext_noop("a correction needs a written reason"),
    step_back_reason_required=gettext_noop("taking a stage back needs a written reason"),
    # Translators: %(stage)s is the edition's current stage, translated.
    no_step_back=gettext_noop(
        "the %(year)s %(level)s edition is in the %(stage)s stage, which cannot be taken back "
        "this way"
    ),
    deadline_admins_only=gettext_noop("only an admin sets deadlines and extensions"),
    no_dates_when_published=gettext_noop(
        "the %(year)s %(level)s edition is published; its deadlines no longer change"
    ),
    correction_units_required=gettext_noop(
        "a correction names the units it concerns (one or more)"
    ),
    # Translators: %(code)s is a unit's code.
    correction_unit_unknown=gettext_noop(
        "unit %(code)s does not take part in the %(year)s %(level)s edition"
    ),
)

_NEXT = {
    EditionEvent.Action.OPEN_SELF_ASSESSMENT: (
        Edition.Status.DRAFT,
        Edition.Status.SELF_ASSESSMENT,
    ),
    EditionEvent.Action.OPEN_APPRAISAL: (
        Edition.Status.SELF_ASSESSMENT,
        Edition.Status.APPRAISAL,
    ),
    EditionEvent.Action.OPEN_REVIEW: (Edition.Status.APPRAISAL, Edition.Status.REVIEW),
    EditionEvent.Action.REOPEN: (Edition.Status.PUBLISHED, Edition.Status.REVIEW),
}


def open_self_assessment(edition: Edition, *, user, note: str = "") -> Edition:
    """Unit officers may now enter and submit their self-assessment."""
    return _move(edition, EditionEvent.Action.OPEN_SELF_ASSESSMENT, user=user, note=note)


def open_appraisal(edition: Edition, *, user, note: str = "") -> Edition:
    """Self-assessment is locked; appraisers now enter appraised points."""
    return _move(edition, EditionEvent.Action.OPEN_APPRAISAL, user=user, note=note)


def open_review(edition: Edition, *, user, note: str = "") -> Edition:
    """Appraisal is locked; admins preview the results before publishing."""
    return _move(edition, EditionEvent.Action.OPEN_REVIEW, user=user, note=note)


def reopen_edition(edition: Edition, *, user, reason: str, units=None) -> Edition:
    """A correction: the published edition goes back to review; its reason is kept, and so are
    the units it concerns, the only ones whose scores may change until it is published again
    (scoring.points). The staff form always names them; None (a caller without a form) is the
    whole edition, an empty list is refused."""
    problems = [] if reason.strip() else [Message("reason_required")]
    if units is not None:
        units = list(units)
        problems += _unit_problems(edition, units)
    if problems:
        raise Refused(problems)
    return _move(edition, EditionEvent.Action.REOPEN, user=user, note=reason.strip(), units=units)


def _unit_problems(edition: Edition, units: list) -> list[Message]:
    if not units:
        return [Message("correction_units_required")]
    taking_part = set(edition.participants.values_list("unit_id", flat=True))
    where = {"year": edition.year, "level": edition.level}
    return [
        Message("correction_unit_unknown", {"code": unit.code, **where})
        for unit in units
        if unit.pk not in taking_part
    ]


# One stage back from each working stage (published → review is the reopening, with its units).
BACK: dict[str, str] = {
    Edition.Status.SELF_ASSESSMENT: Edition.Status.DRAFT,
    Edition.Status.APPRAISAL: Edition.Status.SELF_ASSESSMENT,
    Edition.Status.REVIEW: Edition.Status.APPRAISAL,
}


def step_back(edition: Edition, *, user, reason: str, expected: str | None = None) -> Edition:
    """The edition goes back one stage (a move taken in error), with a written reason, recorded
    as an EditionEvent like every move. `expected` is the stage the admin saw when confirming:
    an edition that moved meanwhile is refused rather than taken back from another stage."""
    if role_of(user) != ADMIN:
        raise Refused([Message("admins_only")])
    if not reason.strip():
        raise Refused([Message("step_back_reason_required")])
    action = EditionEvent.Action.STEP_BACK
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        target = BACK.get(edition.status)
        if target is None or expected not in (None, edition.status):
            raise Refused([Message("no_step_back", _stage(edition))])
        edition.status = target
        edition.save(update_fields=["status"])
        reason = reason.strip()
        EditionEvent.objects.create(edition=edition, action=action, reason=reason, user=user)
        stage_moved.send(sender=Edition, edition=edition, action=action, user=user)
    return edition


def correction_units(edition: Edition) -> set[int] | None:
    """The ids of the units a reopened edition's correction concerns, or None when the edition is
    not under a correction (never published, or published again since its last reopening)."""
    last = (
        edition.events.filter(action__in=[EditionEvent.Action.REOPEN, EditionEvent.Action.PUBLISH])
        .order_by("-at", "-id")
        .first()
    )
    if last is None or last.action != EditionEvent.Action.REOPEN:
        return None
    units = set(last.units.values_list("pk", flat=True))
    return units or None  # a reopening from before units were named: the whole edition


def wrong_stage(edition: Edition, source: str) -> Message | None:
    """Why the edition cannot move on from `source` (publishing too: from review), or None."""
    if edition.status == source:
        return None
    return Message("wrong_stage", _stage(edition))


def _stage(edition: Edition) -> dict:
    return {"year": edition.year, "level": edition.level, "stage": edition.get_status_display()}


def _move(edition: Edition, action: EditionEvent.Action, *, user, note: str, units=()) -> Edition:
    if role_of(user) != ADMIN:
        raise Refused([Message("admins_only")])
    source, target = _NEXT[action]
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        problem = wrong_stage(edition, source)
        if problem is not None:
            raise Refused([problem])
        edition.status = target
        edition.save(update_fields=["status"])
        event = EditionEvent.objects.create(edition=edition, action=action, reason=note, user=user)
        if units:
            event.units.set(units)
        stage_moved.send(sender=Edition, edition=edition, action=action, user=user)
        if source == Edition.Status.PUBLISHED:
            # The edition leaves the public pages: every public cache key holds the data version.
            DataVersion.bump()
    return edition


# Deadlines and extensions: dates an admin sets on an edition that is not published; each change
# is an EditionChange (who, when, old, new) like the rest of an edition's set-up.

DEADLINES = ("self_assessment_deadline", "appraisal_deadline", "review_deadline")


def set_deadlines(edition: Edition, dates: dict, *, user, source: str = "web") -> Edition:
    """The last day of each working stage (None: no deadline), by DEADLINES' names."""
    if role_of(user) != ADMIN:
        raise Refused([Message("deadline_admins_only")])
    with transaction.atomic():
        edition = _open_for_dates(edition)
        old = {name: _iso(getattr(edition, name)) for name in DEADLINES}
        for name in DEADLINES:
            setattr(edition, name, dates.get(name))
        new = {name: _iso(getattr(edition, name)) for name in DEADLINES}
        if new != old:
            edition.save(update_fields=list(DEADLINES))
            _record_dates(
                edition, EditionChange.Subject.EDITION, str(edition), old, new, user, source
            )
    return edition


def extend(participant: Participant, until, *, user, source: str = "web") -> Participant:
    """An extension for one unit: until that day (None: none) it may still enter and submit its
    self-assessment after the appraisal opened (scoring.permissions.extended)."""
    if role_of(user) != ADMIN:
        raise Refused([Message("deadline_admins_only")])
    with transaction.atomic():
        edition = _open_for_dates(participant.edition)
        participant = (
            Participant.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=participant.pk)
        )
        old = {"extended_until": _iso(participant.extended_until)}
        participant.extended_until = until
        new = {"extended_until": _iso(until)}
        if new != old:
            participant.save(update_fields=["extended_until"])
            subject = EditionChange.Subject.PARTICIPANT
            _record_dates(edition, subject, participant.unit.code, old, new, user, source)
    return participant


def _open_for_dates(edition: Edition) -> Edition:
    locked = Edition.objects.select_for_update().get(pk=edition.pk)
    if locked.is_published:
        raise Refused([Message("no_dates_when_published", _stage(locked))])
    return locked


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _record_dates(edition, subject, key, old, new, user, source) -> None:
    EditionChange.objects.create(
        edition=edition,
        subject=subject,
        action=EditionChange.Action.CHANGED,
        key=key,
        old_value=old,
        new_value=new,
        user=user,
        source=source,
    )
